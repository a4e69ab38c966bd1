import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { deleteStaleRecordings } from '../../extension/voice/core/recordVoiceClip';
import { RecorderError } from '../../extension/voice/core/recorderErrors';
import { planRecorder, which } from '../../extension/voice/core/recorderPrograms';
import { shellQuote, substituteOutput } from '../../extension/voice/core/shellQuote';
import { levelFromSamples, repairWavSizes } from '../../extension/voice/core/wavFile';
import { sine, wavBytes } from '../fixtures/media/synth';
import { rejectsWithCode } from '../support/asserts';
import { tempDir } from '../support/files';
import { fakePath, removeFakePaths } from '../support/processes';

const rejectsWith = rejectsWithCode(RecorderError);

after(removeFakePaths);

describe('voice: choosing the recorder program', () => {
  const output = '/tmp/rec dir/clip.wav';

  it('auto tries rec, sox, arecord, ffmpeg in that order', async () => {
    const all = await fakePath(['rec', 'sox', 'arecord', 'ffmpeg']);
    const plan = (env: NodeJS.ProcessEnv) => planRecorder({ setting: 'auto', output, maxSeconds: 30, env, platform: 'linux' });
    const rec = await plan({ PATH: all });
    assert.equal(rec.label, 'sox (rec)');
    assert.equal(rec.file, path.join(all, 'rec'));
    assert.deepEqual(rec.args.slice(0, 9), ['-q', '-c', '1', '-r', '16000', '-b', '16', '-e', 'signed-integer']);
    assert.ok(rec.args.includes(output), 'output passed as one argument, spaces and all');
    assert.equal(rec.shell, false);

    assert.equal((await plan({ PATH: await fakePath(['sox', 'arecord']) })).label, 'sox');
    const arecord = await plan({ PATH: await fakePath(['arecord', 'ffmpeg']) });
    assert.equal(arecord.label, 'arecord');
    assert.deepEqual(arecord.args.slice(0, 9), ['-q', '-f', 'S16_LE', '-r', '16000', '-c', '1', '-t', 'wav']);
    const ffmpeg = await plan({ PATH: await fakePath(['ffmpeg']), PULSE_SERVER: 'unix:/run/pulse' });
    assert.equal(ffmpeg.label, 'ffmpeg (pulse)');
    assert.deepEqual(ffmpeg.args.slice(ffmpeg.args.indexOf('-ac')), ['-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-y', output]);
    const alsa = await plan({ PATH: await fakePath(['ffmpeg']) });
    assert.equal(alsa.label, 'ffmpeg (alsa)');
  });

  it('tells the built-in programs a length limit of their own, so an orphan stops by itself', async () => {
    const dir = await fakePath(['rec', 'arecord', 'ffmpeg']);
    const rec = await planRecorder({ setting: 'sox', output, maxSeconds: 30, env: { PATH: dir }, platform: 'linux' });
    assert.deepEqual(rec.args.slice(-3), ['trim', '0', '35']);
    const arecord = await planRecorder({ setting: 'arecord', output, maxSeconds: 30, env: { PATH: dir }, platform: 'linux' });
    assert.equal(arecord.args[arecord.args.indexOf('-d') + 1], '35');
    const ffmpeg = await planRecorder({ setting: 'ffmpeg', output, maxSeconds: 12.5, env: { PATH: dir }, platform: 'linux' });
    assert.equal(ffmpeg.args[ffmpeg.args.indexOf('-t') + 1], '18');
  });

  it('with no recorder on PATH, names what to install for the platform and the recorderCommand way out', async () => {
    const empty = await fakePath([]);
    const linux = await rejectsWith(planRecorder({ setting: 'auto', output, maxSeconds: 30, env: { PATH: empty }, platform: 'linux' }), 'no-recorder');
    assert.match(linux.message, /rec\/sox, arecord, ffmpeg/);
    assert.match(linux.message, /sudo apt install sox/);
    assert.match(linux.message, /gemmaAgent\.voice\.recorderCommand/);
    await rejectsWith(planRecorder({ setting: 'auto', output, maxSeconds: 30, env: { PATH: empty }, platform: 'darwin' }), 'no-recorder', /brew install sox/);
    await rejectsWith(planRecorder({ setting: 'ffmpeg', output, maxSeconds: 30, env: { PATH: empty }, platform: 'linux' }), 'no-recorder', /ffmpeg \(gemmaAgent\.voice\.recorder\) was not found.*sudo apt install ffmpeg/);
    await rejectsWith(
      planRecorder({ setting: 'arecord', output, maxSeconds: 30, env: { PATH: await fakePath(['arecord']) }, platform: 'darwin' }),
      'no-recorder',
      /arecord .* only on Linux/,
    );
  });

  it('runs a custom recorderCommand through the shell with the output path quoted', async () => {
    const plan = await planRecorder({ setting: 'sox', customCommand: '  my-rec --rate 16000 -o ${output} ', output, maxSeconds: 30, env: { PATH: '' }, platform: 'linux' });
    assert.deepEqual(plan, { label: 'recorderCommand', file: `my-rec --rate 16000 -o '/tmp/rec dir/clip.wav'`, args: [], shell: true });
    assert.equal(substituteOutput('rec "${output}"', output, 'linux'), `rec '/tmp/rec dir/clip.wav'`);
    assert.equal(substituteOutput(`rec '\${output}' && cp \${output} x`, "/a/it's.wav", 'linux'), `rec '/a/it'\\''s.wav' && cp '/a/it'\\''s.wav' x`);
    assert.equal(substituteOutput('rec.exe "${output}"', 'C:\\Users\\A B\\v.wav', 'win32'), 'rec.exe "C:\\Users\\A B\\v.wav"');
    assert.equal(shellQuote('/plain/path-1.wav', 'linux'), '/plain/path-1.wav');
  });

  it('refuses a recorderCommand without ${output}', async () => {
    await rejectsWith(planRecorder({ setting: 'auto', customCommand: 'rec out.wav', output, maxSeconds: 30, platform: 'linux' }), 'invalid-command', /\$\{output\}/);
  });

  it('finds programs on PATH like the shell does', async () => {
    const dir = await fakePath(['tool']);
    await fs.writeFile(path.join(dir, 'notexec'), 'x', { mode: 0o644 });
    assert.equal(await which('tool', { PATH: `/nonexistent:${dir}` }, 'linux'), path.join(dir, 'tool'));
    assert.equal(await which('notexec', { PATH: dir }, 'linux'), undefined);
  });
});

describe('voice: WAV files on disk', () => {
  it('fills in the sizes a killed recorder left as placeholders', async () => {
    const dir = tempDir('voice-wav-');
    const file = path.join(dir, 'killed.wav');
    const samples = sine(0.5, 16000, 440, 0.5);
    await fs.writeFile(file, wavBytes({ sampleRate: 16000, channels: [samples], encoding: 'int16', dataSize: 0xffffffff, riffSize: 0xffffffff }));
    await repairWavSizes(file);
    const bytes = await fs.readFile(file);
    assert.equal(bytes.readUInt32LE(4), bytes.length - 8);
    assert.equal(bytes.readUInt32LE(40), 8000 * 2);
    // A correct file with a chunk after the data is left alone.
    const trailer = Buffer.concat([Buffer.from('LIST'), Buffer.from([4, 0, 0, 0]), Buffer.from('INFO')]);
    const good = wavBytes({ sampleRate: 16000, channels: [samples], encoding: 'int16', trailer });
    await fs.writeFile(file, good);
    await repairWavSizes(file);
    assert.deepEqual(await fs.readFile(file), good);
    await fs.rm(dir, { recursive: true });
  });

  it('maps loudness to a meter reading: silence 0, full scale 1, speech in between', () => {
    assert.equal(levelFromSamples(new Float32Array(100)), 0);
    assert.ok(Math.abs(levelFromSamples(new Float32Array(100).fill(1)) - 1) < 1e-9);
    const speechLike = levelFromSamples(sine(0.1, 16000, 300, 0.1));
    assert.ok(speechLike > 0.5 && speechLike < 0.8, String(speechLike));
  });

  it('deletes old recordings left by closed windows, and nothing else', async () => {
    const dir = tempDir('voice-stale-');
    const old = path.join(dir, 'voice-old.wav');
    const fresh = path.join(dir, 'voice-new.wav');
    const other = path.join(dir, 'notes.txt');
    for (const f of [old, fresh, other]) await fs.writeFile(f, 'x');
    const hourAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await fs.utimes(old, hourAgo, hourAgo);
    await fs.utimes(other, hourAgo, hourAgo);
    assert.equal(await deleteStaleRecordings(dir), 1);
    assert.deepEqual((await fs.readdir(dir)).sort(), ['notes.txt', 'voice-new.wav']);
    await fs.rm(dir, { recursive: true });
  });
});
