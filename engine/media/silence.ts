/**
 * Decides whether a clip holds speech, and where it starts and ends. Loudness alone does not
 * tell: a fan or a hum is as loud as a whisper, and a click can be louder than a shout. What
 * speech does and steady noise does not is rise well above the clip's own background, again
 * and again, for syllables of a tenth of a second and more. The rule, on 20 ms frames:
 *
 * - each frame's level is measured twice, DC offset removed: over the whole band, and in the
 *   speech band (200 Hz to 2 kHz, 24 dB an octave outside: where voiced sounds put most of
 *   their energy, and hum, rumble and hiss put little);
 * - no frame at -65 dBFS or above: the clip is silent (a muted or wrong input);
 * - the background is the 10th percentile of the speech-band levels, frames below -80 dBFS
 *   (digital silence: a recorder's start-up zeros, padding) left out;
 * - a speech frame is 10 dB or more above the background and at -60 dBFS or above; runs of
 *   fewer than 3 frames (60 ms) are clicks and taps and are dropped;
 * - speech is 200 ms of such frames in all, one run of them at least 100 ms long;
 * - anything else is too short when the sound that stood out (or, if none did, the audible
 *   sound) lies within half a second, and no speech otherwise.
 *
 * Steady noise of any colour stays within about 7 dB of its 10th percentile in 20 ms frames
 * (white 3 dB, pink 4 dB, a swelling fan 7 dB); spoken words 5 dB above white or pink noise
 * still rise more than 10 dB for syllables (see test/unit/media-speech.test.ts and
 * test/integration/media-audio.test.ts).
 *
 * The same frames decide the trimming: the projector normalises every 40 ms frame to the same
 * loudness, so leading and trailing room noise would reach the model as loud as the words and
 * cost 25 tokens a second. It is cut, keeping a short margin so soft onsets and endings survive.
 */

/** Energies of a clip's 20 ms frames, in dB relative to full scale (RMS; a full-scale sine is -3 dBFS). */
export interface FrameEnergies {
  /** Samples per frame; the last frame may be shorter. */
  frameLength: number;
  sampleRate: number;
  sampleCount: number;
  /** Whole-band level of each frame, DC offset removed. */
  level: Float64Array;
  /** Level of each frame in the speech band. */
  band: Float64Array;
}

export type SpeechFinding =
  | {
      kind: 'speech';
      /** First and one-past-last sample kept, margins included. */
      start: number;
      end: number;
      /** Time in frames that stood out as speech. */
      speechSeconds: number;
      floorDb: number;
    }
  /** Nothing audible: a muted or wrong input. */
  | { kind: 'silent'; peakDb: number }
  /** Sound, but too little of it to be a word (a click, a blip). */
  | { kind: 'too-short'; soundSeconds: number }
  /** Sound throughout, with nothing in it that stands out as speech does (room noise, hum, a fan). */
  | { kind: 'no-speech'; floorDb: number; peakDb: number };

export const FRAME_SECONDS = 0.02;
/** Seconds of audio kept before the first and after the last speech frame. */
export const SPEECH_MARGIN_SECONDS = 0.25;
/** The speech band: voiced sounds carry most of their energy here. */
export const SPEECH_BAND_HZ = [200, 2000] as const;
/** A clip whose loudest frame is below this holds nothing audible. */
export const SILENT_DBFS = -65;
/** Frames below this in the speech band hold no signal at all (digital silence, a muted input) and say nothing of the background. */
export const NO_SIGNAL_DBFS = -80;
/** The background is this percentile of the frames that hold signal. */
export const FLOOR_PERCENTILE = 0.1;
/** A speech frame stands this far above the background... */
export const ABOVE_FLOOR_DB = 10;
/** ...and above this level, whatever the background. */
export const SPEECH_MIN_DBFS = -60;
/** Shorter runs of loud frames are clicks and taps: they neither count nor move the trimming. */
export const MIN_RUN_SECONDS = 0.06;
/** Speech needs at least one run this long (a stressed syllable)... */
export const MIN_SYLLABLE_SECONDS = 0.1;
/** ...and this much in all. */
export const MIN_SPEECH_SECONDS = 0.2;
/** A clip that is not speech is "too short" rather than "no speech" when its sound lies within this span. */
export const SHORT_SOUND_SECONDS = 0.5;

const NO_ENERGY_DB = -200;

export function findSpeech(samples: Float32Array, sampleRate: number): SpeechFinding {
  return judgeSpeech(frameEnergies(samples, sampleRate));
}

/** One pass: DC offset removed, then each frame's whole-band level and its level through the speech band filter. */
export function frameEnergies(samples: Float32Array, sampleRate: number): FrameEnergies {
  const frameLength = Math.max(1, Math.round(FRAME_SECONDS * sampleRate));
  const frameCount = Math.ceil(samples.length / frameLength);
  const level = new Float64Array(frameCount);
  const band = new Float64Array(frameCount);
  if (frameCount === 0) return { frameLength, sampleRate, sampleCount: 0, level, band };

  // A microphone's DC offset is not sound; measure energy around the mean.
  let mean = 0;
  for (let i = 0; i < samples.length; i++) mean += samples[i];
  mean /= samples.length;

  // Two high-pass sections, then two low-pass ones: 24 dB an octave outside the band.
  const high = highPass(SPEECH_BAND_HZ[0], sampleRate);
  const low = lowPass(Math.min(SPEECH_BAND_HZ[1], 0.45 * sampleRate), sampleRate);
  const [h0, h1, h2, ha1, ha2] = [high.b0, high.b1, high.b2, high.a1, high.a2];
  const [l0, l1, l2, la1, la2] = [low.b0, low.b1, low.b2, low.a1, low.a2];
  // Each section's last two inputs are the previous section's last two outputs.
  let x1 = 0, x2 = 0, a1 = 0, a2 = 0, b1 = 0, b2 = 0, c1 = 0, c2 = 0, d1 = 0, d2 = 0;
  for (let f = 0; f < frameCount; f++) {
    const from = f * frameLength;
    const to = Math.min(samples.length, from + frameLength);
    let whole = 0;
    let inBand = 0;
    for (let i = from; i < to; i++) {
      const x = samples[i] - mean;
      whole += x * x;
      const a = h0 * x + h1 * x1 + h2 * x2 - ha1 * a1 - ha2 * a2;
      const b = h0 * a + h1 * a1 + h2 * a2 - ha1 * b1 - ha2 * b2;
      const c = l0 * b + l1 * b1 + l2 * b2 - la1 * c1 - la2 * c2;
      const d = l0 * c + l1 * c1 + l2 * c2 - la1 * d1 - la2 * d2;
      x2 = x1;
      x1 = x;
      a2 = a1;
      a1 = a;
      b2 = b1;
      b1 = b;
      c2 = c1;
      c1 = c;
      d2 = d1;
      d1 = d;
      inBand += d * d;
    }
    level[f] = decibels(whole / (to - from));
    band[f] = decibels(inBand / (to - from));
  }
  return { frameLength, sampleRate, sampleCount: samples.length, level, band };
}

/** The decision, from the frame energies alone. */
export function judgeSpeech(energies: FrameEnergies): SpeechFinding {
  const { level, band, frameLength, sampleRate, sampleCount } = energies;
  const frameCount = level.length;
  let peakDb = NO_ENERGY_DB;
  for (const v of level) if (v > peakDb) peakDb = v;
  if (peakDb < SILENT_DBFS) return { kind: 'silent', peakDb };

  const withSignal = band.filter((v) => v >= NO_SIGNAL_DBFS).sort();
  const floorDb = withSignal.length > 0 ? withSignal[Math.floor(withSignal.length * FLOOR_PERCENTILE)] : NO_SIGNAL_DBFS;
  const threshold = Math.max(floorDb + ABOVE_FLOOR_DB, SPEECH_MIN_DBFS);

  const frames = (seconds: number): number => Math.round(seconds / FRAME_SECONDS);
  const minRun = frames(MIN_RUN_SECONDS);
  let first = -1; // first and last frame of the runs that count
  let last = -1;
  let counted = 0;
  let longest = 0;
  let loudFirst = -1; // first and last loud frame of any run, clicks included
  let loudLast = -1;
  for (let f = 0; f < frameCount; ) {
    if (band[f] < threshold) {
      f++;
      continue;
    }
    let end = f;
    while (end < frameCount && band[end] >= threshold) end++;
    if (loudFirst < 0) loudFirst = f;
    loudLast = end - 1;
    const run = end - f;
    if (run >= minRun) {
      if (first < 0) first = f;
      last = end - 1;
      counted += run;
      longest = Math.max(longest, run);
    }
    f = end;
  }

  const frameSeconds = frameLength / sampleRate;
  if (counted >= frames(MIN_SPEECH_SECONDS) && longest >= frames(MIN_SYLLABLE_SECONDS)) {
    const margin = Math.round(SPEECH_MARGIN_SECONDS * sampleRate);
    return {
      kind: 'speech',
      start: Math.max(0, first * frameLength - margin),
      end: Math.min(sampleCount, (last + 1) * frameLength + margin),
      speechSeconds: counted * frameSeconds,
      floorDb,
    };
  }

  // Not speech. What stood out from the background is the clip's sound; when nothing did, the audible frames are.
  if (loudFirst < 0) {
    for (let f = 0; f < frameCount; f++) {
      if (level[f] < SILENT_DBFS) continue;
      if (loudFirst < 0) loudFirst = f;
      loudLast = f;
    }
  }
  const soundSamples = Math.min(sampleCount, (loudLast + 1) * frameLength) - loudFirst * frameLength;
  if (soundSamples / sampleRate < SHORT_SOUND_SECONDS) return { kind: 'too-short', soundSeconds: soundSamples / sampleRate };
  return { kind: 'no-speech', floorDb, peakDb };
}

function decibels(meanSquare: number): number {
  return meanSquare > 0 ? Math.max(NO_ENERGY_DB, 10 * Math.log10(meanSquare)) : NO_ENERGY_DB;
}

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** Second-order Butterworth sections (the RBJ cookbook's, Q = 1/√2), normalised so a0 = 1. */
function highPass(hz: number, sampleRate: number): Biquad {
  const w = (2 * Math.PI * hz) / sampleRate;
  const cos = Math.cos(w);
  const alpha = Math.sin(w) / Math.SQRT2;
  const a0 = 1 + alpha;
  return { b0: (1 + cos) / 2 / a0, b1: -(1 + cos) / a0, b2: (1 + cos) / 2 / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

function lowPass(hz: number, sampleRate: number): Biquad {
  const w = (2 * Math.PI * hz) / sampleRate;
  const cos = Math.cos(w);
  const alpha = Math.sin(w) / Math.SQRT2;
  const a0 = 1 + alpha;
  return { b0: (1 - cos) / 2 / a0, b1: (1 - cos) / a0, b2: (1 - cos) / 2 / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}
