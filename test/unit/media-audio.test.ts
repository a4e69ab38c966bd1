import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { estimateAudioTokens, MediaError, prepareAudio } from '../../engine/media';
import { readWavLayout } from '../../engine/media/wavHeader';
import { concat, noise, rms, sine, toneLevel, wav16MonoSamples, wavBytes, type WavEncoding, zeroCrossings } from '../fixtures/media/synth';
import { rejectsWithCode } from '../support/asserts';
import { syllabicEnvelope, syllabicTone } from '../support/audioSignals';

const rejectsWith = rejectsWithCode(MediaError);

/**
 * Checks a prepared 1 kHz syllabic tone (the test input: a steady tone is not speech and is
 * refused): 16 kHz mono, right length, frequency and level.
 */
function assertSine(wav: Buffer, seconds: number, amplitude: number, levelTolerance: number): void {
  const layout = readWavLayout(wav);
  assert.deepEqual([layout.sampleRate, layout.channels, layout.encoding], [16000, 1, 'int16']);
  const samples = wav16MonoSamples(wav);
  assert.ok(Math.abs(samples.length - seconds * 16000) <= 2, `${samples.length} samples`);
  // Away from the edges, 1 kHz crosses zero 2000 times a second.
  const from = 800;
  const to = samples.length - 800;
  const expected = ((to - from) / 16000) * 2000;
  assert.ok(Math.abs(zeroCrossings(samples, from, to) - expected) <= 2, `zero crossings ${zeroCrossings(samples, from, to)} vs ${expected}`);
  let envelope = 0;
  for (let i = from; i < to; i++) envelope += syllabicEnvelope(i / 16000) ** 2;
  const level = (rms(samples, from, to) * Math.SQRT2) / Math.sqrt(envelope / (to - from));
  assert.ok(Math.abs(level - amplitude) <= levelTolerance, `amplitude ${level} vs ${amplitude}`);
}

describe('media: audio token rule (gemma4ua)', () => {
  it('counts 25 tokens a second, the last 40 ms frame padded, plus the two wrappers', () => {
    assert.equal(estimateAudioTokens(1), 27);
    assert.equal(estimateAudioTokens(30), 752);
    assert.equal(estimateAudioTokens(0.04), 3);
    assert.equal(estimateAudioTokens(0.041), 4);
    assert.equal(estimateAudioTokens(0), 0);
  });
});

describe('media: prepareAudio reads every WAV variant', () => {
  const encodings: [WavEncoding, number][] = [
    ['uint8', 0.02],
    ['int16', 0.005],
    ['int24', 0.005],
    ['int32', 0.005],
    ['float32', 0.005],
    ['float64', 0.005],
  ];
  for (const [encoding, tolerance] of encodings) {
    it(`${encoding} mono at 16 kHz`, async () => {
      const out = await prepareAudio(wavBytes({ sampleRate: 16000, encoding, channels: [syllabicTone(2, 16000, 1000, 0.5)] }));
      assert.equal(out.seconds, 2);
      assert.equal(out.tokens, 52);
      assert.equal(out.truncated, false);
      assertSine(out.wav, 2, 0.5, tolerance);
    });
  }

  for (const rate of [8000, 11025, 22050, 32000, 44100, 48000, 96000]) {
    it(`resamples ${rate} Hz to 16 kHz keeping a 1 kHz tone at 1 kHz`, async () => {
      const out = await prepareAudio(wavBytes({ sampleRate: rate, encoding: 'int16', channels: [syllabicTone(2, rate, 1000, 0.5)] }));
      assert.ok(Math.abs(out.seconds - 2) < 0.001, String(out.seconds));
      assertSine(out.wav, 2, 0.5, 0.01);
    });
  }

  it('removes content above 8 kHz instead of folding it into the speech band', async () => {
    // 12 kHz at 48 kHz: plain decimation by 3 would turn it into a 4 kHz tone.
    const rate = 48000;
    const mix = syllabicTone(1, rate, 1000, 0.3);
    const high = sine(1, rate, 12000, 0.5);
    for (let i = 0; i < mix.length; i++) mix[i] += high[i];
    const out = wav16MonoSamples((await prepareAudio(wavBytes({ sampleRate: rate, encoding: 'float32', channels: [mix] }))).wav);
    const wanted = toneLevel(out, 16000, 1000);
    const alias = toneLevel(out, 16000, 4000);
    // The tone's carrier keeps its average loudness, 0.55 of the peak; its 4 Hz swell lies in neighbouring bins.
    assert.ok(Math.abs(wanted - 0.3 * 0.55) < 0.01, `1 kHz level ${wanted}`);
    assert.ok(alias < 0.5 * 10 ** (-60 / 20), `4 kHz alias level ${alias}`);
  });

  it('downmixes stereo by averaging the channels', async () => {
    const rate = 44100;
    const left = syllabicTone(2, rate, 1000, 0.6);
    const right = syllabicTone(2, rate, 1000, 0.2);
    const out = await prepareAudio(wavBytes({ sampleRate: rate, encoding: 'int16', channels: [left, right] }));
    assertSine(out.wav, 2, 0.4, 0.01);
  });

  it('downmixes many channels', async () => {
    const rate = 48000;
    const tone = syllabicTone(1, rate, 1000, 0.5);
    const silent = new Float32Array(tone.length);
    const out = await prepareAudio(wavBytes({ sampleRate: rate, encoding: 'int24', channels: [tone, tone, tone, silent, silent, tone] }));
    assertSine(out.wav, 1, (0.5 * 4) / 6, 0.01);
  });

  for (const encoding of ['int16', 'int24', 'int32', 'float32'] as const) {
    it(`WAVE_FORMAT_EXTENSIBLE with ${encoding} samples`, async () => {
      const tone = syllabicTone(1.5, 48000, 1000, 0.5);
      const out = await prepareAudio(wavBytes({ sampleRate: 48000, encoding, extensible: true, channels: [tone, tone] }));
      assertSine(out.wav, 1.5, 0.5, 0.01);
    });
  }

  it('24-bit samples in 32-bit slots (extensible, valid bits 24)', async () => {
    const tone = syllabicTone(1, 16000, 1000, 0.5);
    const wav = wavBytes({ sampleRate: 16000, encoding: 'int32', extensible: true, channels: [tone] });
    wav.writeUInt16LE(24, 12 + 8 + 18); // wValidBitsPerSample
    assertSine((await prepareAudio(wav)).wav, 1, 0.5, 0.005);
  });

  it('skips extra chunks and odd-sized chunks, padded or not', async () => {
    const tone = syllabicTone(1, 22050, 1000, 0.5);
    const chunksBefore = [
      { id: 'LIST', body: Buffer.from('INFOISFT\x05\x00\x00\x00test\x00', 'latin1') },
      { id: 'odd ', body: Buffer.from([1, 2, 3]) },
      { id: 'fact', body: Buffer.alloc(4) },
    ];
    const trailer = Buffer.from('LIST\x04\x00\x00\x00INFO', 'latin1');
    for (const forgetPadding of [false, true]) {
      const out = await prepareAudio(wavBytes({ sampleRate: 22050, encoding: 'int16', channels: [tone], chunksBefore, forgetPadding, trailer }));
      assertSine(out.wav, 1, 0.5, 0.01);
    }
  });

  for (const dataSize of [0, 0xffffffff]) {
    it(`a streaming recorder's data size of 0x${dataSize.toString(16)} means "to the end of the file"`, async () => {
      const tone = syllabicTone(1.25, 48000, 1000, 0.5);
      const out = await prepareAudio(wavBytes({ sampleRate: 48000, encoding: 'int16', channels: [tone, tone], dataSize, riffSize: dataSize }));
      assertSine(out.wav, 1.25, 0.5, 0.01);
    });
  }

  it('a data size larger than the file (a truncated recording) uses what is there', async () => {
    const wav = wavBytes({ sampleRate: 16000, encoding: 'int16', channels: [syllabicTone(2, 16000, 1000, 0.5)] });
    const cut = wav.subarray(0, 44 + 16000 * 2 + 1); // one second and half a sample
    const out = await prepareAudio(cut);
    assertSine(out.wav, 1, 0.5, 0.005);
  });

  it('reads from a file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'media-test-'));
    try {
      const file = path.join(dir, 'clip.wav');
      await fs.writeFile(file, wavBytes({ sampleRate: 44100, encoding: 'int16', channels: [syllabicTone(1, 44100, 1000, 0.5)] }));
      assertSine((await prepareAudio({ path: file })).wav, 1, 0.5, 0.01);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('media: prepareAudio trims, caps and reports', () => {
  it('trims leading and trailing silence, keeping a quarter-second margin', async () => {
    const rate = 48000;
    const clip = concat(noise(1, rate, 0.0005, 7), syllabicTone(1, rate, 440, 0.4), noise(1.5, rate, 0.0005, 9));
    const out = await prepareAudio(wavBytes({ sampleRate: rate, encoding: 'int16', channels: [clip] }));
    assert.ok(Math.abs(out.trimmedLeadingSeconds - 0.75) <= 0.021, String(out.trimmedLeadingSeconds));
    assert.ok(Math.abs(out.trimmedTrailingSeconds - 1.25) <= 0.021, String(out.trimmedTrailingSeconds));
    assert.ok(Math.abs(out.seconds - 1.5) <= 0.041, String(out.seconds));
    assert.equal(out.originalSeconds, 3.5);
    assert.equal(out.tokens, estimateAudioTokens(out.seconds));
  });

  it('trims relative to the clip: quiet speech over a quiet floor still trims', async () => {
    const rate = 16000;
    const clip = concat(noise(1, rate, 0.00003, 3), syllabicTone(1, rate, 300, 0.01), noise(1, rate, 0.00003, 4));
    const out = await prepareAudio(wavBytes({ sampleRate: rate, encoding: 'float32', channels: [clip] }));
    assert.ok(out.trimmedLeadingSeconds > 0.7 && out.trimmedTrailingSeconds > 0.7, JSON.stringify({ ...out, wav: undefined }));
  });

  it('ignores a DC offset when looking for sound', async () => {
    const rate = 16000;
    const clip = concat(new Float32Array(rate).fill(0.2), syllabicTone(1, rate, 500, 0.3), new Float32Array(rate).fill(0.2));
    for (let i = rate; i < 2 * rate; i++) clip[i] += 0.2;
    const out = await prepareAudio(wavBytes({ sampleRate: rate, encoding: 'int16', channels: [clip] }));
    assert.ok(Math.abs(out.trimmedLeadingSeconds - 0.75) <= 0.021, String(out.trimmedLeadingSeconds));
  });

  it('keeps a clip that is loud throughout', async () => {
    const out = await prepareAudio(wavBytes({ sampleRate: 16000, encoding: 'int16', channels: [syllabicTone(3, 16000, 700, 0.5)] }));
    assert.deepEqual([out.trimmedLeadingSeconds, out.trimmedTrailingSeconds, out.seconds], [0, 0, 3]);
  });

  it('truncates speech longer than maxSeconds and says so', async () => {
    const clip = syllabicTone(40, 16000, 1000, 0.5);
    const out = await prepareAudio(wavBytes({ sampleRate: 16000, encoding: 'int16', channels: [clip] }));
    assert.equal(out.truncated, true);
    assert.equal(out.seconds, 30);
    assert.equal(out.tokens, 752);
    const short = await prepareAudio(wavBytes({ sampleRate: 16000, encoding: 'int16', channels: [clip] }), { maxSeconds: 5 });
    assert.deepEqual([short.truncated, short.seconds, short.tokens], [true, 5, 127]);
    const fits = await prepareAudio(wavBytes({ sampleRate: 16000, encoding: 'int16', channels: [syllabicTone(4, 16000, 1000, 0.5)] }), { maxSeconds: 5 });
    assert.equal(fits.truncated, false);
  });

  it('refuses a recording longer than ten minutes', async () => {
    // 11 minutes of 8 kHz 8-bit audio: small enough to build, too long to take.
    const data = Buffer.alloc(11 * 60 * 8000, 128);
    const wav = wavBytes({ sampleRate: 8000, encoding: 'uint8', channels: [new Float32Array(0)], dataSize: data.length });
    await rejectsWith(prepareAudio(Buffer.concat([wav, data])), 'too-large', /11 min/);
  });

  it('rejects a bad maxSeconds', async () => {
    const wav = wavBytes({ sampleRate: 16000, encoding: 'int16', channels: [syllabicTone(1, 16000, 1000, 0.5)] });
    await assert.rejects(prepareAudio(wav, { maxSeconds: 0 }), RangeError);
    await assert.rejects(prepareAudio(wav, { maxSeconds: Number.NaN }), RangeError);
  });
});

describe('media: prepareAudio refuses bad input', () => {
  it('empty input, a header with no samples, no data chunk', async () => {
    await rejectsWith(prepareAudio(Buffer.alloc(0)), 'empty');
    const headerOnly = wavBytes({ sampleRate: 16000, encoding: 'int16', channels: [new Float32Array(0)] });
    await rejectsWith(prepareAudio(headerOnly), 'empty', /0 samples/);
    await rejectsWith(prepareAudio(headerOnly.subarray(0, 36)), 'empty', /no "data" chunk/);
  });

  it('silence and near-silence are silent, a lone click is too short (more in media-speech.test.ts)', async () => {
    const rate = 16000;
    await rejectsWith(prepareAudio(wavBytes({ sampleRate: rate, encoding: 'int16', channels: [new Float32Array(rate * 2)] })), 'silent', /microphone/);
    await rejectsWith(prepareAudio(wavBytes({ sampleRate: rate, encoding: 'float32', channels: [noise(2, rate, 0.0003)] })), 'silent');
    const click = new Float32Array(rate * 2);
    click[rate] = 0.9;
    await rejectsWith(prepareAudio(wavBytes({ sampleRate: rate, encoding: 'int16', channels: [click] })), 'too-short', /20 ms/);
  });

  it('a clip too short to hold speech', async () => {
    const blip = wavBytes({ sampleRate: 48000, encoding: 'int16', channels: [sine(0.05, 48000, 1000, 0.5)] });
    await rejectsWith(prepareAudio(blip), 'too-short', /50 ms/);
  });

  it('compressed formats, with a hint to record WAV', async () => {
    const cases: [string, Buffer][] = [
      ['MP3', Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1')],
      ['MP3', Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0])],
      ['FLAC', Buffer.from('fLaC\x00\x00\x00\x22', 'latin1')],
      ['Ogg', Buffer.from('OggS\x00\x02\x00\x00', 'latin1')],
      ['M4A', Buffer.from('\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00', 'latin1')],
    ];
    for (const [name, bytes] of cases) await rejectsWith(prepareAudio(bytes), 'unsupported-format', new RegExp(`${name}.*WAV`));
    await rejectsWith(prepareAudio(Buffer.from('just some text, not audio')), 'unsupported-format', /not a WAV/);
  });

  it('WAV encodings other than PCM and float', async () => {
    const wav = wavBytes({ sampleRate: 8000, encoding: 'uint8', channels: [sine(1, 8000, 400, 0.5)] });
    wav.writeUInt16LE(7, 20); // µ-law
    await rejectsWith(prepareAudio(wav), 'unsupported-format', /µ-law/);
  });

  it('a WAV without a format chunk or with nonsense in it', async () => {
    const noFmt = Buffer.concat([Buffer.from('RIFF\x10\x00\x00\x00WAVEdata\x04\x00\x00\x00', 'latin1'), Buffer.alloc(4)]);
    await rejectsWith(prepareAudio(noFmt), 'corrupt', /format/);
    const zeroChannels = wavBytes({ sampleRate: 16000, encoding: 'int16', channels: [sine(1, 16000, 400, 0.5)] });
    zeroChannels.writeUInt16LE(0, 22);
    await rejectsWith(prepareAudio(zeroChannels), 'corrupt', /0 channels/);
    const cutFmt = wavBytes({ sampleRate: 16000, encoding: 'int16', channels: [sine(1, 16000, 400, 0.5)] }).subarray(0, 28);
    await rejectsWith(prepareAudio(cutFmt), 'corrupt', /truncated/);
  });
});
