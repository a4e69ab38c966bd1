import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import * as tar from 'tar';
import { findBuiltServer } from '../../engine/binary/llamaServerBuild';
import { LLAMA_CPP_RELEASE } from '../../engine/binary/releaseEngine';
import { ensureTinyGemma4Set } from '../../scripts/testModels/tinyGemma4';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { FileServer } from '../support/fileServer';
import { screenshot } from './support/browser';
import { openChat, openWindow } from './support/workbench';

const REPO = '/unsloth/gemma-4-12b-it-GGUF';
const RELEASE = `/repos/${LLAMA_CPP_RELEASE.repo}/releases/tags/${LLAMA_CPP_RELEASE.tag}`;

/*
 * The first run as a new user has it: a clean code-server (fresh user data and extensions,
 * no model settings, a PATH with no llama-server, cmake or compiler, no node_modules in
 * reach) installs the linux-x64 VSIX. "Download recommended model" finds the three files in
 * a repository listing on a loopback server that answers like the hub (the synthetic set
 * under the real file names), downloads them with progress, and the first reply streams from
 * the llama-server the VSIX brought, with MTP drafting and image input available.
 */
firstRun('linux-x64', 'gemma-agent-linux-x64.vsix', 'shipped');
firstRun('universal', 'gemma-agent.vsix', 'downloaded');

/**
 * The universal VSIX carries no engine: after the models it offers the llama.cpp release
 * build for this machine, from a loopback server laid out like the release (its metadata
 * with a sha256 digest, and a tar.gz of a llama-server folder built from the bundled source).
 */
async function publishRelease(hub: FileServer): Promise<void> {
  const server = findBuiltServer('cpu-portable') ?? findBuiltServer('cpu-native');
  if (!server) assert.fail('No llama-server build to publish: run "npm run engine:build" first');
  const name = `llama-${LLAMA_CPP_RELEASE.tag}-bin-ubuntu-x64.tar.gz`;
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-release-'));
  try {
    const bin = path.join(stage, 'build', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    for (const f of fs.readdirSync(path.dirname(server))) fs.copyFileSync(path.join(path.dirname(server), f), path.join(bin, f));
    const archive = path.join(stage, name);
    await tar.c({ gzip: true, file: archive, cwd: stage }, ['build']);
    const body = fs.readFileSync(archive);
    hub.serve(`/release-assets/${name}`, body);
    hub.serveJson(RELEASE, {
      tag_name: LLAMA_CPP_RELEASE.tag,
      assets: [{ name, size: body.length, digest: `sha256:${createHash('sha256').update(body).digest('hex')}`, browser_download_url: `${hub.url}/release-assets/${name}` }],
    });
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

function firstRun(kind: string, vsixName: string, engineSource: 'shipped' | 'downloaded'): void {
  describe(`e2e: first run from the ${kind} VSIX`, function () {
    const vsix = path.resolve(__dirname, '..', '..', vsixName);
    let hub: FileServer;
    let server: RunningCodeServer;
    let browser: Browser;
    let page: Page;
    let bare: string;

    before(async function () {
      if (!fs.existsSync(vsix)) assert.fail(`${vsix} is missing: run "npm run package" on Linux x64 first`);
      const tiny = await ensureTinyGemma4Set();
      hub = await FileServer.start();
      const files: Record<string, string> = { 'gemma-4-12b-it-Q4_K_M.gguf': tiny.model, 'mtp-gemma-4-12b-it.gguf': tiny.drafter, 'mmproj-F16.gguf': tiny.projector };
      hub.serveJson(`/api/models${REPO}/tree/main`, [
        { type: 'file', path: 'README.md', size: 10 },
        ...Object.entries(files).map(([name, file]) => ({ type: 'file', path: name, size: 135, lfs: { size: fs.statSync(file).size } })),
      ]);
      for (const [name, file] of Object.entries(files)) hub.serve(`${REPO}/resolve/main/${name}`, fs.readFileSync(file));
      hub.serve(`${REPO}/resolve/main/README.md`, Buffer.from('# test'));
      // Slow enough that the progress can be seen, fast enough for a test (the set is about 2 MB).
      hub.bytesPerSecond = 1_000_000;
      if (engineSource === 'downloaded') await publishRelease(hub);

      // A PATH as bare as a laptop without developer tools: only a shell.
      bare = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-bare-path-'));
      fs.symlinkSync('/bin/sh', path.join(bare, 'sh'));
      const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
      server = await startCodeServer({
        vsix,
        workspace,
        settings: { 'gemmaAgent.engine.contextSize': 8192, 'gemmaAgent.chat.thinking': false },
        env: { PATH: bare, HF_ENDPOINT: hub.url, GEMMA_AGENT_RELEASES_API: hub.url, GEMMA_AGENT_CACHE: path.join(bare, 'cache'), GEMMA_AGENT_BUILD_CACHE: path.join(bare, 'builds') },
      });
      ({ browser, page } = await openWindow(server.url, workspace));
    });

    after(async function () {
      await browser?.close();
      await server?.stop();
      await hub?.close();
      if (bare) fs.rmSync(bare, { recursive: true, force: true });
    });

    it(`offers the recommended set, downloads all three files with progress, and answers from the ${engineSource} engine`, async function () {
      const frame = await openChat(page);
      await frame.locator('.engine-title', { hasText: 'No model configured' }).waitFor({ timeout: 30_000 });
      await screenshot(page, `80-first-run-${kind}-guidance`);
      const clickedAt = Date.now();
      await frame.locator('.engine-actions button', { hasText: 'Download recommended model' }).click();

      const dialog = page.locator('.monaco-dialog-box', { hasText: 'Download Gemma 4 12B' });
      await dialog.waitFor({ timeout: 30_000 });
      const question = (await dialog.textContent()) ?? '';
      assert.match(question, /gemma-4-12b-it-Q4_K_M\.gguf \(0\.0 GB\), its MTP drafter \(0\.0 GB\) for faster replies, its projector \(0\.0 GB\) for screenshots and voice/);
      await screenshot(page, `81-first-run-${kind}-download-question`);
      await dialog.locator('.monaco-button', { hasText: 'Download' }).click();

      await frame.locator('.engine-detail', { hasText: 'Downloading the model set' }).waitFor({ timeout: 30_000 });
      await screenshot(page, `82-first-run-${kind}-downloading`);
      if (engineSource === 'downloaded') {
        const offer = page.locator('.monaco-dialog-box', { hasText: 'Download the official llama.cpp' });
        await offer.waitFor({ timeout: 60_000 });
        assert.match((await offer.textContent()) ?? '', /No llama-server found.*\(CPU, \d+ MB\)/);
        await screenshot(page, '84-first-run-engine-offer');
        await offer.locator('.monaco-button', { hasText: 'Download' }).first().click();
        await frame.locator('.engine-detail', { hasText: 'Downloading llama-server' }).waitFor({ timeout: 30_000 });
      }
      await frame.locator('.engine-title', { hasText: 'Ready' }).waitFor({ timeout: 120_000 }).catch(async (err: Error) => {
        await screenshot(page, `failed-first-run-${kind}-ready`);
        throw err;
      });
      const detail = (await frame.locator('.engine-detail').textContent()) ?? '';
      assert.match(detail, /images, voice, tools · MTP drafting/, 'the drafter and projector came with the model');
      for (const name of ['gemma-4-12b-it-Q4_K_M.gguf', 'mtp-gemma-4-12b-it.gguf', 'mmproj-F16.gguf']) {
        assert.ok(hub.requests.some((r) => r.path === `${REPO}/resolve/main/${name}`), `${name} was downloaded`);
      }

      const input = frame.locator('textarea.composer-input');
      await input.fill('Say hello');
      await input.press('Enter');
      const reply = frame.locator('.message-assistant .message-text').first();
      await reply.waitFor({ timeout: 60_000 });
      await frame.locator('.message-assistant .message-text:not(:empty)').first().waitFor({ timeout: 60_000 });
      const firstTokenMs = Date.now() - clickedAt;
      const stop = frame.locator('button.composer-stop');
      if (await stop.isVisible()) await stop.click();
      await frame.locator('button.composer-send').waitFor({ state: 'visible', timeout: 30_000 });
      await screenshot(page, `83-first-run-${kind}-first-reply`);
      console.log(`      first run (${kind} VSIX): click to first token ${(firstTokenMs / 1000).toFixed(1)} s (synthetic set, loopback hub, includes two dialogs)`);

      const log = logOf(server.userDataDir);
      if (engineSource === 'shipped') assert.match(log, /llama-server .* \(shipped\): .*dist\/bin\/linux-x64\/llama-server/, 'the engine is the one in the VSIX');
      else assert.match(log, /llama-server .* \(downloaded\): .*llama-server\/v0\.5\.0\/cpu\/build\/bin\/llama-server/, 'the engine is the downloaded release build');
      assert.match(log, /\[llama-server\] /, "llama-server's own output is in the log at info level");
    });
  });
}

/** The extension's output channel as code-server wrote it to its logs folder. */
function logOf(userDataDir: string): string {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/Gemma Agent\.log$/.test(entry.name)) found.push(fs.readFileSync(full, 'utf8'));
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return found.join('\n');
}
