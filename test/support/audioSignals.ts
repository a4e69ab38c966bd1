// Signals for the speech-check tests, made in code from a seed so every run hears the same
// clip: background noises (white, pink, mains hum, a fan) and "voiced" syllables (a buzz of
// harmonics that rises and falls like spoken syllables), and the arithmetic to set levels
// and mix them at a signal-to-noise ratio. Levels are RMS in dB relative to full scale.

/** xorshift32 in [0, 1). */
export function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

/** Standard normal samples (Box-Muller). */
function gaussian(next: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

export function rmsDb(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i] * samples[i];
  return 10 * Math.log10(sum / Math.max(1, to - from));
}

/** A copy scaled to the given RMS level. */
export function atLevel(samples: Float32Array, dbfs: number): Float32Array {
  const gain = 10 ** ((dbfs - rmsDb(samples)) / 20);
  return samples.map((v) => v * gain);
}

export function whiteNoise(seconds: number, sampleRate: number, seed = 1): Float32Array {
  const next = gaussian(random(seed));
  const out = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++) out[i] = next();
  return out;
}

/** 1/f noise: white noise through Paul Kellet's pink filter (good from about 10 Hz up at 44.1 kHz). */
export function pinkNoise(seconds: number, sampleRate: number, seed = 1): Float32Array {
  const white = whiteNoise(seconds, sampleRate, seed);
  const out = new Float32Array(white.length);
  const b = [0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < white.length; i++) {
    const x = white[i];
    b[0] = 0.99886 * b[0] + x * 0.0555179;
    b[1] = 0.99332 * b[1] + x * 0.0750759;
    b[2] = 0.969 * b[2] + x * 0.153852;
    b[3] = 0.8665 * b[3] + x * 0.3104856;
    b[4] = 0.55 * b[4] + x * 0.5329522;
    b[5] = -0.7616 * b[5] - x * 0.016898;
    out[i] = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + x * 0.5362;
    b[6] = x * 0.115926;
  }
  return out;
}

/** Mains hum: 50 Hz and its harmonics up to 1 kHz, each weaker than the one before, steady. */
export function hum(seconds: number, sampleRate: number, hz = 50): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  for (let k = 1; k * hz <= 1000; k++) {
    const w = (2 * Math.PI * k * hz) / sampleRate;
    const amplitude = 1 / k;
    for (let i = 0; i < out.length; i++) out[i] += amplitude * Math.sin(w * i + k);
  }
  return out;
}

/**
 * A fan: rumbling noise (pink noise smoothed below about 1 kHz) under the blades' tone
 * (120 Hz and harmonics), swelling by about ±1.5 dB once every 1.5 s as air does.
 */
export function fanNoise(seconds: number, sampleRate: number, seed = 1): Float32Array {
  const pink = pinkNoise(seconds, sampleRate, seed);
  const smooth = 1 - Math.exp((-2 * Math.PI * 1000) / sampleRate);
  const out = new Float32Array(pink.length);
  let y = 0;
  for (let i = 0; i < pink.length; i++) {
    y += smooth * (pink[i] - y);
    const t = i / sampleRate;
    const blades = 0.4 * Math.sin(2 * Math.PI * 120 * t) + 0.2 * Math.sin(2 * Math.PI * 240 * t + 1) + 0.1 * Math.sin(2 * Math.PI * 360 * t + 2);
    out[i] = (y * 3 + blades * 0.3) * (1 + 0.18 * Math.sin((2 * Math.PI * t) / 1.5));
  }
  return out;
}

/**
 * Voiced syllables: a glottal buzz (harmonics of a 100 to 140 Hz pitch that falls a little
 * through each syllable) coloured by two formants, as a vowel is (the first at 400 to 800 Hz,
 * the second at 1 to 2 kHz), shaped into syllables of 120 to 280 ms with pauses of 50 to
 * 150 ms between them and longer ones between "words". What it shares with speech is what
 * the speech check listens for; it says nothing.
 */
export function voicedSyllables(seconds: number, sampleRate: number, seed = 1): Float32Array {
  const next = random(seed);
  const out = new Float32Array(Math.round(seconds * sampleRate));
  let at = 0;
  let syllable = 0;
  while (true) {
    const length = Math.round((0.12 + 0.16 * next()) * sampleRate);
    if (at + length > out.length) break;
    const pitch = 100 + 40 * next();
    const loudness = 0.5 + 0.5 * next();
    const f1 = 400 + 400 * next();
    const f2 = 1000 + 1000 * next();
    const formants = (hz: number): number => 1 / (1 + ((hz - f1) / 120) ** 2) + 0.5 / (1 + ((hz - f2) / 200) ** 2) + 0.02;
    let phase = 0;
    for (let i = 0; i < length; i++) {
      const u = i / length;
      // A quick rise and a slower fall, as a syllable's vowel has.
      const envelope = loudness * Math.sin(Math.PI * Math.min(1, u / 0.3) * 0.5) * Math.cos(Math.PI * 0.5 * Math.max(0, (u - 0.3) / 0.7));
      const hz = pitch * (1 - 0.1 * u);
      phase += (2 * Math.PI * hz) / sampleRate;
      let v = 0;
      for (let k = 1; k * hz < 4000 && k * hz < sampleRate / 2; k++) v += formants(k * hz) * Math.sin(k * phase);
      out[at + i] = envelope * v;
    }
    syllable++;
    at += length + Math.round((syllable % 3 === 0 ? 0.15 + 0.15 * next() : 0.05 + 0.1 * next()) * sampleRate);
  }
  return out;
}

/**
 * `speech` set to `speechDb` and laid over `noise` (which sets the clip's length) from
 * `offset` seconds, the noise set `snrDb` below the speech. The speech's level is its RMS over
 * its whole length, pauses included, as a recording's would be measured.
 */
export function mixAtSnr(speech: Float32Array, noise: Float32Array, snrDb: number, sampleRate: number, offset = 0, speechDb = -26): Float32Array {
  return overlay(atLevel(noise, speechDb - snrDb), atLevel(speech, speechDb), sampleRate, offset);
}

/** Digital silence: every sample 0. */
export function zeros(seconds: number, sampleRate: number): Float32Array {
  return new Float32Array(Math.round(seconds * sampleRate));
}

/** The loudness of `syllabicTone` at `t` seconds: full at every quarter second, down to a tenth (-20 dB) between. */
export function syllabicEnvelope(t: number): number {
  return 0.55 + 0.45 * Math.cos(2 * Math.PI * 4 * t);
}

/**
 * A tone that rises and falls four times a second, as syllables do: the simplest sound the
 * speech check takes for speech, and one whose frequency and level a test can still check.
 * It starts and (for lengths in quarter seconds) ends at full loudness.
 */
export function syllabicTone(seconds: number, sampleRate: number, hz: number, amplitude: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * syllabicEnvelope(i / sampleRate) * Math.sin((2 * Math.PI * hz * i) / sampleRate);
  return out;
}

/** A click: `seconds` of noise at `peak` that dies away, as a button or a tap on the microphone makes. */
export function click(seconds: number, sampleRate: number, peak = 0.8, seed = 1): Float32Array {
  const next = random(seed);
  const out = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++) out[i] = peak * (2 * next() - 1) * Math.exp((-4 * i) / out.length);
  return out;
}

/** `clip` with `sound` added from `offset` seconds on (a copy). */
export function overlay(clip: Float32Array, sound: Float32Array, sampleRate: number, offset: number): Float32Array {
  const out = clip.slice();
  const from = Math.round(offset * sampleRate);
  for (let i = 0; i < sound.length && from + i < out.length; i++) out[from + i] += sound[i];
  return out;
}
