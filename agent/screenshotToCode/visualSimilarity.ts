import { decodeImage, type RgbaImage } from '../../engine/media/imageDecode';
import { readImageHeader } from '../../engine/media/imageHeader';
import { flattenOntoWhite, resizeRgba } from '../../engine/media/imageResize';

/**
 * How much a render looks like the screenshot it reproduces, from 0 to 1. Design2Code
 * judges screenshot-to-code by visual similarity; this is a cheap stand-in that needs no
 * model and takes tens of milliseconds.
 *
 *   score = 0.6 * S + 0.4 * C
 *
 * Both images are painted onto white and scaled to one size (block averages going down,
 * Lanczos going up): the reference fitted within 256x256 keeping its aspect (never
 * enlarged); the candidate is scaled to exactly that size, so a different aspect costs
 * score as distortion. Both terms are weighted means
 * over 8x8 windows stepped by 4 pixels:
 *
 * - S, structure: SSIM of the luma (BT.601, Y = 0.299 R + 0.587 G + 0.114 B) with
 *   C1 = (0.01 * 255)^2, C2 = (0.03 * 255)^2, clamped at 0. It sees layout, edges, text
 *   and contrast, but hardly a change of hue at equal brightness.
 * - C, colour: 1 - min(1, d / 150), where d is the distance between the two windows' mean
 *   RGB colours (0 to 441). It sees wrong colours, flat areas included, which SSIM
 *   forgives, and is little moved by shifts of a few pixels; from 150 apart a colour
 *   counts as simply wrong.
 * - Weights: a window that is plain background in both images (every pixel within 24, as
 *   the sum of the channel differences, of the reference's most common colour) counts
 *   0.1, any other 1. A page is mostly background; without this a blank page would score
 *   well against any sparse design.
 *
 * Identical images score 1. On a synthetic page (see the unit tests) a 2-pixel shift
 * scores about 0.93, a header in the wrong colour about 0.89, a moved block about 0.86 and
 * a blank page about 0.54.
 */

export interface SimilarityReport {
  /** 0.6 * structure + 0.4 * colour. */
  score: number;
  /** Weighted mean SSIM of the luma, 0 to 1. */
  structure: number;
  /** Weighted mean colour agreement, 0 to 1. */
  colour: number;
  /** The size both images were compared at. */
  width: number;
  height: number;
}

export interface SimilarityOptions {
  /** Longest side of the comparison size (default 256). */
  maxSide?: number;
}

export const STRUCTURE_WEIGHT = 0.6;
export const COLOUR_WEIGHT = 0.4;
const DEFAULT_MAX_SIDE = 256;
const WINDOW = 8;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;
/** Mean-colour distance (RGB units) from which a window's colour counts as wrong. */
const COLOUR_SATURATION = 150;
/** Sum of channel differences within which a pixel is "the background". */
const BACKGROUND_TOLERANCE = 24;
const BACKGROUND_WINDOW_WEIGHT = 0.1;

/** Similarity of two encoded images (PNG, JPEG, WebP or GIF), 0 to 1; see the module comment. */
export function visualSimilarity(reference: Uint8Array, candidate: Uint8Array, options: SimilarityOptions = {}): number {
  return compareImages(reference, candidate, options).score;
}

/** visualSimilarity with its two terms. */
export function compareImages(reference: Uint8Array, candidate: Uint8Array, options: SimilarityOptions = {}): SimilarityReport {
  return compareRasters(decode(reference), decode(candidate), options);
}

/** The same comparison on decoded RGBA rasters (neither is modified). */
export function compareRasters(reference: RgbaImage, candidate: RgbaImage, options: SimilarityOptions = {}): SimilarityReport {
  const maxSide = options.maxSide ?? DEFAULT_MAX_SIDE;
  const scale = Math.min(1, maxSide / Math.max(reference.width, reference.height));
  const width = Math.max(1, Math.round(reference.width * scale));
  const height = Math.max(1, Math.round(reference.height * scale));
  const a = toSize(reference, width, height);
  const b = toSize(candidate, width, height);

  const lumaA = luma(a);
  const lumaB = luma(b);
  const background = mostCommonColour(a);
  const win = Math.min(WINDOW, width, height);
  const xs = windowStarts(width, win);
  const ys = windowStarts(height, win);
  const n = win * win;

  let ssimSum = 0;
  let colourSum = 0;
  let weightSum = 0;
  for (const y0 of ys) {
    for (const x0 of xs) {
      let sumA = 0;
      let sumB = 0;
      let sumAA = 0;
      let sumBB = 0;
      let sumAB = 0;
      let rA = 0;
      let gA = 0;
      let bA = 0;
      let rB = 0;
      let gB = 0;
      let bB = 0;
      let plain = true;
      for (let y = y0; y < y0 + win; y++) {
        for (let x = x0; x < x0 + win; x++) {
          const i = y * width + x;
          const la = lumaA[i];
          const lb = lumaB[i];
          sumA += la;
          sumB += lb;
          sumAA += la * la;
          sumBB += lb * lb;
          sumAB += la * lb;
          const p = i * 4;
          rA += a.data[p];
          gA += a.data[p + 1];
          bA += a.data[p + 2];
          rB += b.data[p];
          gB += b.data[p + 1];
          bB += b.data[p + 2];
          if (plain && (!near(a.data, p, background) || !near(b.data, p, background))) plain = false;
        }
      }
      const muA = sumA / n;
      const muB = sumB / n;
      const varA = Math.max(0, sumAA / n - muA * muA);
      const varB = Math.max(0, sumBB / n - muB * muB);
      const cov = sumAB / n - muA * muB;
      const ssim = ((2 * muA * muB + C1) * (2 * cov + C2)) / ((muA * muA + muB * muB + C1) * (varA + varB + C2));
      const distance = Math.hypot(rA - rB, gA - gB, bA - bB) / n;
      const weight = plain ? BACKGROUND_WINDOW_WEIGHT : 1;
      ssimSum += weight * Math.max(0, ssim);
      colourSum += weight * (1 - Math.min(1, distance / COLOUR_SATURATION));
      weightSum += weight;
    }
  }
  const structure = clamp01(ssimSum / weightSum);
  const colour = clamp01(colourSum / weightSum);
  return { score: clamp01(STRUCTURE_WEIGHT * structure + COLOUR_WEIGHT * colour), structure, colour, width, height };
}

function decode(bytes: Uint8Array): RgbaImage {
  return decodeImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), readImageHeader(bytes));
}

/** An opaque copy at the given size; transparency counts as white, as the model sees it. */
function toSize(image: RgbaImage, width: number, height: number): RgbaImage {
  if (width <= image.width && height <= image.height) return shrinkOntoWhite(image, width, height);
  const opaque = { width: image.width, height: image.height, data: new Uint8Array(image.data) };
  flattenOntoWhite(opaque);
  return resizeRgba(opaque, width, height);
}

/**
 * Downscale by averaging each output pixel's block of source pixels, painting transparency
 * onto white on the way. One pass over the source: several times faster than Lanczos on a
 * full-size screenshot, and as good for comparing (nothing here is looked at by a person).
 */
function shrinkOntoWhite(image: RgbaImage, width: number, height: number): RgbaImage {
  const { width: inW, height: inH, data } = image;
  const columns = new Int32Array(inW);
  for (let x = 0; x < inW; x++) columns[x] = Math.floor((x * width) / inW);
  const sums = new Float64Array(width * height * 3);
  const counts = new Uint32Array(width * height);
  for (let y = 0; y < inH; y++) {
    const rowOut = Math.floor((y * height) / inH) * width;
    for (let x = 0, p = y * inW * 4; x < inW; x++, p += 4) {
      const o = rowOut + columns[x];
      const alpha = data[p + 3] / 255;
      const white = 255 * (1 - alpha);
      sums[o * 3] += data[p] * alpha + white;
      sums[o * 3 + 1] += data[p + 1] * alpha + white;
      sums[o * 3 + 2] += data[p + 2] * alpha + white;
      counts[o]++;
    }
  }
  const out = new Uint8Array(width * height * 4);
  for (let o = 0; o < counts.length; o++) {
    const n = counts[o];
    out[o * 4] = sums[o * 3] / n + 0.5;
    out[o * 4 + 1] = sums[o * 3 + 1] / n + 0.5;
    out[o * 4 + 2] = sums[o * 3 + 2] / n + 0.5;
    out[o * 4 + 3] = 255;
  }
  return { width, height, data: out };
}

function luma(image: RgbaImage): Float32Array {
  const out = new Float32Array(image.width * image.height);
  const d = image.data;
  for (let i = 0, p = 0; i < out.length; i++, p += 4) out[i] = 0.299 * d[p] + 0.587 * d[p + 1] + 0.114 * d[p + 2];
  return out;
}

/** The most common colour, counted in 5-bit-per-channel bins, as the centre of its bin. */
function mostCommonColour(image: RgbaImage): [number, number, number] {
  const counts = new Uint32Array(1 << 15);
  const d = image.data;
  let best = 0;
  for (let p = 0; p < d.length; p += 4) {
    const bin = ((d[p] >> 3) << 10) | ((d[p + 1] >> 3) << 5) | (d[p + 2] >> 3);
    if (++counts[bin] > counts[best]) best = bin;
  }
  return [((best >> 10) & 31) * 8 + 4, ((best >> 5) & 31) * 8 + 4, (best & 31) * 8 + 4];
}

function near(d: Uint8Array, p: number, colour: readonly number[]): boolean {
  return Math.abs(d[p] - colour[0]) + Math.abs(d[p + 1] - colour[1]) + Math.abs(d[p + 2] - colour[2]) <= BACKGROUND_TOLERANCE;
}

/** Window origins stepped by half a window, with a last one flush against the edge. */
function windowStarts(size: number, win: number): number[] {
  const step = Math.max(1, win >> 1);
  const starts: number[] = [];
  for (let s = 0; s + win <= size; s += step) starts.push(s);
  if (starts[starts.length - 1] !== size - win) starts.push(size - win);
  return starts;
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
