import type { RgbaImage } from './imageDecode';

/**
 * Paints transparent pixels onto white, in place, and reports whether any were found.
 * The server reads images as RGB and drops alpha, which turns transparent areas (window
 * shadows, icons) into whatever colour happens to sit under them, usually black.
 */
export function flattenOntoWhite(image: RgbaImage): boolean {
  const d = image.data;
  let found = false;
  for (let i = 3; i < d.length; i += 4) {
    const a = d[i];
    if (a === 255) continue;
    found = true;
    const white = 255 - a;
    d[i - 3] = (d[i - 3] * a + 255 * white + 127) / 255;
    d[i - 2] = (d[i - 2] * a + 255 * white + 127) / 255;
    d[i - 1] = (d[i - 1] * a + 255 * white + 127) / 255;
    d[i] = 255;
  }
  return found;
}

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  width: number;
}

const LANCZOS_LOBES = 3;

function lanczos(x: number): number {
  if (x === 0) return 1;
  if (x <= -LANCZOS_LOBES || x >= LANCZOS_LOBES) return 0;
  const px = Math.PI * x;
  return (LANCZOS_LOBES * Math.sin(px) * Math.sin(px / LANCZOS_LOBES)) / (px * px);
}

/**
 * Per output pixel, the source pixels and weights that make it. The kernel is widened by
 * the downscale factor so every source pixel contributes (no aliasing of fine text), as in
 * Pillow's resampler, which is what the server itself uses.
 */
function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const stretch = Math.max(scale, 1);
  const support = LANCZOS_LOBES * stretch;
  const width = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float32Array(outSize * width);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support + 0.5));
    const hi = Math.min(inSize, Math.floor(center + support + 0.5));
    let sum = 0;
    const n = Math.min(hi - lo, width);
    for (let k = 0; k < n; k++) {
      const w = lanczos((lo + k - center + 0.5) / stretch);
      weights[i * width + k] = w;
      sum += w;
    }
    if (sum !== 0) for (let k = 0; k < n; k++) weights[i * width + k] /= sum;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, width };
}

/** Lanczos-3 resize of an opaque RGBA image (alpha is written as 255). */
export function resizeRgba(src: RgbaImage, outWidth: number, outHeight: number): RgbaImage {
  const { width: inW, height: inH, data } = src;
  const h = taps(inW, outWidth);
  const v = taps(inH, outHeight);

  // Horizontal pass into a float RGB buffer, then vertical pass into bytes.
  const mid = new Float32Array(outWidth * inH * 3);
  for (let y = 0; y < inH; y++) {
    const row = y * inW * 4;
    const outRow = y * outWidth * 3;
    for (let x = 0; x < outWidth; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const base = x * h.width;
      let p = row + h.start[x] * 4;
      for (let k = 0, n = h.count[x]; k < n; k++, p += 4) {
        const w = h.weights[base + k];
        r += data[p] * w;
        g += data[p + 1] * w;
        b += data[p + 2] * w;
      }
      const o = outRow + x * 3;
      mid[o] = r;
      mid[o + 1] = g;
      mid[o + 2] = b;
    }
  }

  const out = new Uint8Array(outWidth * outHeight * 4);
  const stride = outWidth * 3;
  for (let y = 0; y < outHeight; y++) {
    const base = y * v.width;
    const first = v.start[y];
    const n = v.count[y];
    for (let x = 0; x < outWidth; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let p = first * stride + x * 3;
      for (let k = 0; k < n; k++, p += stride) {
        const w = v.weights[base + k];
        r += mid[p] * w;
        g += mid[p + 1] * w;
        b += mid[p + 2] * w;
      }
      const o = (y * outWidth + x) * 4;
      // Uint8Array stores by truncation; +0.5 rounds, and the clamps catch Lanczos overshoot.
      out[o] = r <= 0 ? 0 : r >= 255 ? 255 : r + 0.5;
      out[o + 1] = g <= 0 ? 0 : g >= 255 ? 255 : g + 0.5;
      out[o + 2] = b <= 0 ? 0 : b >= 255 ? 255 : b + 0.5;
      out[o + 3] = 255;
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}
