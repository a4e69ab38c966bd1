/**
 * Why a voice recording failed. Callers switch on `code` to pick what to offer (install a
 * recorder, open the settings, record again); `message` already says what failed and what
 * the user can do.
 */
export type RecorderErrorCode =
  /** No recorder program on PATH, or the chosen one is missing. */
  | 'no-recorder'
  /** gemmaAgent.voice.recorderCommand cannot be used as written. */
  | 'invalid-command'
  /** The recorder quit before recording (no microphone, device busy, bad arguments). */
  | 'exited-early'
  /** The recorder ran but wrote no audio. */
  | 'empty'
  /** start() on a recorder that is already recording or done. */
  | 'busy';

export class RecorderError extends Error {
  override readonly name = 'RecorderError';

  constructor(
    readonly code: RecorderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isRecorderError(value: unknown): value is RecorderError {
  return value instanceof RecorderError;
}
