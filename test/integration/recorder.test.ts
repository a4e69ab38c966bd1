import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MediaError, prepareAudio } from '../../engine/media';
import { readWavLayout } from '../../engine/media/wavHeader';
import { recordVoiceClip } from '../../extension/voice/core/recordVoiceClip';
import { RecorderError } from '../../extension/voice/core/recorderErrors';
import { RecorderProcess, type AutoStopReason, type RecorderProcessOptions, type RecorderProgress } from '../../extension/voice/core/recorderProcess';
import { which } from '../../extension/voice/core/recorderPrograms';
import { shellQuote } from '../../extension/voice/core/shellQuote';
import { wavBytes } from '../fixtures/media/synth';
import { fakeRecorderCommand, writeSpeechWav } from '../fixtures/voice/speech';
import { rejectsWithCode } from '../support/asserts';
import { tempDir } from '../support/files';
import { fakePath, removeFakePaths } from '../support/processes';
import { waitUntil } from '../support/waiting';

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Waits until the recorder has written `seconds` of audio: on a loaded machine the scripted
 * recorder (a Node process) can take a second to start, so fixed sleeps would be flaky.
 */
async function whenRecorded(recorder: RecorderProcess, seconds: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const size = recorder.file ? await fs.stat(recorder.file).then((s) => s.size, () => 0) : 0;
    if (size >= 44 + seconds * 32000) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the recorder wrote less than ${seconds} s of audio in ${timeoutMs} ms`);
}

const rejectsWith = rejectsWithCode(RecorderError);

after(removeFakePaths);

describe('voice: RecorderProcess with a scripted recorder', function () {
  this.timeout(20_000);
  let dir: string;
  let speech: string;
  const recorders: RecorderProcess[] = [];

  before(async () => {
    dir = tempDir('voice-test-');
    speech = await writeSpeechWav(dir);
  });
  afterEach(async () => {
    await Promise.all(recorders.splice(0).map((r) => r.cancel()));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const make = (options: Partial<RecorderProcessOptions> = {}, mode?: string): RecorderProcess => {
    const recorder = new RecorderProcess({
      folder: path.join(dir, 'recordings'),
      recorderCommand: fakeRecorderCommand(speech),
      maxSeconds: 30,
      progressIntervalMs: 100,
      startupGraceMs: 200,
      env: { ...process.env, FAKE_RECORDER_MODE: mode ?? 'stream' },
      ...options,
    });
    recorders.push(recorder);
    return recorder;
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('start/stop returns a valid 16 kHz mono WAV that prepareAudio accepts, and reports the level', async () => {
    const recorder = make();
    const progress: RecorderProgress[] = [];
    recorder.onProgress((p) => progress.push(p));
    await recorder.start();
    assert.equal(recorder.state, 'recording');
    assert.equal(recorder.program, 'recorderCommand');
    await whenRecorded(recorder, 1.4);
    const file = await recorder.stop();
    assert.equal(recorder.state, 'stopped');
    assert.equal(path.dirname(file), path.join(dir, 'recordings'));
    const bytes = await fs.readFile(file);
    const layout = readWavLayout(bytes);
    assert.deepEqual([layout.sampleRate, layout.channels, layout.encoding], [16000, 1, 'int16']);
    assert.equal(bytes.readUInt32LE(layout.dataOffset - 4), layout.frames * 2, 'sizes filled in on SIGINT');
    assert.ok(layout.frames / 16000 > 1.2, `${layout.frames / 16000} s recorded`);
    const clip = await prepareAudio(bytes, { maxSeconds: 30 });
    assert.ok(clip.seconds > 0.3 && clip.tokens > 5, `${clip.seconds} s, ${clip.tokens} tokens`);

    assert.ok(progress.length >= 5, `${progress.length} progress events`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].seconds >= progress[i - 1].seconds, 'time moves forward');
    assert.ok(progress.every((p) => p.level >= 0 && p.level <= 1));
    assert.ok(Math.max(...progress.map((p) => p.level)) > 0.3, `speech shows on the meter: ${progress.map((p) => p.level.toFixed(2)).join(' ')}`);
    await fs.rm(file);
  });

  it('stops itself at maxSeconds and says so', async () => {
    const recorder = make({ maxSeconds: 1 });
    const reasons: AutoStopReason[] = [];
    recorder.onAutoStop((r) => reasons.push(r));
    await recorder.start();
    await waitUntil(() => reasons.length > 0, 'the recorder to stop by itself', 15_000, 25);
    assert.deepEqual(reasons, ['max-length']);
    assert.equal(recorder.autoStopReason, 'max-length');
    assert.ok(recorder.elapsedSeconds < 2, `stopped after ${recorder.elapsedSeconds} s`);
    const file = await recorder.stop();
    // The timer runs from the recorder's start; a slow machine shortens the audio, never lengthens it.
    const layout = readWavLayout(await fs.readFile(file));
    assert.ok(layout.frames > 0 && layout.frames / 16000 < 1.4, `${layout.frames / 16000} s for a 1 s cap`);
  });

  it('a recorder that quits at once fails with its stderr tail, and leaves no file', async () => {
    const recorder = make({}, 'fail');
    const quit = new Promise((resolve) => recorder.onAutoStop(resolve));
    // start() says so; on a loaded machine the failure may come after the grace period, then stop() does.
    const err = await rejectsWith(
      recorder
        .start()
        .then(() => quit)
        .then(() => recorder.stop()),
      'exited-early',
      /exited with code 1 before recording anything/,
    );
    assert.match(err.message, /Device or resource busy/);
    assert.match(err.message, /recorderCommand/);
    assert.equal(await exists(recorder.file!), false);
  });

  it('a real rec without a sound device fails the same way (where sox is installed)', async function () {
    if (!(await which('rec'))) this.skip();
    const recorder = make({ recorder: 'sox', recorderCommand: '', env: { ...process.env, AUDIODEV: 'nonexistent-device-for-test', AUDIODRIVER: 'alsa' } });
    const err = await rejectsWith(recorder.start(), 'exited-early');
    assert.match(err.message, /sox \(rec\)/);
    assert.match(err.message, /It said:\n/);
  });

  it('an unknown custom program reports that the shell could not find it', async () => {
    const recorder = make({ recorderCommand: 'no-such-recorder-program ${output}' });
    await rejectsWith(recorder.start(), 'exited-early', /could not find the program/);
  });

  it('with no recorder on PATH, start() throws the install advice', async () => {
    const recorder = make({ recorderCommand: '', env: { PATH: await fakePath([]) }, platform: 'linux' });
    await rejectsWith(recorder.start(), 'no-recorder', /Install SoX/);
  });

  it('cancel() stops the recorder and deletes the file', async () => {
    const recorder = make();
    await recorder.start();
    await whenRecorded(recorder, 0.2);
    await recorder.cancel();
    assert.equal(recorder.state, 'cancelled');
    assert.equal(await exists(recorder.file!), false);
    await rejectsWith(recorder.stop(), 'no-audio', /cancelled/);
  });

  it('a recorder that ignores SIGINT is stopped with SIGTERM', async () => {
    const recorder = make({ stopGraceMs: 300 }, 'stubborn');
    await recorder.start();
    await whenRecorded(recorder, 0.2);
    const started = Date.now();
    const file = await recorder.stop();
    assert.ok(Date.now() - started < 3000);
    assert.ok(readWavLayout(await fs.readFile(file)).frames > 0);
  });

  it('a recorder that writes nothing gives the typed empty error', async () => {
    const recorder = make({}, 'silent-start');
    await recorder.start();
    await sleep(200);
    await rejectsWith(recorder.stop(), 'no-audio', /wrote no audio/);
    assert.equal(await exists(recorder.file!), false);
  });

  it('a command that writes the whole file and exits counts as a finished recording', async () => {
    const recorder = make({}, 'copy');
    const reasons: AutoStopReason[] = [];
    recorder.onAutoStop((r) => reasons.push(r));
    await recorder.start();
    await waitUntil(() => reasons.length > 0, 'the recorder to stop by itself', 15_000, 25);
    assert.deepEqual(reasons, ['recorder-exited']);
    const file = await recorder.stop();
    assert.deepEqual(await fs.readFile(file), await fs.readFile(speech));
  });

  it('stop() while the recorder is still starting ends it without calling that a failure', async () => {
    const recorder = make({ startupGraceMs: 1000 });
    const starting = recorder.start();
    await sleep(300);
    const stopped = recorder.stop();
    await starting;
    // Whether it had written audio yet depends on the machine's speed; it never "exited early".
    try {
      const file = await stopped;
      assert.ok(readWavLayout(await fs.readFile(file)).frames > 0);
    } catch (err) {
      assert.ok(err instanceof RecorderError && err.code === 'no-audio', String(err));
    }
  });

  it('refuses a second start()', async () => {
    const recorder = make();
    await recorder.start();
    await rejectsWith(recorder.start(), 'busy');
  });
});

describe('voice: recordVoiceClip', function () {
  this.timeout(20_000);
  let dir: string;
  let speech: string;
  before(async () => {
    dir = tempDir('voice-clip-');
    speech = await writeSpeechWav(dir);
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  const folder = () => path.join(dir, 'recordings');
  const base = (keepRecordings: boolean, stop: AbortController, mode = 'stream') => ({
    folder: folder(),
    recorderCommand: fakeRecorderCommand(speech),
    maxSeconds: 30,
    startupGraceMs: 200,
    keepRecordings,
    stopSignal: stop.signal,
    env: { ...process.env, FAKE_RECORDER_MODE: mode },
  });
  const recordings = async () => (await fs.readdir(folder()).catch(() => [])).filter((n) => n.endsWith('.wav'));

  it('records until stopped, returns the prepared clip and deletes the recording', async () => {
    const stop = new AbortController();
    let started = false;
    const clip = await recordVoiceClip({
      ...base(false, stop),
      onStarted: (recorder) => {
        started = true;
        void whenRecorded(recorder, 1.4).then(() => stop.abort());
      },
    });
    assert.ok(started);
    assert.ok(clip);
    assert.equal(clip.program, 'recorderCommand');
    assert.equal(clip.keptFile, undefined);
    assert.ok(clip.seconds > 0.3 && clip.originalSeconds > 1.2, `${clip.seconds} of ${clip.originalSeconds} s`);
    assert.ok(clip.trimmedTrailingSeconds > 0, 'trailing silence trimmed');
    assert.deepEqual([readWavLayout(clip.wav).sampleRate, readWavLayout(clip.wav).channels], [16000, 1]);
    assert.deepEqual(await recordings(), []);
  });

  it('keeps the recording when asked to', async () => {
    const stop = new AbortController();
    const clip = await recordVoiceClip({ ...base(true, stop), onStarted: (recorder) => void whenRecorded(recorder, 1).then(() => stop.abort()) });
    assert.ok(clip?.keptFile);
    assert.ok(await exists(clip.keptFile));
    await fs.rm(clip.keptFile);
  });

  it('returns undefined and leaves nothing behind when cancelled', async () => {
    const stop = new AbortController();
    const cancel = new AbortController();
    const clip = await recordVoiceClip({ ...base(true, stop), cancelSignal: cancel.signal, onStarted: (recorder) => void whenRecorded(recorder, 0.2).then(() => cancel.abort()) });
    assert.equal(clip, undefined);
    assert.deepEqual(await recordings(), []);
  });

  it('a silent recording is refused by prepareAudio and deleted', async () => {
    const silent = path.join(dir, 'silence.wav');
    await fs.writeFile(silent, wavBytes({ sampleRate: 16000, channels: [new Float32Array(16000)], encoding: 'int16' }));
    const stop = new AbortController();
    const options = { ...base(false, stop, 'copy'), recorderCommand: `cp ${shellQuote(silent)} \${output}` };
    await assert.rejects(recordVoiceClip(options), (err: unknown) => err instanceof MediaError && err.code === 'silent');
    assert.deepEqual(await recordings(), []);
  });
});
