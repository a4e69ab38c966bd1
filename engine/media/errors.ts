import { CodedError } from '../errors';

export const MEDIA_ERROR_CODES = ['empty', 'unreadable', 'unsupported-format', 'corrupt', 'too-large', 'too-short', 'silent', 'no-speech'] as const;

/**
 * Why a screenshot or a voice clip could not be prepared. Callers switch on `code` to pick
 * what to tell the user; `message` says what failed and, in plain terms, what to do about it.
 */
export type MediaErrorCode = (typeof MEDIA_ERROR_CODES)[number];

export class MediaError extends CodedError<MediaErrorCode> {
  constructor(code: MediaErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, {}, options);
  }
}

export function isMediaError(value: unknown): value is MediaError {
  return value instanceof MediaError;
}
