/**
 * Deterministic random numbers for synthetic weights. Each tensor gets its own stream,
 * derived from the set's seed and the tensor's name, so the bytes of one tensor do not
 * depend on which tensors were generated before it.
 */

function fnv1a32(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: tiny, fast, and good enough for weights that only need to be reproducible. */
export function uniformStream(seed: number, name: string): () => number {
  let state = fnv1a32(name, (0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal values (Box-Muller) from the stream for `name`. */
export function normalStream(seed: number, name: string): () => number {
  const next = uniformStream(seed, name);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    const u1 = Math.max(next(), Number.MIN_VALUE);
    const u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
}
