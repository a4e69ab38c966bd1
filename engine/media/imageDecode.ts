import jpeg from 'jpeg-js';
import { GifReader } from 'omggif';
import { PNG } from 'pngjs';
import { MediaError } from './errors';
import { type ImageHeader, label, MAX_IMAGE_PIXELS } from './imageHeader';
import { decodeJpegScaled, type JpegScale } from './jpegScaled';
import { decodeWebp } from './webpDecoder';

/** JPEGs the scaled decoder rejects are tried with jpeg-js too, up to this size. */
const JPEG_JS_SECOND_OPINION_PIXELS = 12_000_000;

/** 8-bit RGBA, rows top to bottom, no padding. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Decodes the image whose header was already checked; damaged data fails as 'corrupt'.
 * A JPEG may come out at 1/`jpegScale` of its size (rounded up), when its layout allows
 * (most do); other formats, and JPEGs only jpeg-js reads, come out whole.
 */
export function decodeImage(bytes: Buffer, header: ImageHeader, jpegScale: JpegScale = 1): RgbaImage {
  if (header.animated) {
    throw new MediaError('unsupported-format', 'Animated WebP images are not supported. Save one frame as PNG and attach that.');
  }
  let image: RgbaImage | undefined;
  try {
    image = decodeByFormat(bytes, header, jpegScale);
  } catch (err) {
    if (err instanceof MediaError) throw err;
    throw damaged(header, err);
  }
  if (!image) throw damaged(header);
  const scaled = image.width !== header.width || image.height !== header.height;
  const asScaled = header.format === 'jpeg' && image.width === Math.ceil(header.width / jpegScale) && image.height === Math.ceil(header.height / jpegScale);
  if ((scaled && !asScaled) || image.data.length < image.width * image.height * 4) {
    throw new MediaError(
      'corrupt',
      `The ${label(header.format)} image decoded to ${image.width}x${image.height} pixels but its header says ` +
        `${header.width}x${header.height}: the file is damaged.`,
    );
  }
  return image;
}

function decodeByFormat(bytes: Buffer, header: ImageHeader, jpegScale: JpegScale): RgbaImage | undefined {
  switch (header.format) {
    case 'png': {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, data: png.data };
    }
    case 'jpeg': {
      try {
        const fast = decodeJpegScaled(bytes, jpegScale);
        if (fast) return fast;
      } catch (err) {
        // A second opinion where it is affordable: jpeg-js needs about 30 bytes a pixel.
        if (header.width * header.height > JPEG_JS_SECOND_OPINION_PIXELS) throw err;
      }
      // CMYK and the other layouts the scaled decoder leaves out: jpeg-js decodes them whole.
      // Without tolerantDecoding:false a truncated JPEG decodes "successfully" as grey rows.
      const out = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        tolerantDecoding: false,
        maxResolutionInMP: MAX_IMAGE_PIXELS / 1_000_000,
        maxMemoryUsageInMB: 1024,
      });
      return { width: out.width, height: out.height, data: out.data };
    }
    case 'gif': {
      const reader = new GifReader(bytes);
      if (reader.numFrames() === 0) return undefined;
      const data = new Uint8Array(reader.width * reader.height * 4);
      reader.decodeAndBlitFrameRGBA(0, data);
      return { width: reader.width, height: reader.height, data };
    }
    case 'webp':
      return decodeWebp(bytes);
  }
}

/** The decoder's own words stay in `cause`: they name its internals, not the user's problem. */
function damaged(header: ImageHeader, cause?: unknown): MediaError {
  return new MediaError(
    'corrupt',
    `The ${label(header.format)} image could not be decoded: the file is truncated or damaged. Capture or export it again.`,
    { cause },
  );
}
