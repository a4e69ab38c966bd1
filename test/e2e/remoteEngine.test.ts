import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { reply, startScriptedEngine, type ScriptedEngine } from '../support/scriptedEngine';
import { chatFrame, launchBrowser, runCommand, screenshot } from './support/browser';
import { shutDown } from './support/workbench';

const vsix = path.resolve(__dirname, '..', '..', 'gemma-agent.vsix');

/*
 * A team's serving engine stands in as a scripted OpenAI-compatible server: the extension
 * uses it instead of spawning llama-server, with the key from Secret Storage.
 */
describe('e2e: remote engine from settings', function () {
  let engine: ScriptedEngine;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    engine = await startScriptedEngine({
      apiKey: 'team-secret',
      props: { vision: true, audio: false },
      steps: [reply('Hello from the **team** engine.', { chunkSize: 4, delayMs: 20 })],
    });
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    server = await startCodeServer({ vsix, workspace, settings: { 'gemmaAgent.engine.remoteUrl': engine.url, 'gemmaAgent.chat.thinking': false } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    // The activity bar entry appears once the extension's contributions are registered.
    await page.locator('.activitybar [aria-label^="Gemma Agent"]').first().waitFor({ timeout: 60_000 });
  });

  after(async function () {
    await shutDown({ browser, server, engine });
  });

  it('stores the API key in Secret Storage through the command', async function () {
    await runCommand(page, 'Gemma Agent: Set Remote Engine API Key');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('team-secret');
    await input.press('Enter');
    await page.locator('.notifications-toasts', { hasText: 'remote API key saved' }).waitFor({ timeout: 20_000 });
  });

  it('streams the reply from the remote engine with the key and no local engine', async function () {
    await page.locator('.activitybar [aria-label^="Gemma Agent"]').first().click();
    const frame = chatFrame(page);
    const input = frame.locator('textarea.composer-input');
    await input.waitFor({ timeout: 60_000 });
    await input.fill('Hi team');
    await input.press('Enter');
    await frame.locator('.message-assistant', { hasText: 'team' }).waitFor({ timeout: 30_000 });
    await frame.locator('.engine-title', { hasText: 'Remote engine' }).waitFor({ timeout: 10_000 });
    assert.match((await frame.locator('.engine-detail').textContent()) ?? '', /images/);
    const chat = engine.requests.filter((r) => r.path.endsWith('/chat/completions'));
    assert.equal(chat.length, 1);
    assert.equal(chat[0].headers.authorization, 'Bearer team-secret');
    assert.equal(chat[0].body.model, '/models/gemma-4-12B-it-Q4_K_M.gguf', 'the request names the one model the server lists');
    const last = chat[0].body.messages.at(-1);
    assert.equal(last?.role, 'user');
    assert.deepEqual(last?.content, [{ type: 'text', text: 'Hi team' }]);
    assert.equal(chat[0].body.messages[0].role, 'system', 'the agent sends its system prompt');
    assert.ok((chat[0].body.tools ?? []).some((t) => t.function.name === 'read_file'), 'the agent offers its tools');
    await screenshot(page, '21-remote-engine');
  });
});
