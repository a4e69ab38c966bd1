import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { MediaError, prepareAudio, prepareImage, type PreparedAudio, type PreparedImage } from '../../engine/media';
import { findMediaWorker, MediaWorkerClient, mediaWorker, WORKER_BUNDLE } from '../../engine/media/offThread';
import { prepareAudioInThread } from '../../engine/media/prepareAudio';
import { prepareImageInThread } from '../../engine/media/prepareImage';
import type { PlainImage } from '../../engine/media/workerProtocol';
import { gifBytes, jpegBytes, pngBytes, raster, wavBytes, withExifOrientation } from '../fixtures/media/synth';
import { syllabicTone } from '../support/audioSignals';

const ROOT = path.resolve(__dirname, '..', '..');

function photo(width: number, height: number) {
  let seed = 5;
  return raster(width, height, (x, y) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const n = ((seed >>> 24) & 15) - 8;
    return [100 + 80 * Math.sin(x / 40) + n, 50 + y / 8 + n, 90 + x / 9 + n, 255];
  });
}

function sameImage(a: PreparedImage, b: PreparedImage): void {
  const fields = (p: PreparedImage) => [p.mime, p.width, p.height, p.originalWidth, p.originalHeight, p.sourceFormat, p.tokens, p.resized];
  assert.deepEqual(fields(a), fields(b));
  assert.ok(Buffer.isBuffer(a.data) && a.data.equals(b.data), 'the same bytes');
  assert.equal(a.dataUrl(), b.dataUrl());
}

function sameAudio(a: PreparedAudio, b: PreparedAudio): void {
  const { wav: wavA, ...restA } = a;
  const { wav: wavB, ...restB } = b;
  assert.deepEqual(restA, restB);
  assert.ok(Buffer.isBuffer(wavA) && wavA.equals(wavB));
}

/** The error the in-thread path gives, and the one through the worker, must be the same. */
async function sameError(viaWorker: Promise<unknown>, inThread: Promise<unknown>): Promise<Error> {
  const caught = async (p: Promise<unknown>) => p.then(() => assert.fail('expected a rejection'), (err: unknown) => err as Error);
  const [a, b] = await Promise.all([caught(viaWorker), caught(inThread)]);
  assert.equal(a.constructor, b.constructor);
  assert.equal(a.message, b.message);
  if (b instanceof MediaError) assert.equal((a as MediaError).code, b.code);
  return a;
}

describe('media: preparation runs in a worker thread', () => {
  it('from source, through tsx, when running under it', () => {
    assert.equal(mediaWorker()?.entry.kind, 'source');
  });

  it('gives exactly what the in-thread path gives', async () => {
    const inputs: [string, Buffer][] = [
      ['a PNG screenshot to shrink', pngBytes(raster(1280, 720, (x, y) => (x % 64 === 0 || y % 64 === 0 ? [20, 20, 20, 255] : [230, 40, 40, 255])))],
      ['a small PNG sent as it is', pngBytes(raster(40, 30, () => [1, 2, 3, 255]))],
      ['a PNG with transparency', pngBytes(raster(40, 30, (x) => (x < 20 ? [0, 0, 0, 0] : [0, 0, 0, 128])))],
      ['a JPEG photo, decoded at half size', jpegBytes(photo(1000, 750))],
      ['a JPEG taken sideways', withExifOrientation(jpegBytes(photo(900, 600)), 6)],
      ['a GIF', gifBytes(16, 8, [0, 0xff0000], [{ indexes: (x) => x & 1 }])],
    ];
    for (const [what, bytes] of inputs) {
      const before = Buffer.from(bytes);
      sameImage(await prepareImage(bytes, { maxTokens: 100 }), await prepareImageInThread(bytes, { maxTokens: 100 }));
      assert.ok(bytes.equals(before), `${what}: the caller's buffer is left as it was`);
    }
    const wav = wavBytes({ sampleRate: 44100, encoding: 'int16', channels: [syllabicTone(1.5, 44100, 440, 0.5)] });
    sameAudio(await prepareAudio(wav), await prepareAudioInThread(wav));
  });

  it('reads files in the worker', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'media-worker-'));
    try {
      const file = path.join(dir, 'shot.jpg');
      await fs.writeFile(file, jpegBytes(photo(800, 600)));
      sameImage(await prepareImage({ path: file }), await prepareImageInThread({ path: file }));
      await sameError(prepareImage({ path: path.join(dir, 'missing.png') }), prepareImageInThread({ path: path.join(dir, 'missing.png') }));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('bad input still fails with the clear MediaError, code and message intact', async () => {
    const jpg = jpegBytes(photo(400, 300));
    const damaged = Buffer.from(jpg);
    for (let i = Math.floor(damaged.length / 2); i < damaged.length - 2; i += 7) damaged[i] = 0xff;
    const cases: Buffer[] = [jpg.subarray(0, jpg.length / 2), damaged, pngBytes(photo(200, 100)).subarray(0, 300), Buffer.from('not an image'), Buffer.alloc(0)];
    for (const bytes of cases) {
      const err = await sameError(prepareImage(bytes), prepareImageInThread(bytes));
      assert.ok(err instanceof MediaError);
    }
    const corrupt = await sameError(prepareImage(damaged), prepareImageInThread(damaged));
    assert.equal((corrupt as MediaError).code, 'corrupt');
    assert.match(corrupt.message, /JPEG image could not be decoded/);
    await sameError(prepareImage(jpg, { maxTokens: -1 }), prepareImageInThread(jpg, { maxTokens: -1 }));
    const silent = wavBytes({ sampleRate: 16000, encoding: 'int16', channels: [new Float32Array(32000)] });
    await sameError(prepareAudio(silent), prepareAudioInThread(silent));
  });

  it('leaves the calling thread free while it works', async () => {
    const big = pngBytes(photo(1600, 1000));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await prepareImage(big);
    } finally {
      clearInterval(timer);
    }
    // In-thread, decoding this PNG is one long synchronous stretch: no tick could run.
    assert.ok(ticks >= 2, `only ${ticks} timer ticks ran while the image was prepared`);
  });

  it('fails the jobs of a stopped worker and starts a new one for the next', async () => {
    const entry = findMediaWorker(path.join(ROOT, 'engine', 'media'));
    assert.ok(entry);
    const client = new MediaWorkerClient(entry, 50);
    const job = { kind: 'image' as const, input: pngBytes(photo(1200, 800)), options: {} };
    const outcome = client.run(job).then(
      () => undefined,
      (err: Error) => err,
    );
    await client.close();
    assert.match(String(await outcome), /stopped/);
    const done = (await client.run({ ...job, input: pngBytes(photo(300, 200)) })) as PlainImage;
    assert.equal(done.sourceFormat, 'png');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(client.running, false, 'an idle worker is stopped');
  });
});

describe('media: the bundled worker', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'media-worker-bundle-'));
    // As scripts/build.mjs builds it for the VSIX: minified, with names kept (a minified
    // MediaError would reach the host as an error named "e", and lose its code).
    await esbuild.build({ entryPoints: { mediaWorker: path.join(ROOT, 'engine/media/mediaWorker.ts') }, outdir: dir, bundle: true, minify: true, keepNames: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('is found beside the running bundle and works without tsx', async () => {
    const entry = findMediaWorker(dir);
    assert.deepEqual(entry, { kind: 'bundle', file: path.join(dir, WORKER_BUNDLE) });
    const client = new MediaWorkerClient(entry);
    try {
      const bytes = withExifOrientation(jpegBytes(photo(1000, 700)), 8);
      const out = (await client.run({ kind: 'image', input: new Uint8Array(bytes), options: {} })) as PlainImage;
      const expected = await prepareImageInThread(bytes);
      assert.deepEqual([out.width, out.height, out.tokens], [expected.width, expected.height, expected.tokens]);
      assert.ok(Buffer.from(out.data).equals(expected.data));
      const webp = await fs.readFile(path.join(ROOT, 'test/fixtures/media/halves-lossy.webp'));
      assert.equal(((await client.run({ kind: 'image', input: new Uint8Array(webp), options: {} })) as PlainImage).sourceFormat, 'webp');
      await assert.rejects(client.run({ kind: 'image', input: new Uint8Array(bytes.subarray(0, 2000)), options: {} }), (err: unknown) => err instanceof MediaError && err.code === 'corrupt');
    } finally {
      await client.close();
    }
  });

  it('is built by scripts/build.mjs and shipped in the VSIX', async () => {
    const build = await fs.readFile(path.join(ROOT, 'scripts/build.mjs'), 'utf8');
    assert.ok(build.includes("mediaWorker: 'engine/media/mediaWorker.ts'"), 'scripts/build.mjs bundles the worker');
    assert.match(build, /keepNames: true/, 'the production bundles keep class names, which errors carry');
    const ignore = (await fs.readFile(path.join(ROOT, '.vscodeignore'), 'utf8')).split('\n');
    assert.ok(ignore.includes(`!dist/${WORKER_BUNDLE}`), '.vscodeignore lets dist/mediaWorker.js into the VSIX');
  });
});
