import { isScreenshotToCodeError, renderHtmlToPng } from '../../../agent/screenshotToCode';
import { isAbortError } from '../../../engine/errors';
import { errorText } from '../../errorText';

export interface PageRendererOptions {
  /** The markup file to render, absolute. */
  page: string;
  width: number;
  height: number;
  chromiumPath: string;
  signal: AbortSignal;
  /**
   * Called when there is no score for this page: no browser, a wrong browser setting, a
   * page that failed to render. The run goes on without scoring.
   */
  onUnavailable: (reason: RenderUnavailable) => void;
}

export interface RenderUnavailable {
  /** The browser is missing or misconfigured (a setting fixes it), or this page failed. */
  kind: 'no-browser' | 'page-failed';
  message: string;
}

/**
 * The render step of the self-check loop. A render that cannot happen is not a failure of
 * the run: the files are written and previewed, only the score (and the fix rounds it
 * drives) is missing, so this returns undefined and says why once.
 */
export function pageRenderer(options: PageRendererOptions): () => Promise<Buffer | undefined> {
  let unavailable = false;
  return async () => {
    if (unavailable) return undefined;
    try {
      return await renderHtmlToPng({
        page: options.page,
        width: options.width,
        height: options.height,
        chromiumPath: options.chromiumPath,
        signal: options.signal,
      });
    } catch (error) {
      if (isAbortError(error, options.signal)) throw error;
      unavailable = true;
      const message = errorText(error);
      const noBrowser = isScreenshotToCodeError(error) && (error.code === 'no-chromium' || error.code === 'bad-chromium-path');
      options.onUnavailable({ kind: noBrowser ? 'no-browser' : 'page-failed', message });
      return undefined;
    }
  };
}
