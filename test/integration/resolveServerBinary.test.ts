import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BinaryNotFoundError, resolveServerBinary } from '../../engine/binary/resolveServerBinary';
import { listGpuDevices } from '../../engine/binary/serverProbe';
import { tempDir } from '../support/files';
import { llamaServerScript } from '../support/processes';

/** A llama-server on PATH that offers only some features in its --help. */
function fakeServerOnPath(dir: string, help: string[]): string {
  const bin = path.join(dir, 'llama-server');
  fs.writeFileSync(bin, llamaServerScript(help), { mode: 0o755 });
  return bin;
}

describe('llama-server on PATH: used when it has what the model set needs', () => {
  let dir: string;
  let emptyCache: string;
  beforeEach(() => {
    dir = tempDir('gemma-path-');
    emptyCache = tempDir('gemma-nobuild-');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(emptyCache, { recursive: true, force: true });
  });
  const resolve = (needs: { drafting: boolean; multimodal: boolean }) => resolveServerBinary({ envPath: dir, cacheRoot: emptyCache, variant: 'cpu-native', needs });

  it('takes a server without MTP drafting when no drafter is set', async () => {
    const bin = fakeServerOnPath(dir, ['--mmproj FILE', '--spec-type [none|ngram-cache]']);
    const found = await resolve({ drafting: false, multimodal: true });
    assert.deepEqual(found, { path: bin, source: 'path', version: '9000 (fake)' });
  });

  it('refuses it when a drafter is set, naming what it lacks', async () => {
    fakeServerOnPath(dir, ['--mmproj FILE', '--spec-type [none|ngram-cache]']);
    await assert.rejects(resolve({ drafting: true, multimodal: true }), (err: unknown) => err instanceof BinaryNotFoundError && err.code === 'binary-too-old' && /draft-mtp/.test(err.message) && !/mmproj/.test(err.message));
  });

  it('refuses a server without multimodal input when a projector is set', async () => {
    fakeServerOnPath(dir, ['--spec-type [none|draft-mtp]']);
    await assert.rejects(resolve({ drafting: true, multimodal: true }), (err: unknown) => err instanceof BinaryNotFoundError && /--mmproj/.test(err.message) && !/draft-mtp"\)/.test(err.message));
    const textOnly = await resolve({ drafting: true, multimodal: false });
    assert.equal(textOnly.source, 'path');
  });

  it('prefers a binary shipped in the VSIX over PATH', async () => {
    fakeServerOnPath(dir, ['--mmproj FILE', 'draft-mtp']);
    const extensionRoot = tempDir('gemma-ext-');
    try {
      const shippedDir = path.join(extensionRoot, 'dist', 'bin', `${process.platform}-${process.arch}`);
      const shipped = fakeServerOnPath((fs.mkdirSync(shippedDir, { recursive: true }), shippedDir), ['draft-mtp']);
      const found = await resolveServerBinary({ envPath: dir, cacheRoot: emptyCache, variant: 'cpu-native', extensionRoot });
      assert.deepEqual([found.path, found.source], [shipped, 'shipped']);
    } finally {
      fs.rmSync(extensionRoot, { recursive: true, force: true });
    }
  });
});

describe('GPU memory as llama-server lists it', () => {
  it('asks the server, leaving the CPU out, and lists nothing when it does not run', async () => {
    const dir = tempDir('gemma-devices-');
    try {
      const bin = path.join(dir, 'llama-server');
      fs.writeFileSync(bin, `#!/bin/sh\nprintf 'Available devices:\\n  CPU: host (64000 MiB, 32000 MiB free)\\n  Metal: Apple M3 (12000 MiB, 11000 MiB free)\\n'\n`, { mode: 0o755 });
      assert.deepEqual((await listGpuDevices(bin)).map((d) => d.name), ['Metal']);
      assert.deepEqual(await listGpuDevices(path.join(dir, 'missing')), [], 'a server that does not run lists nothing');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
