import { PNG } from 'pngjs';
import { readExifOrientation } from './exifOrientation';
import { decodeImage, type RgbaImage } from './imageDecode';
import { fitImageToBudget } from './imageFit';
import { type ImageFormat, readImageHeader } from './imageHeader';
import { orientImage, swapsSides } from './imageOrient';
import { flattenOntoWhite, resizeRgba } from './imageResize';
import type { ImageTokenLimits } from './imageTokens';
import { type MediaInput, readMediaInput } from './input';
import { encodeJpeg } from './jpegEncode';
import type { JpegScale } from './jpegScaled';

export type PreparedImageMime = 'image/png' | 'image/jpeg';

export interface PreparedImage {
  mime: PreparedImageMime;
  /** The encoded image to send. */
  data: Buffer;
  /** Size of `data`. */
  width: number;
  height: number;
  /** The input's size as it shows (a photo taken sideways counts as upright). */
  originalWidth: number;
  originalHeight: number;
  /** What the input was, detected from its bytes. */
  sourceFormat: ImageFormat;
  /** Tokens the server will count for this image, its two wrapper tokens included. */
  tokens: number;
  resized: boolean;
  /** `data:` URL for an OpenAI-style `image_url` content part. */
  dataUrl(): string;
}

export interface PrepareImageOptions {
  /**
   * Most tokens the image may cost, wrappers included (default 280). Below what the server
   * charges for the smallest image of this shape (72 to about 90), that smallest size is used.
   */
  maxTokens?: number;
  /** Only when the server runs with `--image-min-tokens` / `--image-max-tokens`. */
  serverLimits?: ImageTokenLimits;
}

export const DEFAULT_IMAGE_MAX_TOKENS = 280;
/** Larger files are refused unread; a 50-megapixel PNG screenshot is far below this. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
const JPEG_QUALITY = 90;

/**
 * Turns a screenshot or picture into what the server takes: PNG or JPEG, scaled down (never
 * up) so its patch grid stays within the token budget, transparency painted onto white, a
 * photo's EXIF orientation applied. PNG and JPEG that need no change are passed through byte
 * for byte. This runs on the calling thread; `prepareImage` from engine/media runs it in the
 * media worker so that the extension host stays responsive.
 */
export async function prepareImageInThread(input: MediaInput, opts: PrepareImageOptions = {}): Promise<PreparedImage> {
  const maxTokens = opts.maxTokens ?? DEFAULT_IMAGE_MAX_TOKENS;
  if (!(maxTokens > 0) || !Number.isFinite(maxTokens)) {
    throw new RangeError(`maxTokens must be a positive number of tokens, got ${maxTokens}.`);
  }
  const bytes = await readMediaInput(input, MAX_IMAGE_BYTES, 'image');
  const header = readImageHeader(bytes);
  const orientation = header.format === 'jpeg' ? readExifOrientation(bytes) : 1;
  const turned = swapsSides(orientation);
  const width = turned ? header.height : header.width;
  const height = turned ? header.width : header.height;
  const fit = fitImageToBudget(width, height, maxTokens, opts.serverLimits);

  // A JPEG sent as it is was decoded only to check it; the smallest decode reads all its data.
  const keepsJpeg = header.format === 'jpeg' && !fit.resized && orientation === 1;
  const scale =
    header.format !== 'jpeg' || !(keepsJpeg || fit.resized)
      ? 1
      : keepsJpeg
        ? 8
        : jpegDecodeScale(header.width, header.height, turned ? fit.height : fit.width, turned ? fit.width : fit.height);
  let image = decodeImage(bytes, header, scale);
  const hadAlpha = header.format !== 'jpeg' && flattenOntoWhite(image);

  const passThrough = keepsJpeg || (header.format === 'png' && !fit.resized && !hadAlpha);
  let mime: PreparedImageMime;
  let data: Buffer;
  if (passThrough) {
    mime = header.format === 'jpeg' ? 'image/jpeg' : 'image/png';
    data = bytes;
  } else {
    image = orientImage(image, orientation);
    const out = image.width !== fit.width || image.height !== fit.height ? resizeRgba(image, fit.width, fit.height) : image;
    // Photos stay JPEG; everything else (screenshots, UI, text) is kept lossless.
    mime = header.format === 'jpeg' ? 'image/jpeg' : 'image/png';
    data = mime === 'image/jpeg' ? encodeJpeg(out, JPEG_QUALITY) : encodePng(out);
  }

  return {
    mime,
    data,
    width: fit.width,
    height: fit.height,
    originalWidth: width,
    originalHeight: height,
    sourceFormat: header.format,
    tokens: fit.tokens,
    resized: fit.resized,
    dataUrl: () => `data:${mime};base64,${data.toString('base64')}`,
  };
}

/**
 * The largest JPEG decode scale whose result is still at least the size to send: the resize
 * after it then only shrinks, and by less than half unless even 1/8 is more than twice the size.
 */
export function jpegDecodeScale(width: number, height: number, targetWidth: number, targetHeight: number): JpegScale {
  for (const scale of [8, 4, 2] as const) {
    if (Math.ceil(width / scale) >= targetWidth && Math.ceil(height / scale) >= targetHeight) return scale;
  }
  return 1;
}

function encodePng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  // Alpha was flattened already: RGB output is a quarter smaller and what the server reads.
  return PNG.sync.write(png, { colorType: 2 });
}
