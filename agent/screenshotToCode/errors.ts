/**
 * Why screenshot-to-code could not go on. Callers switch on `code` to pick what to show;
 * `message` already says what failed and what the user can do.
 */
export type ScreenshotToCodeErrorCode =
  /** No Chrome or Chromium to render the page with. */
  | 'no-chromium'
  /** The configured browser path names nothing runnable. */
  | 'bad-chromium-path'
  /** The page to render (a file, or a folder's index.html) is missing. */
  | 'no-page'
  /** The browser ran past its time limit and was stopped. */
  | 'render-timeout'
  /** The browser ended without writing a screenshot. */
  | 'render-failed'
  /** The model's reply held no file in the requested format. */
  | 'no-files';

export class ScreenshotToCodeError extends Error {
  override readonly name = 'ScreenshotToCodeError';

  constructor(
    readonly code: ScreenshotToCodeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isScreenshotToCodeError(value: unknown): value is ScreenshotToCodeError {
  return value instanceof ScreenshotToCodeError;
}
