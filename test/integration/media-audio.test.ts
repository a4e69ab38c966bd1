import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { estimateAudioTokens, MediaError, prepareAudio } from '../../engine/media';
import { resample } from '../../engine/media/resample';
import { decodeWavMono } from '../../engine/media/wavDecode';
import { encodeWav16Mono } from '../../engine/media/wavEncode';
import { readWavLayout } from '../../engine/media/wavHeader';
import { rejectsWithCode } from '../support/asserts';
import { atLevel, fanNoise, mixAtSnr, pinkNoise, whiteNoise } from '../support/audioSignals';
import { hasProgram } from '../support/processes';

const rejectsWith = rejectsWithCode(MediaError);
const RATE = 16000;

/** A WAV file's samples at 16 kHz, channels averaged. */
async function samplesAt16k(file: string): Promise<Float32Array> {
  const bytes = await fs.readFile(file);
  const layout = readWavLayout(bytes);
  const mono = decodeWavMono(bytes, layout);
  return resample(mono, layout.sampleRate, RATE, 0, mono.length);
}

describe('media: prepareAudio on recorded speech', () => {
  it('trims padding around spoken words from a 44.1 kHz stereo file (espeak-ng + sox)', async function () {
    if (!hasProgram('espeak-ng') || !hasProgram('sox')) this.skip();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'media-test-'));
    try {
      const spoken = path.join(dir, 'spoken.wav');
      const padded = path.join(dir, 'padded.wav');
      execFileSync('espeak-ng', ['-w', spoken, 'Open the parser and add a test for empty input']);
      execFileSync('sox', [spoken, '-r', '44100', '-c', '2', '-b', '24', padded, 'pad', '2', '3']);
      const speechSeconds = Number(execFileSync('soxi', ['-D', spoken]).toString());
      const out = await prepareAudio({ path: padded });
      assert.ok(out.trimmedLeadingSeconds > 1.5 && out.trimmedLeadingSeconds < 2.1, String(out.trimmedLeadingSeconds));
      assert.ok(out.trimmedTrailingSeconds > 2.5, String(out.trimmedTrailingSeconds));
      assert.ok(out.seconds > speechSeconds - 0.6 && out.seconds < speechSeconds + 0.6, `${out.seconds} vs ${speechSeconds}`);
      assert.equal(out.tokens, estimateAudioTokens(out.seconds));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('media: the speech check on spoken words and real noise', () => {
  let dir: string;
  let spoken: Float32Array;

  before(async function () {
    if (!hasProgram('espeak-ng')) this.skip();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'speech-check-'));
    const file = path.join(dir, 'spoken.wav');
    execFileSync('espeak-ng', ['-w', file, 'open the file and run the tests']);
    spoken = await samplesAt16k(file);
  });

  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const noises = { 'white noise': whiteNoise, 'pink noise': pinkNoise, 'a fan': fanNoise };
  for (const [name, noise] of Object.entries(noises)) {
    for (const snr of [20, 10, 5]) {
      it(`takes espeak-ng's "open the file and run the tests" over ${name} at ${snr} dB SNR`, async () => {
        // 1 s of noise, the words, 2 s of noise.
        const seconds = spoken.length / RATE;
        const clip = mixAtSnr(spoken, noise(seconds + 3, RATE, 17), snr, RATE, 1);
        const out = await prepareAudio(encodeWav16Mono(clip, RATE));
        const report = JSON.stringify({ ...out, wav: undefined, words: seconds });
        assert.ok(out.trimmedLeadingSeconds > 0.5 && out.trimmedLeadingSeconds < 1, report);
        // espeak-ng ends its file with about half a second of silence of its own.
        assert.ok(out.trimmedTrailingSeconds > 1.5 && out.trimmedTrailingSeconds < 2.6, report);
        assert.ok(out.seconds > seconds - 0.4 && out.seconds < seconds + 0.6, report);
      });
    }
  }

  // Noise from sox's own generators, so the check does not only pass on the tests' noise.
  const soxNoises: [string, string[]][] = [
    ['white noise', ['whitenoise']],
    ['pink noise', ['pinknoise']],
    ['brown noise (a fan or an air conditioner)', ['brownnoise']],
    ['50 Hz mains hum with harmonics', ['sine', '50', 'sine', '150', 'sine', '250']],
  ];
  for (const [name, synth] of soxNoises) {
    for (const level of [-60, -50, -40]) {
      it(`refuses 5 s of sox ${name} at ${level} dBFS as no speech`, async function () {
        if (!hasProgram('sox')) this.skip();
        const file = path.join(dir, 'noise.wav');
        // Several generators make as many channels; prepareAudio averages them into one.
        execFileSync('sox', ['-n', '-r', '48000', '-b', '24', file, 'synth', '5', ...synth]);
        const noise = atLevel(await samplesAt16k(file), level);
        await rejectsWith(prepareAudio(encodeWav16Mono(noise, RATE)), 'no-speech', /^No speech was heard in the 5 s recording/);
      });
    }
  }
});
