import { strict as assert } from 'node:assert';
import { MediaError, prepareAudio } from '../../engine/media';
import { ABOVE_FLOOR_DB, findSpeech, FRAME_SECONDS, judgeSpeech, SPEECH_MARGIN_SECONDS, type FrameEnergies, type SpeechFinding } from '../../engine/media/silence';
import { encodeWav16Mono } from '../../engine/media/wavEncode';
import { sine } from '../fixtures/media/synth';
import { rejectsWithCode } from '../support/asserts';
import { atLevel, click, fanNoise, hum, mixAtSnr, overlay, pinkNoise, syllabicTone, voicedSyllables, whiteNoise, zeros } from '../support/audioSignals';

const rejectsWith = rejectsWithCode(MediaError);
const RATE = 16000;

type Noise = (seconds: number, sampleRate: number, seed: number) => Float32Array;
const NOISES: Record<string, Noise> = {
  'white noise': whiteNoise,
  'pink noise': pinkNoise,
  'a fan': fanNoise,
  'mains hum': (seconds, sampleRate) => hum(seconds, sampleRate),
};

const describeFinding = (found: SpeechFinding): string => JSON.stringify(found, (_, v: unknown) => (typeof v === 'number' ? Number(v.toFixed(3)) : v));

/** Frame energies written by hand: one band level per 20 ms frame, the same whole-band level. */
function energies(band: number[]): FrameEnergies {
  const frameLength = FRAME_SECONDS * RATE;
  return { frameLength, sampleRate: RATE, sampleCount: band.length * frameLength, level: Float64Array.from(band), band: Float64Array.from(band) };
}

/** `frames` frames at `db`. */
const at = (db: number, frames: number): number[] => new Array<number>(frames).fill(db);

describe('media: speech, not loudness, decides what is sent', () => {
  describe('voiced syllables over a background are speech', () => {
    for (const [name, noise] of Object.entries(NOISES)) {
      for (const snr of [20, 10, 5]) {
        it(`over ${name} at ${snr} dB SNR, trimmed to the syllables`, () => {
          // 2.5 s of syllables from 1 s into a 5 s clip.
          const clip = mixAtSnr(voicedSyllables(2.5, RATE, 3), noise(5, RATE, 11), snr, RATE, 1);
          const found = findSpeech(clip, RATE);
          assert.equal(found.kind, 'speech', describeFinding(found));
          assert.ok(found.speechSeconds >= 0.5, describeFinding(found));
          // The first syllable starts at 1 s: the cut falls one margin before it, give or take its soft rise.
          assert.ok(found.start / RATE > 1 - SPEECH_MARGIN_SECONDS - 0.03 && found.start / RATE < 1.1 - SPEECH_MARGIN_SECONDS, describeFinding(found));
          assert.ok(found.end / RATE > 3 && found.end / RATE < 3.5 + SPEECH_MARGIN_SECONDS + 0.03, describeFinding(found));
        });
      }
    }

    for (const rate of [8000, 44100, 48000]) {
      it(`at ${rate} Hz as at 16 kHz`, () => {
        const found = findSpeech(mixAtSnr(voicedSyllables(2, rate, 4), pinkNoise(4, rate, 5), 10, rate, 1), rate);
        assert.equal(found.kind, 'speech', describeFinding(found));
      });
    }

    it('quiet speech in a quiet room: the background sets the bar, not full scale', () => {
      // Syllables at -50 dBFS over a -70 dBFS room.
      const found = findSpeech(mixAtSnr(voicedSyllables(2, RATE, 6), pinkNoise(4, RATE, 2), 20, RATE, 1, -50), RATE);
      assert.equal(found.kind, 'speech', describeFinding(found));
    });

    it("speech right after a recorder's start-up zeros", () => {
      const clip = concatZeros(0.4, mixAtSnr(voicedSyllables(2, RATE, 7), whiteNoise(3, RATE, 8), 15, RATE, 0.5));
      assert.equal(findSpeech(clip, RATE).kind, 'speech');
    });
  });

  describe('a steady background alone is not speech, however loud', () => {
    for (const [name, noise] of Object.entries(NOISES)) {
      for (const level of [-60, -50, -40]) {
        it(`5 s of ${name} at ${level} dBFS`, async () => {
          const clip = atLevel(noise(5, RATE, 21), level);
          const found = findSpeech(clip, RATE);
          assert.equal(found.kind, 'no-speech', describeFinding(found));
          await rejectsWith(prepareAudio(encodeWav16Mono(clip, RATE)), 'no-speech', /^No speech was heard in the 5 s recording.*Check the microphone, speak closer, and try again\.$/);
        });
      }
    }

    it('a loud steady tone, and the same tone rising and falling as syllables do', () => {
      assert.equal(findSpeech(sine(3, RATE, 1000, 0.5), RATE).kind, 'no-speech');
      assert.equal(findSpeech(syllabicTone(3, RATE, 1000, 0.5), RATE).kind, 'speech');
    });

    it("a fan that starts after the recorder's start-up zeros", () => {
      // Digital silence says nothing of the room: it must not pass for a quiet background the fan then rises above.
      assert.equal(findSpeech(concatZeros(0.5, atLevel(fanNoise(4, RATE, 3), -45)), RATE).kind, 'no-speech');
    });

    it('typing: clicks all through the clip', () => {
      let clip = atLevel(pinkNoise(4, RATE, 9), -55);
      for (let t = 0.2; t < 3.8; t += 0.23) clip = overlay(clip, click(0.03, RATE, 0.3, Math.round(t * 100)), RATE, t);
      const found = findSpeech(clip, RATE);
      assert.equal(found.kind, 'no-speech', describeFinding(found));
    });
  });

  describe('a click is too short, nothing at all is silent', () => {
    it('a 50 ms click in digital silence, in a quiet room and in a noisy one', async () => {
      for (const background of [zeros(2, RATE), atLevel(whiteNoise(2, RATE, 4), -90), atLevel(pinkNoise(2, RATE, 4), -50)]) {
        const clip = overlay(background, click(0.05, RATE), RATE, 1);
        const found = findSpeech(clip, RATE);
        assert.equal(found.kind, 'too-short', describeFinding(found));
        await rejectsWith(prepareAudio(encodeWav16Mono(clip, RATE)), 'too-short', /only (40|60) ms of sound, too little to be speech/);
      }
    });

    it('a single-sample click', async () => {
      const clip = zeros(2, RATE);
      clip[RATE] = 0.9;
      await rejectsWith(prepareAudio(encodeWav16Mono(clip, RATE)), 'too-short', /only 20 ms of sound/);
    });

    it('digital silence and a muted input (-70 dBFS) are silent', async () => {
      await rejectsWith(prepareAudio(encodeWav16Mono(zeros(2, RATE), RATE)), 'silent', /silent.*microphone/);
      await rejectsWith(prepareAudio(encodeWav16Mono(atLevel(whiteNoise(2, RATE, 5), -70), RATE)), 'silent');
    });
  });

  describe('the rule, on frame energies', () => {
    const floor = at(-50, 50);

    it(`speech stands ${ABOVE_FLOOR_DB} dB above the background: 11 dB is enough, 9 dB is not`, () => {
      assert.equal(judgeSpeech(energies([...floor, ...at(-41, 15), ...floor])).kind, 'no-speech');
      assert.equal(judgeSpeech(energies([...floor, ...at(-39, 15), ...floor])).kind, 'speech');
    });

    it('and above -60 dBFS, however quiet the background', () => {
      assert.equal(judgeSpeech(energies([...at(-78, 50), ...at(-62, 40), ...at(-78, 50)])).kind, 'no-speech');
      assert.equal(judgeSpeech(energies([...at(-78, 50), ...at(-58, 40), ...at(-78, 50)])).kind, 'speech');
    });

    it('needs one run of 100 ms and 200 ms in all', () => {
      const burst = (frames: number): number[] => [...at(-20, frames), ...at(-50, 5)];
      // Runs of 80 ms only, 400 ms in all: taps, not syllables.
      assert.equal(judgeSpeech(energies([...floor, ...burst(4), ...burst(4), ...burst(4), ...burst(4), ...burst(4), ...floor])).kind, 'no-speech');
      // One 100 ms run and two clicks of 40 ms, which do not count: too short.
      const short = judgeSpeech(energies([...floor, ...burst(5), ...burst(2), ...burst(2), ...floor]));
      assert.equal(short.kind, 'too-short', describeFinding(short));
      // 100 ms and 100 ms more.
      assert.equal(judgeSpeech(energies([...floor, ...burst(5), ...burst(3), ...burst(2), ...burst(3), ...floor])).kind, 'speech');
    });

    it('the background is the quietest tenth of the frames that hold any signal', () => {
      // Half the clip digital silence: the background is still the noise, and nothing rises above it.
      assert.equal(judgeSpeech(energies([...at(-200, 60), ...at(-50, 60)])).kind, 'no-speech');
      // Speech in a clip that is 85% speech still finds its background in the pauses.
      const found = judgeSpeech(energies([...at(-50, 15), ...at(-25, 85)]));
      assert.equal(found.kind, 'speech');
      assert.equal(found.kind === 'speech' && found.floorDb, -50);
    });

    it('trims from the same frames: clicks before and after do not hold the cut', () => {
      const clip = [...floor, ...at(-20, 2), ...floor, ...at(-20, 20), ...floor, ...at(-20, 2), ...floor];
      const found = judgeSpeech(energies(clip));
      assert.equal(found.kind, 'speech');
      const frame = FRAME_SECONDS * RATE;
      const margin = SPEECH_MARGIN_SECONDS * RATE;
      assert.deepEqual(found.kind === 'speech' && [found.start, found.end], [(50 + 2 + 50) * frame - margin, (50 + 2 + 50 + 20) * frame + margin]);
    });
  });
});

function concatZeros(seconds: number, clip: Float32Array): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE) + clip.length);
  out.set(clip, Math.round(seconds * RATE));
  return out;
}
