/**
 * Band-limited resampling with a Kaiser-windowed sinc. Dropping samples (or averaging a few)
 * would fold everything above the new Nyquist frequency back into the speech band as
 * audible garbage; this filter removes it first (about 80 dB down) and keeps the band up to
 * about 6 kHz flat, which is where speech lives.
 */

/** Zero crossings of the sinc on each side, counted at the lower of the two rates. */
const ZERO_CROSSINGS = 16;
/** Cutoff as a fraction of the lower Nyquist frequency (the -6 dB point). */
const ROLLOFF = 0.9;
const KAISER_BETA = 8;
/** Above this many distinct phases, positions are rounded to one of this many. */
const MAX_PHASES = 4096;

interface FilterBank {
  /** phases x taps coefficients; tap k of a phase applies to input sample base + k - (taps/2 - 1). */
  coefficients: Float32Array;
  phases: number;
  taps: number;
}

const banks = new Map<string, FilterBank>();

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

function filterBank(inRate: number, outRate: number, phases: number): FilterBank {
  const key = `${inRate}:${outRate}:${phases}`;
  const cached = banks.get(key);
  if (cached) return cached;
  // Cutoff in cycles per input sample.
  const cutoff = 0.5 * Math.min(1, outRate / inRate) * ROLLOFF;
  const halfWidth = ZERO_CROSSINGS / (2 * cutoff);
  const half = Math.ceil(halfWidth);
  const taps = 2 * half;
  const coefficients = new Float32Array(phases * taps);
  const i0Beta = besselI0(KAISER_BETA);
  for (let p = 0; p < phases; p++) {
    const frac = p / phases;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const x = k - (half - 1) - frac; // distance from the output point, in input samples
      const r = x / halfWidth;
      let h = 0;
      if (Math.abs(r) < 1) {
        const t = 2 * cutoff * x;
        const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
        h = sinc * (besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta);
      }
      coefficients[p * taps + k] = h;
      sum += h;
    }
    // Unity gain at DC for every phase, or a constant signal would come out rippled.
    for (let k = 0; k < taps; k++) coefficients[p * taps + k] /= sum;
  }
  const bank = { coefficients, phases, taps };
  banks.set(key, bank);
  return bank;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Resamples input[start, end) from inRate to outRate (whole hertz). Samples just outside the
 * range feed the filter, so a clip cut from a longer recording has no edge clicks.
 */
export function resample(input: Float32Array, inRate: number, outRate: number, start = 0, end = input.length): Float32Array {
  if (inRate === outRate) return input.slice(start, end);
  const g = gcd(inRate, outRate);
  const up = outRate / g;
  const down = inRate / g;
  const exact = up <= MAX_PHASES;
  const bank = filterBank(inRate, outRate, exact ? up : MAX_PHASES);
  const { coefficients, phases, taps } = bank;
  const lead = taps / 2 - 1;
  const count = Math.floor(((end - start) * outRate) / inRate);
  const out = new Float32Array(count);
  const n = input.length;
  for (let i = 0; i < count; i++) {
    let base: number;
    let phase: number;
    if (exact) {
      const num = i * down;
      base = Math.floor(num / up);
      phase = num - base * up;
    } else {
      const pos = (i * inRate) / outRate;
      base = Math.floor(pos);
      phase = Math.round((pos - base) * phases);
      if (phase === phases) {
        base++;
        phase = 0;
      }
    }
    const first = start + base - lead;
    const c = phase * taps;
    let acc = 0;
    if (first >= 0 && first + taps <= n) {
      for (let k = 0; k < taps; k++) acc += input[first + k] * coefficients[c + k];
    } else {
      for (let k = 0; k < taps; k++) {
        const j = first + k;
        if (j >= 0 && j < n) acc += input[j] * coefficients[c + k];
      }
    }
    out[i] = acc;
  }
  return out;
}
