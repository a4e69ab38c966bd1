import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { chatFrame, screenshot } from './support/browser';
import { tinyEngineSettings } from './support/localEngine';
import { openChat, openWindow, waitForWorkbench } from './support/workbench';

const vsix = path.resolve(__dirname, '..', '..', 'gemma-agent.vsix');

/*
 * The installed extension starts the real llama-server on the synthetic Gemma 4 set and
 * streams its (random) reply into the chat view. Random weights: plumbing, not answers.
 */
describe('e2e: chat with the local engine (synthetic model)', function () {
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  /** Whether the reply was cut short with Stop (random weights rarely end on their own). */
  let stopped = false;

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    const { settings } = await tinyEngineSettings();
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    server = await startCodeServer({ vsix, workspace, settings });
    ({ browser, page } = await openWindow(server.url, workspace));
    await openChat(page);
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
  });

  it('shows the configured model, idle until the first message', async function () {
    const frame = chatFrame(page);
    await frame.locator('.engine-title').waitFor({ timeout: 60_000 });
    assert.match((await frame.locator('.engine-title').textContent()) ?? '', /Engine stopped · tiny-gemma4\.gguf/);
  });

  it('starts the engine on the first message and streams the reply', async function () {
    const frame = chatFrame(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill('Say hello');
    await input.press('Enter');
    await frame.locator('.engine-title', { hasText: 'Ready' }).waitFor({ timeout: 90_000 });
    assert.match((await frame.locator('.engine-detail').textContent()) ?? '', /images, voice, tools · MTP drafting/);
    // Random weights: the reply is text, a (cut-off) tool call card, or both.
    const reply = frame.locator('.message-assistant').first();
    await reply.waitFor({ timeout: 60_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-engine-reply');
      throw err;
    });
    // The reply shows while the engine still reads the prompt ("Reading the prompt: ..."); Stop
    // then would leave it empty. Wait for the first words (or a tool card) before stopping.
    await frame
      .locator('.message-assistant .message-text:not(:empty), .message-assistant .tool-card, .message-assistant .message-stopped')
      .first()
      .waitFor({ timeout: 60_000 });
    await screenshot(page, '11-engine-streaming');
    // Random weights rarely stop on their own: Stop must end the stream.
    const stop = frame.locator('button.composer-stop');
    if (await stop.isVisible()) {
      await stop.click();
      stopped = true;
    }
    await frame.locator('button.composer-send').waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await reply.textContent()) ?? '';
    assert.ok(text.trim().length > 0, 'the reply shows what the model produced');
    if (stopped) assert.equal(await reply.locator('.message-stopped').count(), 1, 'a stopped reply says so');
    await screenshot(page, '12-engine-stopped');
  });

  it('finds the conversation again after the window reloads', async function () {
    await page.reload();
    await waitForWorkbench(page);
    // The command, not the activity bar entry: clicking the entry of a view the reload already restored hides it.
    const frame = await openChat(page);
    await frame.locator('.message-user .message-text', { hasText: 'Say hello' }).waitFor({ timeout: 60_000 });
    // A reply stopped with Stop is kept as far as it got, and still says it was stopped.
    const reply = frame.locator('.message-assistant').first();
    await reply.waitFor({ timeout: 10_000 });
    const text = ((await reply.locator('.message-text').textContent()) ?? '').trim();
    assert.ok(text.length > 0 || (await reply.locator('.tool-card').count()) > 0, 'the reply (its text, or its tool card) came back');
    if (stopped) assert.equal(await reply.locator('.message-stopped').count(), 1, 'still marked as stopped');
    await screenshot(page, '13-after-reload');
  });
});
