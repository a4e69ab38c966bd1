/**
 * An image as screenshot-to-code needs it. engine/media's PreparedImage fits as it is
 * (its `dataUrl` is a method); a test or a caller holding only a data URL can pass that.
 */
export interface ScreenshotImage {
  /** A `data:image/png;base64,...` (or JPEG) URL, or a function returning one. */
  dataUrl: string | (() => string);
  /** Size of the image as sent to the model. */
  width: number;
  height: number;
  /** Size before it was scaled down to the token budget: the page is meant to fill this. */
  originalWidth?: number;
  originalHeight?: number;
  /** The encoded bytes, when the caller has them; otherwise they are read from the data URL. */
  data?: Buffer;
}

export function imageDataUrl(image: ScreenshotImage): string {
  return typeof image.dataUrl === 'string' ? image.dataUrl : image.dataUrl();
}

/** The page size to aim for: the screenshot as captured, before any downscaling. */
export function pageSize(image: ScreenshotImage): { width: number; height: number } {
  return { width: image.originalWidth ?? image.width, height: image.originalHeight ?? image.height };
}

/** The encoded image bytes, from `data` or decoded from the base64 data URL. */
export function imageBytes(image: ScreenshotImage): Buffer {
  if (image.data) return image.data;
  const url = imageDataUrl(image);
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0 || !url.slice(0, comma).endsWith(';base64')) {
    throw new TypeError('The screenshot must be a base64 data: URL (as prepareImage makes) or carry its bytes in `data`.');
  }
  return Buffer.from(url.slice(comma + 1), 'base64');
}
