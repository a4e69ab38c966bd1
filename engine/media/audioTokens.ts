/**
 * The token cost of a clip as llama-server's gemma4ua projector counts it (llama.cpp
 * tools/mtmd: clip.cpp fixes 16 kHz and 640-sample frames, mtmd-audio.cpp
 * `mtmd_audio_preprocessor_gemma4ua::preprocess` makes ceil(samples / 640) frames, one token
 * each, the last zero-padded; mtmd.cpp wraps them in `<|audio>` ... `<audio|>`).
 */

export const AUDIO_SAMPLE_RATE = 16000;
/** 40 ms of 16 kHz audio: 25 tokens a second. */
export const AUDIO_SAMPLES_PER_TOKEN = 640;
export const AUDIO_WRAPPER_TOKENS = 2;

/** Tokens for this many 16 kHz samples, wrappers included; nothing to send costs nothing. */
export function audioTokensForSamples(samples: number): number {
  if (samples <= 0) return 0;
  return Math.ceil(samples / AUDIO_SAMPLES_PER_TOKEN) + AUDIO_WRAPPER_TOKENS;
}

/** Tokens for a clip of this length once at 16 kHz, wrappers included. */
export function estimateAudioTokens(seconds: number): number {
  return audioTokensForSamples(Math.round(seconds * AUDIO_SAMPLE_RATE));
}
