import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chatFrame, launchBrowser, runCommand, screenshot } from './support/browser';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';

const vsix = path.resolve(__dirname, '..', '..', 'gemma-agent.vsix');

describe('e2e: the packaged extension in code-server', function () {
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    fs.writeFileSync(path.join(workspace, 'hello.ts'), 'export function hello(name: string) {\n  return `Hello, ${name}`;\n}\n');
    server = await startCodeServer({ vsix, workspace });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
  });

  it('loads the workbench with the Gemma Agent activity bar entry', async function () {
    const entry = page.locator('.activitybar [aria-label^="Gemma Agent"]').first();
    await entry.waitFor({ state: 'visible', timeout: 60_000 });
    await screenshot(page, '01-workbench');
  });

  it('opens the chat view and renders its webview with first-run guidance', async function () {
    await page.locator('.activitybar [aria-label^="Gemma Agent"]').first().click();
    const frame = chatFrame(page);
    await frame.locator('.engine-title').waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await frame.locator('.engine-title').textContent(), 'No model configured');
    assert.match((await frame.locator('.engine-detail').textContent()) ?? '', /Gemma 4 12B Q4_K_M with its MTP drafter and projector from hf:unsloth\/gemma-4-12b-it-GGUF, about 7\.6 GB/);
    assert.equal(await frame.locator('button', { hasText: 'Download recommended model' }).count(), 1);
    assert.ok(await frame.locator('textarea.composer-input').isVisible());
    await screenshot(page, '02-chat-first-run');
  });

  it('round-trips a message between the webview and the extension host', async function () {
    const frame = chatFrame(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill('Hello there');
    await input.press('Enter');
    await frame.locator('.message-user .message-text', { hasText: 'Hello there' }).waitFor({ timeout: 20_000 });
    // The host answers: no engine is configured, so it says so instead of hanging.
    const error = frame.locator('.message-error .message-text').first();
    await error.waitFor({ timeout: 20_000 });
    assert.match((await error.textContent()) ?? '', /No model is configured/);
    assert.equal(await input.inputValue(), '');
    await screenshot(page, '03-chat-message');
  });

  it('runs a command from the palette: Show Engine Log reports activation time', async function () {
    await runCommand(page, 'Gemma Agent: Show Engine Log');
    const line = page.locator('.output-view .view-line', { hasText: 'Gemma Agent activated in' }).first();
    await line.waitFor({ timeout: 30_000 });
    const text = (await line.textContent()) ?? '';
    const ms = Number(/activated\s+in\s+([\d.]+)\s*ms/.exec(text)?.[1]);
    assert.ok(Number.isFinite(ms), `no activation time in: ${text}`);
    console.log(`      activation time: ${ms} ms`);
    await screenshot(page, '04-engine-log');
  });
});
