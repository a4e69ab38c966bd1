import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeGgufFile } from '../../engine/gguf/ggufWriter';
import { gguf } from '../../engine/gguf/ggufTypes';
import {
  CorruptModelFileError,
  DiskFullError,
  DownloadCancelledError,
  DownloadHttpError,
  ModelNotFoundError,
  NoNetworkError,
  PermissionDeniedError,
  classifyFsError,
} from '../../engine/models/errors';
import { withDownloadLock } from '../../engine/models/downloadLock';
import { DownloadOptions, DownloadProgress, downloadFile, partialPath } from '../../engine/models/fileDownload';
import { FileServer, refusedPort } from '../support/fileServer';

/** A valid GGUF of about 1 MB: one F32 tensor with a recognizable pattern. */
async function makeGguf(dir: string, name: string, floats = 256 * 1024, seed = 1): Promise<Buffer> {
  const file = path.join(dir, name);
  await writeGgufFile(file, {
    metadata: [['general.architecture', gguf.str('gemma4')]],
    tensors: [
      {
        name: 'w',
        shape: [floats],
        data: () => Float32Array.from({ length: floats }, (_, i) => (i * seed) % 1000),
      },
    ],
  });
  return fs.readFileSync(file);
}

function errorWith<T extends Error>(type: new (...args: never[]) => T, pattern?: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

describe('models: resumable download', () => {
  let server: FileServer;
  let root: string;
  let model: Buffer;
  let dest: string;
  let n = 0;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'models-download-'));
    model = await makeGguf(root, 'source.gguf');
  });
  beforeEach(async () => {
    server = await FileServer.start();
    server.serve('/m.gguf', { body: model, etag: '"v1"' });
    dest = path.join(root, `out-${++n}`, 'model.gguf');
  });
  afterEach(async () => {
    await server.close();
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const options = (extra: Partial<DownloadOptions> = {}): DownloadOptions => ({
    url: `${server.url}/m.gguf`,
    destination: dest,
    retryDelayMs: 10,
    progressIntervalMs: 0,
    label: 'the test model',
    ...extra,
  });

  it('downloads a file and reports progress up to its size', async () => {
    const progress: DownloadProgress[] = [];
    await downloadFile(options({ onProgress: (p) => progress.push(p) }));
    assert.ok(fs.readFileSync(dest).equals(model));
    assert.ok(!fs.existsSync(partialPath(dest)));
    assert.ok(!fs.existsSync(`${dest}.partial.json`));
    const last = progress[progress.length - 1];
    assert.equal(last.receivedBytes, model.length);
    assert.equal(last.totalBytes, model.length);
    assert.ok(last.bytesPerSecond > 0);
    assert.ok(progress.every((p, i) => i === 0 || p.receivedBytes >= progress[i - 1].receivedBytes));
  });

  it('resumes after a dropped connection and fetches every byte only once', async () => {
    server.dropAfter('/m.gguf', 300_000);
    await downloadFile(options());
    assert.ok(fs.readFileSync(dest).equals(model));
    const requests = server.requestsFor('/m.gguf');
    assert.equal(requests.length, 2);
    assert.equal(requests[0].range, undefined);
    assert.equal(requests[1].range, 'bytes=300000-');
    assert.equal(requests[1].ifRange, '"v1"', 'the resumed range is guarded by the ETag');
    assert.equal(server.bytesSent('/m.gguf'), model.length);
  });

  it('gives up after its retries, keeps the part it has, and resumes on the next call', async () => {
    server.dropAfter('/m.gguf', 100_000, 2);
    await assert.rejects(
      downloadFile(options({ retries: 1 })),
      errorWith(NoNetworkError, /dropped after 200000 bytes.*Gave up after 2 attempts; 200000 bytes are kept/),
    );
    assert.equal(fs.statSync(partialPath(dest)).size, 200_000);
    assert.ok(!fs.existsSync(dest));

    await downloadFile(options());
    assert.ok(fs.readFileSync(dest).equals(model));
    assert.equal(server.requestsFor('/m.gguf')[2].range, 'bytes=200000-');
    assert.equal(server.bytesSent('/m.gguf'), model.length);
  });

  it('cancels through an AbortSignal, keeps the partial file, and resumes from it', async () => {
    server.bytesPerSecond = 400_000;
    const controller = new AbortController();
    await assert.rejects(
      downloadFile(
        options({
          signal: controller.signal,
          onProgress: (p) => {
            if (p.receivedBytes >= 100_000) controller.abort();
          },
        }),
      ),
      errorWith(DownloadCancelledError, /cancelled.*next attempt resumes/),
    );
    const kept = fs.statSync(partialPath(dest)).size;
    assert.ok(kept >= 100_000 && kept < model.length, `kept ${kept} bytes`);

    server.bytesPerSecond = undefined;
    await downloadFile(options());
    assert.ok(fs.readFileSync(dest).equals(model));
    assert.equal(server.requestsFor('/m.gguf')[1].range, `bytes=${kept}-`);
  });

  it('refuses to start when the signal has already fired', async () => {
    await assert.rejects(downloadFile(options({ signal: AbortSignal.abort() })), DownloadCancelledError);
    assert.equal(server.requests.length, 0);
  });

  it('starts over when the file changed on the server since the partial download', async () => {
    server.dropAfter('/m.gguf', 100_000);
    await assert.rejects(downloadFile(options({ retries: 0 })), NoNetworkError);
    const changed = await makeGguf(root, 'changed.gguf', 256 * 1024, 7);
    server.serve('/m.gguf', { body: changed, etag: '"v2"' });
    await downloadFile(options());
    assert.ok(fs.readFileSync(dest).equals(changed));
    const resumed = server.requestsFor('/m.gguf')[1];
    assert.equal(resumed.range, 'bytes=100000-');
    assert.equal(resumed.ifRange, '"v1"');
  });

  it('starts over when the server ignores the range', async () => {
    server.serve('/m.gguf', { body: model, ignoreRange: true });
    server.dropAfter('/m.gguf', 100_000);
    await downloadFile(options());
    assert.ok(fs.readFileSync(dest).equals(model));
  });

  it('finishes a complete partial file without asking the server again', async () => {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(partialPath(dest), model);
    fs.writeFileSync(`${dest}.partial.json`, JSON.stringify({ url: `${server.url}/m.gguf`, totalBytes: model.length }));
    await downloadFile(options());
    assert.ok(fs.readFileSync(dest).equals(model));
    assert.equal(server.requests.length, 0);
  });

  it('retries a server error and recovers', async () => {
    server.failNext('/m.gguf', 503);
    await downloadFile(options());
    assert.ok(fs.readFileSync(dest).equals(model));
    assert.equal(server.requestsFor('/m.gguf').length, 2);
  });

  it('reports a server that keeps failing as an HTTP error', async () => {
    server.failNext('/m.gguf', 503, 5);
    await assert.rejects(downloadFile(options({ retries: 1 })), (e: unknown) => e instanceof DownloadHttpError && e.status === 503);
  });

  it('reconnects when a connection goes silent', async () => {
    server.stallAfter('/m.gguf', 150_000);
    await downloadFile(options({ idleTimeoutMs: 300 }));
    assert.ok(fs.readFileSync(dest).equals(model));
    assert.equal(server.requestsFor('/m.gguf')[1].range, 'bytes=150000-');
  });

  it('turns a 404 into ModelNotFoundError', async () => {
    await assert.rejects(
      downloadFile(options({ url: `${server.url}/missing.gguf` })),
      errorWith(ModelNotFoundError, /The test model was not found at .*missing\.gguf \(HTTP 404\)/),
    );
    assert.ok(!fs.existsSync(partialPath(dest)));
  });

  it('turns a 403 into an HTTP error that mentions gated repositories', async () => {
    server.failNext('/m.gguf', 403);
    await assert.rejects(downloadFile(options()), errorWith(DownloadHttpError, /HF_TOKEN/));
  });

  it('reports a refused connection as no network, at once, with what to do', async () => {
    const port = await refusedPort();
    const started = Date.now();
    await assert.rejects(
      downloadFile(
        options({
          url: `http://127.0.0.1:${port}/m.gguf`,
          retryDelayMs: 5000,
          offlineHint: `Put the file at ${dest} or set the model setting to a local path.`,
        }),
      ),
      errorWith(NoNetworkError, /^No network: could not reach 127\.0\.0\.1:\d+ to download the test model \(the connection was refused\)\. Put the file at .*model\.gguf/),
    );
    assert.ok(Date.now() - started < 2000, 'no retries when nothing answers');
  });

  it('rejects a download that is not GGUF and deletes it', async () => {
    server.serve('/login.gguf', { body: Buffer.from('<!DOCTYPE html><html><body>Sign in</body></html>'), contentType: 'text/html' });
    await assert.rejects(
      downloadFile(options({ url: `${server.url}/login.gguf` })),
      errorWith(CorruptModelFileError, /not a usable GGUF model file: it does not start with "GGUF"\. It looks like a web page/),
    );
    assert.ok(!fs.existsSync(dest));
    assert.ok(!fs.existsSync(partialPath(dest)));
  });

  it('rejects a GGUF file that the server sent cut short', async () => {
    server.serve('/cut.gguf', model.subarray(0, model.length - 4096));
    await assert.rejects(downloadFile(options({ url: `${server.url}/cut.gguf` })), errorWith(CorruptModelFileError, /cut short/));
    assert.ok(!fs.existsSync(dest));
  });

  it('follows redirects to the storage host', async () => {
    server.serve('/resolve/m.gguf', { body: Buffer.alloc(0), redirectTo: '/m.gguf' });
    await downloadFile(options({ url: `${server.url}/resolve/m.gguf` }));
    assert.ok(fs.readFileSync(dest).equals(model));
  });

  it('names disk-full and permission errors for the user', () => {
    const full = classifyFsError(Object.assign(new Error('write'), { code: 'ENOSPC' }), '/m/x.partial', 'writing');
    assert.ok(full instanceof DiskFullError);
    assert.match(full.message, /disk is full while writing \/m\/x\.partial\. Free some space/);
    const denied = classifyFsError(Object.assign(new Error('open'), { code: 'EACCES' }), '/m', 'creating the folder');
    assert.ok(denied instanceof PermissionDeniedError);
    assert.match(denied.message, /Permission denied while creating the folder \/m\. Make the folder writable/);
    const other = new Error('other');
    assert.equal(classifyFsError(other, '/m', 'reading'), other);
  });

  it('reports a models folder that cannot be created', async () => {
    const blocker = path.join(root, 'not-a-folder');
    fs.writeFileSync(blocker, 'x');
    // A file where a folder should be fails the same way for root and for users.
    await assert.rejects(downloadFile(options({ destination: path.join(blocker, 'sub', 'm.gguf') })), /ENOTDIR|EEXIST/);
  });
});

describe('models: download lock', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'models-lock-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('runs one holder at a time, also within one process', async () => {
    const lock = path.join(root, 'a.lock');
    const events: string[] = [];
    let waited = 0;
    const job = (name: string) => async (): Promise<void> => {
      events.push(`${name} start`);
      await new Promise((r) => setTimeout(r, 50));
      events.push(`${name} end`);
    };
    await Promise.all([
      withDownloadLock(lock, job('first'), { pollMs: 10, onWait: () => waited++ }),
      withDownloadLock(lock, job('second'), { pollMs: 10, onWait: () => waited++ }),
    ]);
    // Either may win the race for the lock; what matters is that they never overlap.
    const [a, b] = [events[0].split(' ')[0], events[2].split(' ')[0]];
    assert.deepEqual(events, [`${a} start`, `${a} end`, `${b} start`, `${b} end`]);
    assert.notEqual(a, b);
    assert.equal(waited, 1);
    assert.ok(!fs.existsSync(lock));
  });

  it('takes over a lock whose process is gone', async () => {
    const lock = path.join(root, 'b.lock');
    fs.writeFileSync(lock, String(2 ** 30));
    assert.equal(await withDownloadLock(lock, async () => 'done', { pollMs: 10 }), 'done');
  });

  it('stops waiting when cancelled', async () => {
    const lock = path.join(root, 'c.lock');
    fs.writeFileSync(lock, String(process.pid));
    await assert.rejects(
      withDownloadLock(lock, async () => 'never', { pollMs: 10, signal: AbortSignal.timeout(50) }),
      DownloadCancelledError,
    );
    fs.rmSync(lock);
  });
});
