import type { Orientation } from './exifOrientation';
import type { RgbaImage } from './imageDecode';

/** Whether the orientation swaps width and height (the photo was taken with the camera on its side). */
export function swapsSides(orientation: Orientation): boolean {
  return orientation >= 5;
}

/**
 * Turns and mirrors the stored pixels so the image shows as the camera held it (EXIF
 * orientation 2 mirrors, 3 turns half round, 4 flips, 5 transposes, 6 turns a quarter
 * clockwise, 7 transverses, 8 turns a quarter anticlockwise).
 */
export function orientImage(image: RgbaImage, orientation: Orientation): RgbaImage {
  if (orientation === 1) return image;
  const { width: w, height: h } = image;
  const aligned = image.data.byteOffset % 4 === 0 ? image.data : image.data.slice();
  const src = new Uint32Array(aligned.buffer, aligned.byteOffset, w * h);
  const swap = swapsSides(orientation);
  const outW = swap ? h : w;
  const outH = swap ? w : h;
  const out = new Uint32Array(outW * outH);
  // Source index of output pixel (x, y) = first(y) + x * step.
  let step: number;
  let first: (y: number) => number;
  switch (orientation) {
    case 2:
      step = -1;
      first = (y) => y * w + w - 1;
      break;
    case 3:
      step = -1;
      first = (y) => (h - 1 - y) * w + w - 1;
      break;
    case 4:
      step = 1;
      first = (y) => (h - 1 - y) * w;
      break;
    case 5:
      step = w;
      first = (y) => y;
      break;
    case 6:
      step = -w;
      first = (y) => (h - 1) * w + y;
      break;
    case 7:
      step = -w;
      first = (y) => (h - 1) * w + w - 1 - y;
      break;
    case 8:
      step = w;
      first = (y) => w - 1 - y;
      break;
  }
  for (let y = 0, o = 0; y < outH; y++) {
    for (let x = 0, i = first(y); x < outW; x++, i += step) out[o++] = src[i];
  }
  return { width: outW, height: outH, data: new Uint8Array(out.buffer) };
}
