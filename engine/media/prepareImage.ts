import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeImage, type RgbaImage } from './imageDecode';
import { fitImageToBudget } from './imageFit';
import { type ImageFormat, readImageHeader } from './imageHeader';
import { flattenOntoWhite, resizeRgba } from './imageResize';
import type { ImageTokenLimits } from './imageTokens';
import { type MediaInput, readMediaInput } from './input';

export type PreparedImageMime = 'image/png' | 'image/jpeg';

export interface PreparedImage {
  mime: PreparedImageMime;
  /** The encoded image to send. */
  data: Buffer;
  /** Size of `data`. */
  width: number;
  height: number;
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
 * up) so its patch grid stays within the token budget, transparency painted onto white.
 * PNG and JPEG that need no change are passed through byte for byte.
 */
export async function prepareImage(input: MediaInput, opts: PrepareImageOptions = {}): Promise<PreparedImage> {
  const maxTokens = opts.maxTokens ?? DEFAULT_IMAGE_MAX_TOKENS;
  if (!(maxTokens > 0) || !Number.isFinite(maxTokens)) {
    throw new RangeError(`maxTokens must be a positive number of tokens, got ${maxTokens}.`);
  }
  const bytes = await readMediaInput(input, MAX_IMAGE_BYTES, 'image');
  const header = readImageHeader(bytes);
  const image = decodeImage(bytes, header);
  const hadAlpha = flattenOntoWhite(image);
  const fit = fitImageToBudget(image.width, image.height, maxTokens, opts.serverLimits);

  const passThrough = !fit.resized && !hadAlpha && (header.format === 'png' || header.format === 'jpeg');
  let mime: PreparedImageMime;
  let data: Buffer;
  if (passThrough) {
    mime = header.format === 'jpeg' ? 'image/jpeg' : 'image/png';
    data = bytes;
  } else {
    const out = fit.resized ? resizeRgba(image, fit.width, fit.height) : image;
    // Photos stay JPEG; everything else (screenshots, UI, text) is kept lossless.
    mime = header.format === 'jpeg' ? 'image/jpeg' : 'image/png';
    data = mime === 'image/jpeg' ? encodeJpeg(out) : encodePng(out);
  }

  return {
    mime,
    data,
    width: fit.width,
    height: fit.height,
    originalWidth: header.width,
    originalHeight: header.height,
    sourceFormat: header.format,
    tokens: fit.tokens,
    resized: fit.resized,
    dataUrl: () => `data:${mime};base64,${data.toString('base64')}`,
  };
}

function encodePng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  // Alpha was flattened already: RGB output is a quarter smaller and what the server reads.
  return PNG.sync.write(png, { colorType: 2 });
}

function encodeJpeg(image: RgbaImage): Buffer {
  return jpeg.encode({ width: image.width, height: image.height, data: image.data }, JPEG_QUALITY).data;
}
