import {
  IMAGE_MAX_PATCHES,
  IMAGE_MIN_PATCHES,
  IMAGE_PATCH_SIZE,
  IMAGE_WRAPPER_TOKENS,
  type ImageTokenLimits,
  serverImageGrid,
} from './imageTokens';

export interface ImageFit {
  /** Size to send; equal to the input size when no resize is worth doing. */
  width: number;
  height: number;
  /** What the server will count for an image of that size, wrappers included. */
  tokens: number;
  resized: boolean;
}

/**
 * Picks the size to send so the server's count stays within `maxTokens`.
 *
 * A resized image is made exactly a whole number of patches on each side: the server then
 * copies it as it is instead of resampling it a second time, and the count is exact.
 * Images the server would only enlarge are sent as they are, since enlarging here would add
 * bytes and no detail. When no size meets the budget (it is below what the server charges
 * for the smallest image of that shape) the cheapest size is chosen.
 */
export function fitImageToBudget(
  width: number,
  height: number,
  maxTokens: number,
  limits: ImageTokenLimits = {},
): ImageFit {
  const maxPatches = limits.maxPatches ?? IMAGE_MAX_PATCHES;
  const budget = Math.floor(maxTokens);
  const original = serverImageGrid(width, height, limits);
  const unchanged: ImageFit = { width, height, tokens: original.tokens, resized: false };

  if (original.tokens <= budget) {
    const enlargesOnly = original.width >= width && original.height >= height;
    if (enlargesOnly) return unchanged;
    return { width: original.width, height: original.height, tokens: original.tokens, resized: true };
  }

  const aspect = width / height;
  let best: { columns: number; rows: number; tokens: number; error: number } | undefined;
  let cheapest: { columns: number; rows: number; tokens: number } | undefined;
  const consider = (columns: number, rows: number) => {
    const grid = serverImageGrid(columns * IMAGE_PATCH_SIZE, rows * IMAGE_PATCH_SIZE, limits);
    // Only sizes the server keeps as they are: otherwise it would resample again.
    if (grid.columns !== columns || grid.rows !== rows) return;
    if (!cheapest || grid.tokens < cheapest.tokens) cheapest = { columns, rows, tokens: grid.tokens };
    if (grid.tokens > budget) return;
    const error = Math.abs(Math.log(columns / rows / aspect));
    if (!best || grid.tokens > best.tokens || (grid.tokens === best.tokens && error < best.error)) {
      best = { columns, rows, tokens: grid.tokens, error };
    }
  };
  for (let n = 1; n <= maxPatches; n++) {
    consider(n, Math.max(1, Math.round(n / aspect)));
    consider(Math.max(1, Math.round(n * aspect)), n);
  }
  const pick = best ?? cheapest;
  if (!pick) {
    // Shapes so extreme that no aligned size survives the server's limits unchanged.
    return unchanged;
  }
  const target = { width: pick.columns * IMAGE_PATCH_SIZE, height: pick.rows * IMAGE_PATCH_SIZE };
  if (target.width >= width && target.height >= height && original.tokens <= pick.tokens) return unchanged;
  return { ...target, tokens: pick.tokens, resized: true };
}

/** Smallest and largest counts the server allows, wrappers included. */
export function imageTokenRange(limits: ImageTokenLimits = {}): { min: number; max: number } {
  return {
    min: (limits.minPatches ?? IMAGE_MIN_PATCHES) + IMAGE_WRAPPER_TOKENS,
    max: (limits.maxPatches ?? IMAGE_MAX_PATCHES) + IMAGE_WRAPPER_TOKENS,
  };
}
