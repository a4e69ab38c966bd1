import { CodedError } from '../../engine/errors';

export const SCREENSHOT_TO_CODE_ERROR_CODES = ['no-chromium', 'bad-chromium-path', 'no-page', 'render-timeout', 'render-failed', 'no-files'] as const;

/**
 * Why screenshot-to-code could not go on. Callers switch on `code` to pick what to show;
 * `message` says what failed, and `facts` what the front end needs to say where to fix it.
 *
 * - no-chromium: no Chrome or Chromium to render the page with.
 * - bad-chromium-path: the configured browser path names nothing runnable.
 * - no-page: the page to render (a file, or a folder's index.html) is missing.
 * - render-timeout: the browser ran past its time limit and was stopped.
 * - render-failed: the browser ended without writing a screenshot, or did not start.
 * - no-files: the model's reply held no file in the requested format.
 */
export type ScreenshotToCodeErrorCode = (typeof SCREENSHOT_TO_CODE_ERROR_CODES)[number];

export class ScreenshotToCodeError extends CodedError<ScreenshotToCodeErrorCode> {
  constructor(code: ScreenshotToCodeErrorCode, message: string, options?: { cause?: unknown; facts?: Readonly<Record<string, string | undefined>> }) {
    super(code, message, options?.facts ?? {}, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

export function isScreenshotToCodeError(value: unknown): value is ScreenshotToCodeError {
  return value instanceof ScreenshotToCodeError;
}
