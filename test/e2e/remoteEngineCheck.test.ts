import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { freePort } from '../support/processes';
import { reply, startScriptedEngine, type ScriptedEngine } from '../support/scriptedEngine';
import { screenshot } from './support/browser';
import { openChat, openWindow } from './support/workbench';

const vsix = path.resolve(__dirname, '..', '..', 'gemma-agent.vsix');

/*
 * Setting or changing the remote URL (or model) checks the server at once: the engine panel
 * shows it connected only when it answered as an OpenAI-compatible server that serves the
 * model, and otherwise says what is wrong (nothing answers, the key is refused, no such model).
 */
describe('e2e: the remote engine is checked when its settings change', function () {
  let vllm: ScriptedEngine;
  let guarded: ScriptedEngine;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let frame: FrameLocator;
  let nothing: string;
  let workspace: string;

  /**
   * Changes the folder's settings on disk, as editing .vscode/settings.json does (the folder is
   * trusted here, so its remote URL counts; the file watcher of the user settings is not
   * reliable in code-server).
   */
  function setSettings(values: Record<string, unknown>): void {
    const file = path.join(workspace, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const current = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
    fs.writeFileSync(file, JSON.stringify({ ...current, ...values }, null, 2));
  }

  async function panelShows(title: RegExp, detail: RegExp, name: string): Promise<void> {
    const panel = frame.locator('.engine-state');
    try {
      await panel.locator('.engine-title', { hasText: title }).waitFor({ timeout: 30_000 });
      await panel.locator('.engine-detail', { hasText: detail }).waitFor({ timeout: 5_000 });
    } catch (err) {
      await screenshot(page, `failed-${name}`);
      throw new Error(`${(err as Error).message}\npanel: ${await panel.textContent().catch(() => '?')}`, { cause: err });
    }
  }

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    vllm = await startScriptedEngine({ profile: 'vllm', props: { nCtx: 16384 }, steps: [reply('Hello from vLLM.')] });
    guarded = await startScriptedEngine({ profile: 'ollama', apiKey: 'proxy-key' });
    nothing = `http://127.0.0.1:${await freePort()}`;
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    server = await startCodeServer({ vsix, workspace, settings: { 'gemmaAgent.chat.thinking': false } });
    ({ browser, page } = await openWindow(server.url, workspace));
    frame = await openChat(page);
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
    await vllm?.close();
    await guarded?.close();
  });

  it('a URL where nothing answers is shown failed, with the reason', async function () {
    setSettings({ 'gemmaAgent.engine.remoteUrl': nothing });
    await panelShows(/Engine failed/, /Nothing answers at http:\/\/127\.0\.0\.1:\d+/, 'remote-nothing');
    await page.locator('.notifications-toasts', { hasText: 'Nothing answers' }).waitFor({ timeout: 10_000 });
    await screenshot(page, '22-remote-engine-unreachable');
  });

  it('a vLLM is connected, with the model it lists and the context it gives, and every request names that model', async function () {
    setSettings({ 'gemmaAgent.engine.remoteUrl': vllm.url });
    await panelShows(/Remote engine/, /google\/gemma-4-12b-it · Context 16384 tokens · text, tools/, 'remote-vllm');
    const input = frame.locator('textarea.composer-input');
    await input.fill('Hi vLLM');
    await input.press('Enter');
    await frame.locator('.message-assistant', { hasText: 'Hello from vLLM.' }).waitFor({ timeout: 30_000 });
    const chat = vllm.requests.filter((r) => r.path.endsWith('/chat/completions'));
    assert.equal(chat.length, 1);
    assert.equal(chat[0].body.model, 'google/gemma-4-12b-it');
    assert.ok(vllm.log.some((entry) => entry.path === '/v1/models'), 'the check asked for the model list');
  });

  it('without the tools capability the agent offers no tools', async function () {
    vllm.push(reply('No tools here.'));
    setSettings({ 'gemmaAgent.engine.remoteCapabilities': [] });
    await panelShows(/Remote engine/, /Context 16384 tokens · text$/, 'remote-no-tools');
    const input = frame.locator('textarea.composer-input');
    await input.fill('Answer without tools');
    await input.press('Enter');
    await frame.locator('.message-assistant', { hasText: 'No tools here.' }).waitFor({ timeout: 30_000 });
    const last = vllm.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1);
    assert.equal(last?.body.tools, undefined, 'no tools offered');
    setSettings({ 'gemmaAgent.engine.remoteCapabilities': ['tools'] });
    await panelShows(/Remote engine/, /text, tools/, 'remote-tools-again');
  });

  it('a server that stops answering is no longer shown connected', async function () {
    const gone = await startScriptedEngine({ profile: 'sglang' });
    setSettings({ 'gemmaAgent.engine.remoteUrl': gone.url });
    await panelShows(/Remote engine/, /google\/gemma-4-12b-it · Context 8192 tokens/, 'remote-sglang');
    await gone.close();
    const input = frame.locator('textarea.composer-input');
    await input.fill('Still there?');
    await input.press('Enter');
    await panelShows(/Engine failed/, /Nothing answers at http:\/\/127\.0\.0\.1:\d+/, 'remote-gone');
    await frame.locator('button', { hasText: 'Stop' }).click({ timeout: 5_000 }).catch(() => undefined);
    setSettings({ 'gemmaAgent.engine.remoteUrl': vllm.url });
    await panelShows(/Remote engine/, /google\/gemma-4-12b-it/, 'remote-vllm-again');
  });

  it('a model the server does not serve is named, with what it serves', async function () {
    setSettings({ 'gemmaAgent.engine.remoteModel': 'gemma-3-27b' });
    await panelShows(/Engine failed/, /serves no model named "gemma-3-27b"; it serves "google\/gemma-4-12b-it"\. Set "gemmaAgent\.engine\.remoteModel"/, 'remote-model');
  });

  it('a refused key says to set the key', async function () {
    setSettings({ 'gemmaAgent.engine.remoteUrl': guarded.url, 'gemmaAgent.engine.remoteModel': '' });
    await panelShows(/Engine failed/, /refused the API key \(HTTP 401\)\. Set the remote engine's key with "Gemma Agent: Set Remote Engine API Key"/, 'remote-key');
    await screenshot(page, '23-remote-engine-key-refused');
  });
});
