import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeGgufFile } from '../../engine/gguf/ggufWriter';
import { gguf } from '../../engine/gguf/ggufTypes';
import {
  CorruptModelFileError,
  InvalidModelSpecError,
  ModelNotFoundError,
  NoNetworkError,
  UnsupportedModelFileError,
} from '../../engine/models/errors';
import { DownloadProgress } from '../../engine/models/fileDownload';
import { hubEndpoint } from '../../engine/models/hubClient';
import { ModelRole } from '../../engine/models/modelRole';
import { cachedFilePath, describeSource, parseModelSource } from '../../engine/models/modelSource';
import { plannedModelPath, resolveModelFile, resolveModelSet } from '../../engine/models/resolveModelFile';
import { FileServer, refusedPort } from '../support/fileServer';

const HOME = path.join(os.tmpdir(), 'home-of-test');

describe('models: model locations', () => {
  it('parses every supported form', () => {
    assert.deepEqual(parseModelSource('/models/gemma.gguf'), { kind: 'path', path: '/models/gemma.gguf' });
    assert.deepEqual(parseModelSource('  ~/models/gemma.gguf ', HOME), { kind: 'path', path: path.join(HOME, 'models/gemma.gguf') });
    assert.deepEqual(parseModelSource('file:///models/a%20b.gguf'), { kind: 'path', path: '/models/a b.gguf' });
    assert.deepEqual(parseModelSource('hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M'), {
      kind: 'hf-quant',
      owner: 'giladgd',
      repo: 'gemma-4-12B-it-GGUF',
      tag: 'Q4_K_M',
    });
    assert.deepEqual(parseModelSource('hf:giladgd/gemma-4-12B-it-GGUF:q8_0'), {
      kind: 'hf-quant',
      owner: 'giladgd',
      repo: 'gemma-4-12B-it-GGUF',
      tag: 'Q8_0',
    });
    assert.deepEqual(parseModelSource('hf:giladgd/gemma-4-12B-it-GGUF'), {
      kind: 'hf-quant',
      owner: 'giladgd',
      repo: 'gemma-4-12B-it-GGUF',
      tag: 'latest',
    });
    assert.deepEqual(parseModelSource('hf:giladgd/gemma-4-12B-it-GGUF/mmproj/mmproj-F16.gguf'), {
      kind: 'hf-file',
      owner: 'giladgd',
      repo: 'gemma-4-12B-it-GGUF',
      file: 'mmproj/mmproj-F16.gguf',
      revision: 'main',
    });
    assert.deepEqual(parseModelSource('huggingface:o/r/x.gguf#v2'), {
      kind: 'hf-file',
      owner: 'o',
      repo: 'r',
      file: 'x.gguf',
      revision: 'v2',
    });
    assert.deepEqual(parseModelSource('https://example.com/files/m.gguf?download=1'), {
      kind: 'url',
      url: 'https://example.com/files/m.gguf?download=1',
    });
  });

  it('explains what it cannot use', () => {
    const cases: [string, RegExp][] = [
      ['', /it is empty/],
      ['models/gemma.gguf', /a relative path is ambiguous/],
      ['ftp://example.com/m.gguf', /"ftp:" is not a supported scheme/],
      ['hf:gemma', /needs owner\/repo/],
      ['hf:o/r/readme.md', /must be a \.gguf file/],
      ['hf:o/r/../secret.gguf', /not a plain path/],
      ['hf:o/r:Q4:K', /more than one ":QUANT"/],
      ['hf:o/r#dev', /#revision needs a file path/],
    ];
    for (const [spec, why] of cases) {
      assert.throws(
        () => parseModelSource(spec),
        (e: unknown) => e instanceof InvalidModelSpecError && why.test(e.message) && /hf:owner\/repo:QUANT/.test(e.message),
        spec,
      );
    }
  });

  it('places downloads at names that depend only on the setting', () => {
    const dir = '/store/models';
    assert.equal(
      cachedFilePath({ kind: 'hf-quant', owner: 'giladgd', repo: 'gemma-4-12B-it-GGUF', tag: 'Q4_K_M' }, dir),
      '/store/models/huggingface/giladgd/gemma-4-12B-it-GGUF/gemma-4-12B-it-Q4_K_M.gguf',
    );
    assert.equal(
      cachedFilePath({ kind: 'hf-quant', owner: 'o', repo: 'r', tag: 'latest' }, dir),
      '/store/models/huggingface/o/r/r.gguf',
    );
    assert.equal(
      cachedFilePath({ kind: 'hf-file', owner: 'o', repo: 'r', file: 'sub/x.gguf', revision: 'v2' }, dir),
      '/store/models/huggingface/o/r@v2/sub/x.gguf',
    );
    const a = cachedFilePath({ kind: 'url', url: 'https://a.example/x/model.gguf' }, dir);
    const b = cachedFilePath({ kind: 'url', url: 'https://a.example/y/model.gguf' }, dir);
    assert.match(a, /^\/store\/models\/downloads\/a\.example\/[0-9a-f]{10}-model\.gguf$/);
    assert.notEqual(a, b);
    assert.equal(plannedModelPath('~/m.gguf', dir, HOME), path.join(HOME, 'm.gguf'));
    assert.equal(describeSource(parseModelSource('hf:o/r:q4_k_m')), 'hf:o/r:Q4_K_M');
  });

  it('takes the hub endpoint from the option, then HF_ENDPOINT', () => {
    assert.equal(hubEndpoint({ env: {} }), 'https://huggingface.co');
    assert.equal(hubEndpoint({ env: { HF_ENDPOINT: 'http://mirror.local/' } }), 'http://mirror.local');
    assert.equal(hubEndpoint({ endpoint: 'http://127.0.0.1:9', env: { HF_ENDPOINT: 'http://mirror.local' } }), 'http://127.0.0.1:9');
  });
});

describe('models: resolving settings to files', () => {
  let root: string;
  let modelsDir: string;
  let hub: FileServer;
  let model: Buffer;
  let drafter: Buffer;
  let localModel: string;
  const repoPath = '/giladgd/gemma-4-12B-it-GGUF';

  async function gguf1(name: string, arch: string): Promise<Buffer> {
    const file = path.join(root, name);
    await writeGgufFile(file, {
      metadata: [['general.architecture', gguf.str(arch)]],
      tensors: [{ name: 't', shape: [4096], data: () => new Float32Array(4096).fill(arch.length) }],
    });
    return fs.readFileSync(file);
  }

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'models-resolve-'));
    model = await gguf1('model.gguf', 'gemma4');
    drafter = await gguf1('drafter.gguf', 'gemma4-assistant');
    localModel = path.join(root, 'model.gguf');
  });
  beforeEach(async () => {
    modelsDir = fs.mkdtempSync(path.join(root, 'store-'));
    hub = await FileServer.start();
    hub.serveJson(`/v2${repoPath}/manifests/Q4_K_M`, { ggufFile: { rfilename: 'gemma-4-12B-it-Q4_K_M.gguf', size: model.length } });
    hub.serve(`${repoPath}/resolve/main/gemma-4-12B-it-Q4_K_M.gguf`, model);
    hub.serve(`${repoPath}/resolve/main/drafter/gemma-4-12B-it-assistant.gguf`, drafter);
  });
  afterEach(async () => {
    await hub.close();
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('uses a local file as it is, with ~ expanded', async () => {
    const r = await resolveModelFile(localModel, { modelsDir });
    assert.deepEqual(r, { path: localModel, source: { kind: 'path', path: localModel }, downloaded: false });
    const viaHome = await resolveModelFile('~/model.gguf', { modelsDir, homeDir: root });
    assert.equal(viaHome.path, localModel);
  });

  it('says which file of the set is missing or not GGUF, with its role in the facts', async () => {
    const missing = path.join(root, 'nope.gguf');
    await assert.rejects(
      resolveModelFile(missing, { modelsDir, role: 'drafter' }),
      (e: unknown) => e instanceof ModelNotFoundError && /There is no MTP drafter file at .*nope\.gguf\.$/.test(e.message) && e.facts.role === 'drafter' && e.facts.path === missing,
    );
    const text = path.join(root, 'notes.txt');
    fs.writeFileSync(text, 'not a model');
    await assert.rejects(
      resolveModelFile(text, { modelsDir }),
      (e: unknown) => e instanceof CorruptModelFileError && /is not a GGUF file .*the model must be a \.gguf file/.test(e.message) && e.facts.role === 'model',
    );
  });

  it('downloads hf:owner/repo:QUANT through the manifest, then reuses it without the network', async () => {
    const progress: DownloadProgress[] = [];
    const first = await resolveModelFile('hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M', {
      modelsDir,
      endpoint: hub.url,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(first.downloaded, true);
    assert.equal(first.path, plannedModelPath('hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M', modelsDir));
    assert.ok(fs.readFileSync(first.path).equals(model));
    assert.equal(progress[progress.length - 1].receivedBytes, model.length);
    const manifest = hub.requestsFor(`/v2${repoPath}/manifests/Q4_K_M`);
    assert.equal(manifest.length, 1);
    assert.equal(manifest[0].userAgent, 'llama-cpp');

    const offline = `http://127.0.0.1:${await refusedPort()}`;
    const again = await resolveModelFile('hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M', { modelsDir, endpoint: offline });
    assert.deepEqual(again, { ...first, downloaded: false });
  });

  it('downloads hf:owner/repo/file.gguf from HF_ENDPOINT', async () => {
    const r = await resolveModelFile('hf:giladgd/gemma-4-12B-it-GGUF/drafter/gemma-4-12B-it-assistant.gguf', {
      modelsDir,
      env: { HF_ENDPOINT: hub.url },
    });
    assert.ok(fs.readFileSync(r.path).equals(drafter));
    assert.ok(r.path.endsWith(path.join('gemma-4-12B-it-GGUF', 'drafter', 'gemma-4-12B-it-assistant.gguf')));
  });

  it('downloads a plain URL', async () => {
    const r = await resolveModelFile(`${hub.url}${repoPath}/resolve/main/gemma-4-12B-it-Q4_K_M.gguf`, { modelsDir });
    assert.equal(r.source.kind, 'url');
    assert.ok(fs.readFileSync(r.path).equals(model));
  });

  it('sends the hub token to the hub only, not to the host it redirects to', async () => {
    const storage = await FileServer.start();
    try {
      storage.serve('/blob', model);
      hub.serve(`${repoPath}/resolve/main/redirected.gguf`, { body: Buffer.alloc(0), redirectTo: `${storage.url}/blob` });
      await resolveModelFile('hf:giladgd/gemma-4-12B-it-GGUF/redirected.gguf', { modelsDir, endpoint: hub.url, token: 'secret' });
      assert.equal(hub.requestsFor(`${repoPath}/resolve/main/redirected.gguf`)[0].authorization, 'Bearer secret');
      assert.equal(storage.requestsFor('/blob')[0].authorization, undefined);
    } finally {
      await storage.close();
    }
  });

  it('reports an unknown quantization as not found', async () => {
    await assert.rejects(
      resolveModelFile('hf:giladgd/gemma-4-12B-it-GGUF:Q3_K_S', { modelsDir, endpoint: hub.url }),
      (e: unknown) =>
        e instanceof ModelNotFoundError && /hf:giladgd\/gemma-4-12B-it-GGUF:Q3_K_S was not found on 127\.0\.0\.1.*no Q3_K_S file/.test(e.message),
    );
  });

  it('refuses a model split into parts', async () => {
    hub.serveJson(`/v2${repoPath}/manifests/F16`, { ggufFile: { rfilename: 'gemma-F16-00001-of-00002.gguf' } });
    await assert.rejects(
      resolveModelFile('hf:giladgd/gemma-4-12B-it-GGUF:F16', { modelsDir, endpoint: hub.url }),
      (e: unknown) => e instanceof UnsupportedModelFileError && /llama-gguf-split --merge/.test(e.message),
    );
  });

  it('tells where to put the file when the hub cannot be reached', async () => {
    const offline = `http://127.0.0.1:${await refusedPort()}`;
    const planned = plannedModelPath('hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M', modelsDir);
    await assert.rejects(
      resolveModelFile('hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M', { modelsDir, endpoint: offline }),
      (e: unknown) =>
        e instanceof NoNetworkError &&
        e.message.startsWith('No network: could not reach 127.0.0.1') &&
        e.message.includes(`Put the file at ${planned}, or use a local path for the model.`) &&
        e.facts.role === 'model' &&
        e.facts.host === new URL(offline).host,
    );
  });

  it('replaces a damaged file in the models folder', async () => {
    const planned = plannedModelPath('hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M', modelsDir);
    fs.mkdirSync(path.dirname(planned), { recursive: true });
    fs.writeFileSync(planned, 'garbage');
    const r = await resolveModelFile('hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M', { modelsDir, endpoint: hub.url });
    assert.equal(r.downloaded, true);
    assert.ok(fs.readFileSync(planned).equals(model));
  });

  it('downloads once when the same file is asked for twice at the same time', async () => {
    const spec = 'hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M';
    const [a, b] = await Promise.all([
      resolveModelFile(spec, { modelsDir, endpoint: hub.url }),
      resolveModelFile(spec, { modelsDir, endpoint: hub.url }),
    ]);
    assert.equal(a.path, b.path);
    assert.deepEqual([a.downloaded, b.downloaded].sort(), [false, true]);
    assert.equal(hub.requestsFor(`${repoPath}/resolve/main/gemma-4-12B-it-Q4_K_M.gguf`).length, 1);
    assert.ok(fs.readFileSync(a.path).equals(model));
    assert.ok(!fs.existsSync(`${a.path}.lock`));
  });

  it('resolves a whole set and reports progress per file', async () => {
    const roles = new Set<ModelRole>();
    const set = await resolveModelSet(
      {
        model: 'hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M',
        drafter: 'hf:giladgd/gemma-4-12B-it-GGUF/drafter/gemma-4-12B-it-assistant.gguf',
        projector: localModel,
      },
      { modelsDir, endpoint: hub.url, onProgress: (role, _p: DownloadProgress) => roles.add(role) },
    );
    assert.ok(fs.readFileSync(set.model.path).equals(model));
    assert.ok(fs.readFileSync(set.drafter?.path ?? '').equals(drafter));
    assert.equal(set.projector?.path, localModel);
    assert.deepEqual([...roles].sort(), ['drafter', 'model']);
  });
});
