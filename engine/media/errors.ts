/**
 * Why a screenshot or a voice clip could not be prepared. Callers switch on `code` to pick
 * what to tell the user; `message` already says what failed and what to do about it.
 */
export type MediaErrorCode =
  | 'empty'
  | 'unreadable'
  | 'unsupported-format'
  | 'corrupt'
  | 'too-large'
  | 'too-short'
  | 'silent';

export class MediaError extends Error {
  override readonly name = 'MediaError';

  constructor(
    readonly code: MediaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isMediaError(value: unknown): value is MediaError {
  return value instanceof MediaError;
}
