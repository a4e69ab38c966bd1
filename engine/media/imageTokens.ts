/**
 * The token cost of an image, computed exactly as llama-server's gemma4uv projector does
 * (llama.cpp tools/mtmd: clip.cpp sets patch 16 x scale 3 = 48 px and 70..1120 tokens,
 * mtmd-image.cpp `calc_size_preserved_ratio` picks the resized size, mtmd.cpp wraps the
 * patches in `<|image>` ... `<image|>`). The arithmetic is single-precision there, so it is
 * here too: an estimate that is off by one row of patches would misplan the context.
 */

/** Pixels per side of one patch; one patch is one token. */
export const IMAGE_PATCH_SIZE = 48;
/** The server's default limits (`--image-min-tokens` / `--image-max-tokens` change them). */
export const IMAGE_MIN_PATCHES = 70;
export const IMAGE_MAX_PATCHES = 1120;
/** `<|image>` and `<image|>` around the patches. */
export const IMAGE_WRAPPER_TOKENS = 2;

export interface ImageTokenLimits {
  minPatches?: number;
  maxPatches?: number;
}

export interface ImageGrid {
  /** Size the server resizes the image to before cutting it into patches. */
  width: number;
  height: number;
  columns: number;
  rows: number;
  /** Patches plus the two wrapper tokens: what the prompt grows by. */
  tokens: number;
}

const f32 = Math.fround;

/** The grid llama-server will cut an image of this size into. */
export function serverImageGrid(width: number, height: number, limits: ImageTokenLimits = {}): ImageGrid {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`Image size must be positive whole pixels, got ${width}x${height}.`);
  }
  const align = IMAGE_PATCH_SIZE;
  const area = align * align;
  const minPixels = (limits.minPatches ?? IMAGE_MIN_PATCHES) * area;
  const maxPixels = (limits.maxPatches ?? IMAGE_MAX_PATCHES) * area;
  const fa = f32(align);
  const roundBy = (x: number) => Math.round(f32(x / fa)) * align;
  const ceilBy = (x: number) => Math.ceil(f32(x / fa)) * align;
  const floorBy = (x: number) => Math.floor(f32(x / fa)) * align;

  let w = Math.max(align, roundBy(f32(width)));
  let h = Math.max(align, roundBy(f32(height)));
  if (w * h > maxPixels) {
    const beta = f32(Math.sqrt(f32(f32(f32(height) * f32(width)) / f32(maxPixels))));
    h = Math.max(align, floorBy(f32(height / beta)));
    w = Math.max(align, floorBy(f32(width / beta)));
  } else if (w * h < minPixels) {
    const beta = f32(Math.sqrt(f32(f32(minPixels) / f32(f32(height) * f32(width)))));
    h = ceilBy(f32(height * beta));
    w = ceilBy(f32(width * beta));
  }
  const columns = w / align;
  const rows = h / align;
  return { width: w, height: h, columns, rows, tokens: columns * rows + IMAGE_WRAPPER_TOKENS };
}

/** Tokens an image of this size costs in the prompt, the two wrapper tokens included. */
export function estimateImageTokens(width: number, height: number, limits?: ImageTokenLimits): number {
  return serverImageGrid(width, height, limits).tokens;
}
