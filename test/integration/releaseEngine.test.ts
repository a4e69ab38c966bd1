import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { chooseReleaseEngine, findInstalledRelease, installReleaseEngine, LLAMA_CPP_RELEASE } from '../../engine/binary/releaseEngine';
import { BinaryNotFoundError, resolveServerBinary } from '../../engine/binary/resolveServerBinary';
import { CorruptModelFileError } from '../../engine/models';
import { FileServer } from '../support/fileServer';
import { tempDir } from '../support/files';
import { llamaServerScript } from '../support/processes';

const none = { nvidia: false, vulkan: false };

describe('llama.cpp release build: download, check, extract', function () {
  this.timeout(30_000);
  let server: FileServer;
  let work: string;
  let root: string;
  const release = `/repos/${LLAMA_CPP_RELEASE.repo}/releases/tags/${LLAMA_CPP_RELEASE.tag}`;

  /** Lays out a release with one Linux archive made from a folder holding build/bin/llama-server. */
  async function publish(options: { features?: string[]; format?: 'tar.gz' | 'zip'; digest?: (real: string) => string | undefined; body?: (real: Buffer) => Buffer; extraEntry?: string } = {}): Promise<string> {
    const format = options.format ?? 'tar.gz';
    const src = tempDir('src-', work);
    fs.mkdirSync(path.join(src, 'build', 'bin'), { recursive: true });
    fs.writeFileSync(path.join(src, 'build', 'bin', 'llama-server'), llamaServerScript(options.features ?? ['--mmproj FILE', '--spec-type draft-mtp'], '1 (release)'), { mode: 0o755 });
    fs.writeFileSync(path.join(src, 'build', 'bin', 'libllama.so'), 'lib');
    const name = `llama-${LLAMA_CPP_RELEASE.tag}-bin-ubuntu-x64.${format}`;
    const archive = path.join(work, name);
    if (format === 'tar.gz') await tar.c({ gzip: true, file: archive, cwd: src }, ['build']);
    else {
      const extra = options.extraEntry ? `z.writestr(${JSON.stringify(options.extraEntry)}, "x")\n` : '';
      execFileSync('python3', ['-c', `import zipfile,os\nz=zipfile.ZipFile(${JSON.stringify(archive)},"w")\nfor d,_,fs in os.walk("build"):\n  for f in fs: z.write(os.path.join(d,f))\n${extra}z.close()`], { cwd: src });
    }
    const real = fs.readFileSync(archive);
    const digest = createHash('sha256').update(real).digest('hex');
    server.serve(`/download/${name}`, options.body ? options.body(real) : real);
    const published = options.digest ? options.digest(digest) : `sha256:${digest}`;
    server.serveJson(release, { tag_name: LLAMA_CPP_RELEASE.tag, assets: [{ name, browser_download_url: `${server.url}/download/${name}`, size: real.length, ...(published ? { digest: published } : {}) }] });
    return name;
  }

  const choose = () => chooseReleaseEngine({ apiBase: server.url, platform: 'linux', arch: 'x64', gpu: none });

  beforeEach(async () => {
    server = await FileServer.start();
    work = tempDir('gemma-release-');
    root = path.join(work, 'global-storage');
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('installs the archive that matches its digest, runs it, and finds it next time', async () => {
    await publish();
    const choice = await choose();
    const seen: number[] = [];
    const binary = await installReleaseEngine(choice, { root, needs: { drafting: true, multimodal: true }, onProgress: (p) => seen.push(p.receivedBytes) });
    assert.equal(binary, path.join(root, 'llama-server', LLAMA_CPP_RELEASE.tag, 'cpu', 'build', 'bin', 'llama-server'));
    assert.ok(fs.existsSync(path.join(path.dirname(binary), 'libllama.so')), 'its libraries stay beside it');
    assert.ok(seen.length > 0 && seen.at(-1)! > 0, 'progress was reported');
    assert.equal(findInstalledRelease(root), binary);
    const resolved = await resolveServerBinary({ releaseRoot: root, envPath: '', cacheRoot: path.join(work, 'no-builds') });
    assert.deepEqual([resolved.source, resolved.path, resolved.version], ['downloaded', binary, '1 (release)']);
  });

  it('extracts a zip archive too, keeping the executable bit', async () => {
    await publish({ format: 'zip' });
    const binary = await installReleaseEngine(await choose(), { root, needs: { drafting: true, multimodal: true } });
    assert.ok((fs.statSync(binary).mode & 0o111) !== 0);
  });

  it('refuses a zip entry that would land outside its folder, and keeps nothing', async () => {
    await publish({ format: 'zip', extraEntry: '../../escaped.txt' });
    await assert.rejects(installReleaseEngine(await choose(), { root, needs: { drafting: false, multimodal: false } }), (err: unknown) => err instanceof CorruptModelFileError && /outside its folder|invalid relative path/.test(err.message));
    assert.equal(fs.existsSync(path.join(work, 'escaped.txt')), false);
    assert.equal(findInstalledRelease(root), undefined);
  });

  it('deletes a download whose digest does not match, so the next try fetches it again', async () => {
    const name = await publish({ digest: () => `sha256:${'0'.repeat(64)}` });
    await assert.rejects(installReleaseEngine(await choose(), { root, needs: { drafting: false, multimodal: false } }), (err: unknown) => err instanceof CorruptModelFileError && /SHA-256/.test(err.message));
    const downloads = path.join(root, 'llama-server', LLAMA_CPP_RELEASE.tag, 'downloads');
    assert.deepEqual(fs.existsSync(downloads) ? fs.readdirSync(downloads).filter((f) => f.startsWith(name)) : [], []);
    assert.equal(findInstalledRelease(root), undefined);
  });

  it('removes a truncated archive that cannot be extracted', async () => {
    await publish({ digest: () => undefined, body: (real) => real.subarray(0, Math.floor(real.length / 2)) });
    await assert.rejects(installReleaseEngine(await choose(), { root, needs: { drafting: false, multimodal: false } }), CorruptModelFileError);
    const downloads = path.join(root, 'llama-server', LLAMA_CPP_RELEASE.tag, 'downloads');
    assert.deepEqual(fs.readdirSync(downloads).filter((f) => !f.endsWith('.partial') && !f.endsWith('.json')), []);
  });

  it('removes a build that lacks what the model set needs, saying what', async () => {
    await publish({ features: ['--spec-type none'] });
    await assert.rejects(installReleaseEngine(await choose(), { root, needs: { drafting: true, multimodal: false } }), (err: unknown) => err instanceof BinaryNotFoundError && /removed again/.test(err.message) && /draft-mtp/.test(err.message));
    assert.equal(fs.existsSync(path.join(root, 'llama-server', LLAMA_CPP_RELEASE.tag, 'cpu')), false);
  });

  it('says when the release has nothing for this machine', async () => {
    await publish();
    await assert.rejects(chooseReleaseEngine({ apiBase: server.url, platform: 'linux', arch: 'arm64', gpu: none }), (err: unknown) => err instanceof BinaryNotFoundError && /no build for linux-arm64/.test(err.message));
  });
});
