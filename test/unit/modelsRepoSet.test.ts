import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelNotFoundError, pickModelSet, resolveModelSet, resolveRepoModelSet, setBytes, setUris, sidecarsBeside, type RepoFile } from '../../engine/models';
import { ensureTinyGemma4Set } from '../../scripts/testModels/tinyGemma4';
import { FileServer } from '../support/fileServer';

/** The file list of a repository laid out like the published Gemma 4 12B GGUF repositories. */
const listing: RepoFile[] = [
  { path: 'README.md', size: 9000 },
  { path: 'gemma-4-12b-it-Q4_K_M.gguf', size: 7_000_000_000 },
  { path: 'gemma-4-12b-it-Q8_0.gguf', size: 12_500_000_000 },
  { path: 'mmproj-BF16.gguf', size: 180_000_000 },
  { path: 'mmproj-F16.gguf', size: 175_000_000 },
  { path: 'mtp-gemma-4-12b-it.gguf', size: 465_000_000 },
];

describe('model set from one repository', () => {
  it('finds the quantization and, beside it, the F16 projector and the MTP drafter', () => {
    const set = pickModelSet('unsloth', 'gemma-4-12b-it-GGUF', listing, 'Q4_K_M');
    assert.deepEqual([set.model.path, set.projector?.path, set.drafter?.path], ['gemma-4-12b-it-Q4_K_M.gguf', 'mmproj-F16.gguf', 'mtp-gemma-4-12b-it.gguf']);
    assert.deepEqual(setUris(set), {
      model: 'hf:unsloth/gemma-4-12b-it-GGUF/gemma-4-12b-it-Q4_K_M.gguf',
      drafter: 'hf:unsloth/gemma-4-12b-it-GGUF/mtp-gemma-4-12b-it.gguf',
      projector: 'hf:unsloth/gemma-4-12b-it-GGUF/mmproj-F16.gguf',
    });
    assert.equal(setBytes(set), 7_640_000_000);
  });

  it('names the quantizations there are when the one asked for is missing', () => {
    assert.throws(() => pickModelSet('o', 'r', listing, 'Q5_K_M'), (err: unknown) => err instanceof ModelNotFoundError && /no Q5_K_M file \(it has gemma-4-12b-it-q4_k_m\.gguf, gemma-4-12b-it-q8_0\.gguf\)/.test(err.message));
  });

  it('leaves out a sidecar the repository lacks, and the total when a size is unknown', () => {
    const set = pickModelSet('o', 'r', [{ path: 'm-Q4_K_M.gguf' }], 'q4_k_m');
    assert.equal(set.drafter, undefined);
    assert.equal(set.projector, undefined);
    assert.equal(setBytes(set), undefined);
  });

  it('finds the drafter and projector beside a model file the user picked', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-pick-'));
    try {
      for (const name of ['gemma-4-12b-it-Q4_K_M.gguf', 'mmproj-BF16.gguf', 'mmproj-F16.gguf', 'mtp-gemma-4-12b-it.gguf', 'notes.txt']) fs.writeFileSync(path.join(dir, name), '');
      assert.deepEqual(await sidecarsBeside(path.join(dir, 'gemma-4-12b-it-Q4_K_M.gguf')), { drafter: path.join(dir, 'mtp-gemma-4-12b-it.gguf'), projector: path.join(dir, 'mmproj-F16.gguf') });
      fs.rmSync(path.join(dir, 'mtp-gemma-4-12b-it.gguf'));
      assert.deepEqual(await sidecarsBeside(path.join(dir, 'gemma-4-12b-it-Q4_K_M.gguf')), { drafter: undefined, projector: path.join(dir, 'mmproj-F16.gguf') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('against a loopback server that answers like the hub', () => {
    let hub: FileServer;
    let dir: string;
    let files: Record<string, Buffer>;
    before(async () => {
      // Real GGUF files (the synthetic set): downloads are checked to be models before they count.
      const tiny = await ensureTinyGemma4Set();
      files = { 'm-Q4_K_M.gguf': fs.readFileSync(tiny.model), 'mmproj-F16.gguf': fs.readFileSync(tiny.projector), 'mtp-m.gguf': fs.readFileSync(tiny.drafter) };
      hub = await FileServer.start();
      hub.serveJson('/api/models/o/r/tree/main', [
        { type: 'directory', path: 'docs' },
        ...Object.entries(files).map(([name, body]) => ({ type: 'file', path: name, size: 134, lfs: { size: body.length, oid: 'x' } })),
      ]);
      for (const [name, body] of Object.entries(files)) hub.serve(`/o/r/resolve/main/${name}`, body);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-set-'));
    });
    after(async () => {
      await hub.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('lists the repository with LFS sizes, then downloads all three files it named', async () => {
      const set = await resolveRepoModelSet('o', 'r', 'Q4_K_M', { endpoint: hub.url });
      assert.equal(setBytes(set), Object.values(files).reduce((n, b) => n + b.length, 0));
      const uris = setUris(set);
      const seen = new Map<string, number>();
      const local = await resolveModelSet(uris, { modelsDir: dir, endpoint: hub.url, onProgress: (role, p) => seen.set(role, p.receivedBytes) });
      assert.deepEqual(fs.readFileSync(local.model.path), files['m-Q4_K_M.gguf']);
      assert.deepEqual(fs.readFileSync(local.drafter!.path), files['mtp-m.gguf']);
      assert.deepEqual(fs.readFileSync(local.projector!.path), files['mmproj-F16.gguf']);
      assert.deepEqual(Object.fromEntries(seen), { model: files['m-Q4_K_M.gguf'].length, drafter: files['mtp-m.gguf'].length, projector: files['mmproj-F16.gguf'].length });
    });

    it('says a missing repository was not found', async () => {
      await assert.rejects(resolveRepoModelSet('o', 'nope', 'Q4_K_M', { endpoint: hub.url }), (err: unknown) => err instanceof ModelNotFoundError && /hf:o\/nope was not found/.test(err.message));
    });
  });
});
