import { AUDIO_SAMPLE_RATE, audioTokensForSamples } from './audioTokens';
import { MediaError } from './errors';
import { type MediaInput, readMediaInput } from './input';
import { resample } from './resample';
import { findSpeech } from './silence';
import { decodeWavMono } from './wavDecode';
import { encodeWav16Mono } from './wavEncode';
import { readWavLayout } from './wavHeader';

export interface PreparedAudio {
  /** 16 kHz mono 16-bit PCM WAV, ready for an `input_audio` part with format "wav". */
  wav: Buffer;
  /** Length of `wav`'s audio. */
  seconds: number;
  /** Tokens the server will count, its two wrapper tokens included. */
  tokens: number;
  /** Length of the input before trimming and truncation. */
  originalSeconds: number;
  /** Quiet audio cut from the start and the end (speech dropped by truncation not counted). */
  trimmedLeadingSeconds: number;
  trimmedTrailingSeconds: number;
  /** True when speech ran past `maxSeconds` and the rest was dropped. */
  truncated: boolean;
}

export interface PrepareAudioOptions {
  /** Longest clip sent, after trimming silence (default 30 s, 750 tokens). */
  maxSeconds?: number;
}

export const DEFAULT_AUDIO_MAX_SECONDS = 30;
/** Inputs longer than this are refused outright rather than cut: they were not meant as a voice command. */
export const MAX_AUDIO_INPUT_SECONDS = 600;
/** Less sound than this cannot be a word; the server also fails on a clip of one sample. */
export const MIN_AUDIO_SECONDS = 0.1;
/** Larger files are refused unread: 10 minutes of 96 kHz 24-bit stereo is about 330 MiB. */
export const MAX_AUDIO_BYTES = 512 * 1024 * 1024;

/**
 * Turns a recorded WAV into what the server takes: 16 kHz mono 16-bit, silence trimmed from
 * both ends, at most `maxSeconds` long. This runs on the calling thread; `prepareAudio` from
 * engine/media runs it in the media worker.
 */
export async function prepareAudioInThread(input: MediaInput, opts: PrepareAudioOptions = {}): Promise<PreparedAudio> {
  const maxSeconds = opts.maxSeconds ?? DEFAULT_AUDIO_MAX_SECONDS;
  if (!(maxSeconds > 0) || !Number.isFinite(maxSeconds)) {
    throw new RangeError(`maxSeconds must be a positive number of seconds, got ${maxSeconds}.`);
  }
  const bytes = await readMediaInput(input, MAX_AUDIO_BYTES, 'voice clip');
  const layout = readWavLayout(bytes);
  if (layout.frames === 0) {
    throw new MediaError('empty', 'The WAV file holds no audio (0 samples). Check the microphone and record again.');
  }
  const rate = layout.sampleRate;
  const originalSeconds = layout.frames / rate;
  if (originalSeconds > MAX_AUDIO_INPUT_SECONDS) {
    throw new MediaError(
      'too-large',
      `The recording is ${formatSeconds(originalSeconds)} long; at most ${MAX_AUDIO_INPUT_SECONDS / 60} minutes are accepted ` +
        `and only ${formatSeconds(maxSeconds)} are sent. Record a shorter clip.`,
    );
  }

  const mono = decodeWavMono(bytes, layout);
  const speech = findSpeech(mono, rate);
  if (speech.kind === 'silent') {
    throw new MediaError(
      'silent',
      `The ${formatSeconds(originalSeconds)} recording is silent: nothing audible was recorded. ` +
        'Check that the right microphone is selected and not muted, then record again.',
    );
  }
  if (speech.kind === 'too-short') throw tooShort(speech.soundSeconds);
  if (speech.kind === 'no-speech') {
    throw new MediaError(
      'no-speech',
      `No speech was heard in the ${formatSeconds(originalSeconds)} recording: nothing in it rises above its background ` +
        '(room noise, hum, a fan) the way words do. Check the microphone, speak closer, and try again.',
    );
  }

  let end = speech.end;
  const maxFrames = Math.floor(maxSeconds * rate);
  const truncated = end - speech.start > maxFrames;
  if (truncated) end = speech.start + maxFrames;

  const samples = resample(mono, rate, AUDIO_SAMPLE_RATE, speech.start, end);
  if (samples.length < MIN_AUDIO_SECONDS * AUDIO_SAMPLE_RATE) throw tooShort(samples.length / AUDIO_SAMPLE_RATE);
  return {
    wav: encodeWav16Mono(samples, AUDIO_SAMPLE_RATE),
    seconds: samples.length / AUDIO_SAMPLE_RATE,
    tokens: audioTokensForSamples(samples.length),
    originalSeconds,
    trimmedLeadingSeconds: speech.start / rate,
    trimmedTrailingSeconds: (layout.frames - speech.end) / rate,
    truncated,
  };
}

function tooShort(seconds: number): MediaError {
  return new MediaError(
    'too-short',
    `The recording holds only ${Math.round(seconds * 1000)} ms of sound, too little to be speech. Keep recording while you speak, then try again.`,
  );
}

function formatSeconds(s: number): string {
  if (s >= 120) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Number(s.toFixed(s < 10 ? 2 : 1))} s`;
}
