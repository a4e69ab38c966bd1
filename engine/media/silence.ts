/**
 * Finds where the speech in a clip starts and ends. The projector normalises every 40 ms
 * frame to the same loudness, so leading and trailing room noise would reach the model as
 * loud as the words and cost 25 tokens a second: it is cut, keeping a short margin so soft
 * onsets and endings survive.
 */

export interface SpeechSpan {
  /** First and one-past-last sample kept, margins included. */
  start: number;
  end: number;
  /** RMS of the loudest 20 ms frame, full scale = 1. */
  peakRms: number;
}

const FRAME_SECONDS = 0.02;
/** Seconds of audio kept before the first and after the last loud frame. */
export const SPEECH_MARGIN_SECONDS = 0.25;
/** A clip whose loudest frame is below this (-60 dBFS) holds nothing audible. */
export const SILENCE_RMS = 0.001;
/** Frames this far below the loudest one (-40 dB) are background, whatever the noise floor. */
const RELATIVE_THRESHOLD = 0.01;
/** Frames within 10 dB of the noise floor are background too, unless that is near speech level. */
const ABOVE_NOISE = 3.16;
const BELOW_PEAK_CAP = 0.316;
/** A click shorter than this does not count as speech. */
const MIN_RUN_SECONDS = 0.06;

/** Undefined when nothing in the clip is loud enough to be speech. */
export function findSpeech(samples: Float32Array, sampleRate: number): SpeechSpan | undefined {
  const frameLength = Math.max(1, Math.round(FRAME_SECONDS * sampleRate));
  const frameCount = Math.ceil(samples.length / frameLength);
  if (frameCount === 0) return undefined;

  // A microphone's DC offset is not sound; measure energy around the mean.
  let mean = 0;
  for (let i = 0; i < samples.length; i++) mean += samples[i];
  mean /= samples.length;

  const rms = new Float64Array(frameCount);
  for (let f = 0; f < frameCount; f++) {
    const from = f * frameLength;
    const to = Math.min(samples.length, from + frameLength);
    let sum = 0;
    for (let i = from; i < to; i++) {
      const v = samples[i] - mean;
      sum += v * v;
    }
    rms[f] = Math.sqrt(sum / (to - from));
  }

  let peak = 0;
  for (const v of rms) if (v > peak) peak = v;
  if (peak < SILENCE_RMS) return undefined;
  const noise = Float64Array.from(rms).sort()[Math.floor(frameCount * 0.1)];
  const threshold = Math.max(peak * RELATIVE_THRESHOLD, Math.min(noise * ABOVE_NOISE, peak * BELOW_PEAK_CAP), SILENCE_RMS / 2);

  const minRun = Math.max(1, Math.round(MIN_RUN_SECONDS / FRAME_SECONDS));
  let first = -1;
  let last = -1;
  let run = 0;
  for (let f = 0; f < frameCount; f++) {
    if (rms[f] >= threshold) {
      run++;
      if (run >= minRun || (f === frameCount - 1 && run === frameCount)) {
        if (first < 0) first = f - run + 1;
        last = f;
      }
    } else {
      run = 0;
    }
  }
  if (first < 0) return undefined;

  const margin = Math.round(SPEECH_MARGIN_SECONDS * sampleRate);
  const start = Math.max(0, first * frameLength - margin);
  const end = Math.min(samples.length, (last + 1) * frameLength + margin);
  return { start, end, peakRms: peak };
}
