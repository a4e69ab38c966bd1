import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { PreparedAudio, PreparedImage } from '../../../engine/media';
import type { AttachmentView } from '../../../webview/protocol';

/**
 * What the page shows for an image or a voice clip. A chip shows an image at 40 px, so its
 * thumbnail is a small JPEG rather than the prepared image itself (which can be a megabyte of
 * PNG, kept in every saved chat); the clip is there to be played back.
 */

/** The thumbnail's longer side, in pixels: sharp at the chip's 40 px on any screen, a few KB. */
export const THUMBNAIL_MAX_SIDE = 256;
const THUMBNAIL_JPEG_QUALITY = 80;

export function imageView(id: string, name: string, image: PreparedImage): AttachmentView {
  const detail = `${image.width}x${image.height}${image.resized ? ` (from ${image.originalWidth}x${image.originalHeight})` : ''}`;
  return { id, kind: 'image', label: name, detail, tokens: image.tokens, thumbnail: imageThumbnail(image) };
}

export function audioView(id: string, label: string, clip: PreparedAudio): AttachmentView {
  return {
    id,
    kind: 'audio',
    label,
    detail: clip.truncated ? 'cut to the length limit' : undefined,
    tokens: clip.tokens,
    audio: `data:audio/wav;base64,${clip.wav.toString('base64')}`,
    seconds: clip.seconds,
  };
}

/** A `data:image/jpeg` URL of the prepared image, at most THUMBNAIL_MAX_SIDE on its longer side. */
export function imageThumbnail(image: Pick<PreparedImage, 'mime' | 'data'>): string {
  const full = decode(image);
  const scale = Math.min(1, THUMBNAIL_MAX_SIDE / Math.max(full.width, full.height));
  const small = scale < 1 ? downscale(full, Math.max(1, Math.round(full.width * scale)), Math.max(1, Math.round(full.height * scale))) : full;
  const encoded = jpeg.encode({ width: small.width, height: small.height, data: small.data }, THUMBNAIL_JPEG_QUALITY).data;
  return `data:image/jpeg;base64,${Buffer.from(encoded).toString('base64')}`;
}

interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

function decode(image: Pick<PreparedImage, 'mime' | 'data'>): Rgba {
  if (image.mime === 'image/png') {
    const png = PNG.sync.read(image.data);
    return { width: png.width, height: png.height, data: png.data };
  }
  const out = jpeg.decode(image.data, { useTArray: true, formatAsRGBA: true });
  return { width: out.width, height: out.height, data: out.data };
}

/** Each output pixel the average of the input pixels it covers (a box filter: no aliasing moiré on text). */
function downscale(src: Rgba, width: number, height: number): Rgba {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * src.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * src.height) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * src.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * src.width) / width));
      const sum = [0, 0, 0, 0];
      for (let sy = y0; sy < y1; sy++) {
        let p = (sy * src.width + x0) * 4;
        for (let sx = x0; sx < x1; sx++, p += 4) {
          sum[0] += src.data[p];
          sum[1] += src.data[p + 1];
          sum[2] += src.data[p + 2];
          sum[3] += src.data[p + 3];
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (y * width + x) * 4;
      for (let c = 0; c < 4; c++) data[o + c] = Math.round(sum[c] / n);
    }
  }
  return { width, height, data };
}
