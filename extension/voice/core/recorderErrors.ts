import { CodedError } from '../../../engine/errors';

export const RECORDER_ERROR_CODES = ['no-recorder', 'invalid-command', 'exited-early', 'no-audio', 'busy'] as const;

/**
 * Why a voice recording failed. Callers switch on `code` to pick what to offer (install a
 * recorder, open the settings, record again); `message` already says what failed and what
 * the user can do.
 *
 * - no-recorder: no recorder program on PATH, or the chosen one is missing.
 * - invalid-command: gemmaAgent.voice.recorderCommand cannot be used as written.
 * - exited-early: the recorder quit before recording (no microphone, device busy, bad arguments).
 * - no-audio: the recorder ran but wrote no audio, or the recording was cancelled.
 * - busy: start() on a recorder that is already recording or done.
 */
export type RecorderErrorCode = (typeof RECORDER_ERROR_CODES)[number];

export class RecorderError extends CodedError<RecorderErrorCode> {
  constructor(code: RecorderErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, {}, options);
  }
}

export function isRecorderError(value: unknown): value is RecorderError {
  return value instanceof RecorderError;
}
