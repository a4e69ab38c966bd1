import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import type { ChatMessage, ContentPart } from '../../engine/protocol/messages';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { chatFrame, screenshot } from './support/browser';
import { openChat, openWindow, runExactCommand, shutDown, waitForFileContent, waitForWorkbench } from './support/workbench';

const vsix = process.env.GEMMA_AGENT_VSIX ?? path.resolve(__dirname, '..', '..', 'gemma-agent.vsix');

const mathJs = ['// Arithmetic helpers.', '', 'function add(a, b) {', '  return a - b;', '}', '', 'module.exports = { add };', ''].join('\n');
const fixedMathJs = mathJs.replace('return a - b;', 'return a + b;');
const testJs = ["const assert = require('node:assert');", "const { add } = require('./math');", '', 'assert.strictEqual(add(2, 3), 5);', "console.log('ok');", ''].join('\n');

/** A reply long enough (about 25 s at this pace) that Stop always lands in the middle of it. */
const longReply = `${Array.from({ length: 60 }, (_, i) => `Point ${i + 1} of the explanation.`).join(' ')} THE END`;

/*
 * The chat view driving the agent in the packaged extension, with the scripted engine as a
 * remote engine: tool cards that wait for approval, a diff in the editor, Deny, Stop, a
 * pasted screenshot, the conversation after a reload, and undoing a whole run.
 */
describe('e2e: agent chat (tool cards, approvals, media)', function () {
  let engine: ScriptedEngine;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;
  let frame: FrameLocator;
  /** The stopped reply as shown when Stop took effect. */
  let stoppedText = '';

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    engine = await startScriptedEngine({ props: { vision: true, audio: true } });
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    fs.writeFileSync(path.join(workspace, 'math.js'), mathJs);
    fs.writeFileSync(path.join(workspace, 'test.js'), testJs);
    fs.mkdirSync(path.join(workspace, 'build'));
    fs.writeFileSync(path.join(workspace, 'build', 'keep.txt'), 'built output the agent must not delete\n');
    server = await startCodeServer({
      vsix,
      workspace,
      settings: {
        'gemmaAgent.engine.remoteUrl': engine.url,
        'gemmaAgent.chat.thinking': false,
        'workbench.editor.enablePreview': false,
        'editor.minimap.enabled': false,
      },
    });
    ({ browser, page } = await openWindow(server.url, workspace));
    frame = await openChat(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-agent-chat-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
  });

  after(async function () {
    await shutDown({ browser, server, engine });
  });

  /** Sends a message from the composer; resolves with the index its first engine request will have. */
  async function send(text: string): Promise<number> {
    const index = engine.requests.length;
    const input = frame.locator('textarea.composer-input');
    await input.fill(text);
    await input.press('Enter');
    await frame.locator('.message-user .message-text', { hasText: text }).waitFor({ timeout: 20_000 });
    return index;
  }

  /** The assistant turn that answered the user message `userText`. */
  function replyTo(userText: string) {
    return frame.locator('.message-user', { hasText: userText }).locator('xpath=following-sibling::article[contains(@class, "message-assistant")][1]');
  }

  async function waitIdle(): Promise<void> {
    await frame.locator('button.composer-send').waitFor({ state: 'visible', timeout: 30_000 });
  }

  it('shows an edit as a card with its diff, opens the diff editor, and applies it on Approve', async function () {
    engine.push(
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', search: '  return a - b;', replace: '  return a + b;' } }),
      reply('Fixed.', { chunkSize: 2, delayMs: 20 }),
    );
    const first = await send('fix add');
    const turn = replyTo('fix add');
    const card = turn.locator('.tool-card');
    await turn.locator('.tool-card[data-state="pending-approval"]').waitFor({ timeout: 30_000 });
    assert.equal(await card.getAttribute('data-category'), 'edit');
    assert.equal(await card.locator('.tool-title').textContent(), 'Edit math.js');
    assert.equal(await card.locator('.tool-state').textContent(), 'Waiting for approval');
    assert.deepEqual(await card.locator('.diff-line.diff-del').allTextContents(), ['-  return a - b;\n']);
    assert.deepEqual(await card.locator('.diff-line.diff-add').allTextContents(), ['+  return a + b;\n']);
    // Nothing is written while the card waits.
    assert.equal(fs.readFileSync(path.join(workspace, 'math.js'), 'utf8'), mathJs);
    await screenshot(page, '50-agent-edit-pending');

    await card.locator('button.tool-view-diff').click();
    const tab = page.locator('.tabs-container .tab', { hasText: 'math.js: proposed change' });
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.part.editor .monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.part.editor .monaco-diff-editor .view-line', { hasText: 'return a + b;' }).first().waitFor({ timeout: 30_000 });
    await screenshot(page, '51-agent-view-diff');
    await runExactCommand(page, 'View: Close All Editors');
    await tab.waitFor({ state: 'detached', timeout: 10_000 });

    await card.locator('button.tool-approve').click();
    assert.equal(await waitForFileContent(path.join(workspace, 'math.js'), fixedMathJs), fixedMathJs);
    await turn.locator('.message-text', { hasText: 'Fixed.' }).waitFor({ timeout: 30_000 });
    await turn.locator('.tool-card[data-state="done"], .tool-card[data-state="failed"]').waitFor({ timeout: 30_000 });
    assert.equal(await card.getAttribute('data-state'), 'done', `the edit failed: ${await card.locator('.tool-result').textContent()}`);
    assert.equal(await card.locator('.tool-state').textContent(), 'Done');
    assert.equal(await card.locator('button.tool-approve').count(), 0, 'the decision buttons are gone');
    await waitIdle();
    await screenshot(page, '52-agent-edit-approved');

    // A finished card still shows what it changed, under the file's name.
    await card.locator('button.tool-view-diff').click();
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    await runExactCommand(page, 'View: Close All Editors');
    await tab.waitFor({ state: 'detached', timeout: 10_000 });

    // The model saw the edit's result before it answered.
    const afterTool = (await engine.waitForRequest(first + 1)).body.messages;
    const toolMessage = afterTool.find((m): m is Extract<ChatMessage, { role: 'tool' }> => m.role === 'tool');
    assert.ok(toolMessage, 'the second request carries the tool result');
    assert.match(textOf(toolMessage.content), /math\.js/);
    assert.doesNotMatch(textOf(toolMessage.content), /denied/);
  });

  // Straight after the approved edit: Undo reverts the last run, and any later run replaces it.
  it('undoes the last run with "Gemma Agent: Undo Last Agent Run"', async function () {
    await runExactCommand(page, 'Gemma Agent: Undo Last Agent Run');
    await page.locator('.notifications-toasts .notification-toast', { hasText: /restored 1 file\(s\)/ }).waitFor({ timeout: 30_000 });
    assert.equal(await waitForFileContent(path.join(workspace, 'math.js'), mathJs), mathJs);
    await screenshot(page, '53-agent-undo-run');
  });

  it('does not run a denied command and tells the model the user denied it', async function () {
    engine.push(toolCallReply({ name: 'run_command', arguments: { command: 'rm -rf build' } }), reply('Understood, I left the build folder alone.'));
    const first = await send('clean the build');
    const turn = replyTo('clean the build');
    const card = turn.locator('.tool-card');
    await turn.locator('.tool-card[data-state="pending-approval"]').waitFor({ timeout: 30_000 });
    assert.equal(await card.getAttribute('data-category'), 'command');
    assert.equal((await card.locator('.tool-command').textContent())?.trim(), '$ rm -rf build');
    assert.equal(await card.locator('button.tool-view-diff').count(), 0, 'a command has no diff');
    await screenshot(page, '54-agent-command-pending');

    await card.locator('button.tool-deny').click();
    await turn.locator('.tool-card[data-state="denied"]').waitFor({ timeout: 30_000 });
    assert.equal(await card.locator('.tool-state').textContent(), 'Denied');
    await turn.locator('.message-text', { hasText: 'left the build folder alone' }).waitFor({ timeout: 30_000 });
    await waitIdle();

    const next = (await engine.waitForRequest(first + 1)).body.messages;
    const toolMessage = next.filter((m): m is Extract<ChatMessage, { role: 'tool' }> => m.role === 'tool').at(-1);
    assert.ok(toolMessage, 'the request after the denial carries a tool message');
    assert.match(textOf(toolMessage.content), /The user denied/);
    assert.match(textOf(toolMessage.content), /not performed/);
    assert.ok(fs.existsSync(path.join(workspace, 'build', 'keep.txt')), 'the command did not run');
    // The card keeps its outcome closed; opening it shows why.
    await card.locator('button.tool-toggle').click();
    await card.locator('.tool-result', { hasText: 'the user denied it' }).waitFor({ timeout: 10_000 });
    await screenshot(page, '55-agent-command-denied');
  });

  it('stops a long reply: busy ends at once, the partial text stays, the engine sees the request closed', async function () {
    engine.push(reply(longReply, { chunkSize: 4, delayMs: 40 }));
    const index = await send('explain everything');
    const request = await engine.waitForRequest(index);
    const turn = replyTo('explain everything');
    await turn.locator('.message-text', { hasText: 'Point 3 of' }).waitFor({ timeout: 30_000 });
    assert.ok(await turn.evaluate((el) => el.classList.contains('streaming')), 'the reply is still streaming');
    await screenshot(page, '56-agent-streaming');

    const stopped = Date.now();
    await frame.locator('button.composer-stop').click();
    await waitIdle();
    const busyFor = Date.now() - stopped;
    assert.ok(busyFor < 10_000, `busy ended ${busyFor} ms after Stop`);
    await Promise.race([request.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the engine request stayed open after Stop')), 10_000))]);
    assert.equal(request.abortedByClient, true, 'the client closed the connection before the reply was complete');

    const text = (await turn.locator('.message-text').textContent()) ?? '';
    stoppedText = text;
    assert.match(text, /Point 1 of the explanation\./);
    assert.doesNotMatch(text, /THE END/);
    assert.ok(!(await turn.evaluate((el) => el.classList.contains('streaming'))), 'the partial reply is finished, not left streaming');
    assert.equal(await frame.locator('.message-error').count(), 0, 'a stop is not an error');
    await screenshot(page, '57-agent-stopped');
  });

  it('attaches a pasted PNG with its token cost and sends it as an image_url part', async function () {
    const png = checkerPng(160, 96);
    await frame.locator('textarea.composer-input').evaluate((input, base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'checker.png', { type: 'image/png' }));
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
    }, png.toString('base64'));
    const chip = frame.locator('.composer-area .attachments .attachment-image');
    await chip.waitFor({ timeout: 30_000 });
    assert.equal(await chip.locator('.attachment-label').textContent(), 'checker.png');
    // The chip shows a small JPEG thumbnail; the model gets the PNG (checked below).
    assert.match((await chip.locator('img.attachment-thumbnail').getAttribute('src')) ?? '', /^data:image\/jpeg;base64,/);
    assert.match((await chip.locator('.attachment-meta').textContent()) ?? '', /^\d+ tokens$/);
    assert.equal(await chip.getAttribute('title'), '160x96');
    await screenshot(page, '58-agent-pasted-image');

    engine.push(reply('A black and white checkerboard.'));
    const index = await send('what is this');
    const request = await engine.waitForRequest(index);
    const user = request.body.messages.at(-1);
    assert.equal(user?.role, 'user');
    const parts = Array.isArray(user?.content) ? user.content : [];
    assert.deepEqual(parts[0], { type: 'text', text: 'what is this' });
    const image = parts.find((p): p is Extract<ContentPart, { type: 'image_url' }> => p.type === 'image_url');
    assert.ok(image, 'the request has an image_url part');
    assert.match(image.image_url.url, /^data:image\/png;base64,/);
    const sent = PNG.sync.read(Buffer.from(image.image_url.url.slice(image.image_url.url.indexOf(',') + 1), 'base64'));
    assert.deepEqual([sent.width, sent.height], [160, 96]);

    await replyTo('what is this').locator('.message-text', { hasText: 'checkerboard' }).waitFor({ timeout: 30_000 });
    await frame.locator('.message-user', { hasText: 'what is this' }).locator('.message-attachments .attachment-image img').waitFor({ timeout: 10_000 });
    assert.equal(await frame.locator('.composer-area .attachments .attachment').count(), 0, 'the sent image left the composer');
    await waitIdle();
  });

  it('shows the same conversation, with the cards in their final states, after the window reloads', async function () {
    await page.reload();
    await waitForWorkbench(page);
    frame = await openChat(page);
    const fix = replyTo('fix add');
    await fix.locator('.tool-card[data-state="done"]').waitFor({ timeout: 60_000 });
    await fix.locator('.message-text', { hasText: 'Fixed.' }).waitFor();
    await replyTo('clean the build').locator('.tool-card[data-state="denied"]').waitFor();
    assert.equal(await replyTo('explain everything').locator('.message-text').textContent(), stoppedText, 'the stopped reply is kept as it was shown');
    await frame.locator('.message-user', { hasText: 'what is this' }).locator('.message-attachments .attachment-image img').waitFor();
    assert.deepEqual(await frame.locator('.message-user .message-text').allTextContents(), ['fix add', 'clean the build', 'explain everything', 'what is this']);
    assert.equal(await frame.locator('.tool-card[data-state="pending-approval"]').count(), 0);
    assert.ok(await chatFrame(page).locator('button.composer-send').isVisible(), 'nothing is running after the reload');
    await screenshot(page, '59-agent-after-reload');
  });
});

function textOf(content: string | ContentPart[] | null): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** A black-and-white checkerboard PNG, the kind of flat image a screenshot is. */
function checkerPng(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const on = (Math.floor(x / 16) + Math.floor(y / 16)) % 2 === 0;
      const i = (y * width + x) * 4;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = on ? 255 : 0;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
