import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { httpError, reply, stall, startScriptedEngine, type ScriptedEngine } from '../support/scriptedEngine';
import { launchBrowser, screenshot } from './support/browser';
import { shutDown } from './support/workbench';

const vsix = process.env.GEMMA_AGENT_VSIX ?? path.resolve(__dirname, '..', '..', 'gemma-agent.vsix');

const original = [
  '// Shopping cart helpers.',
  '',
  'function total(items) {',
  '  var sum = 0;',
  '  for (var i = 0; i < items.length; i++) {',
  '    sum += items[i].price;',
  '  }',
  '  return sum;',
  '}',
  '',
  'module.exports = { total };',
  '',
].join('\n');

/** The first rewrite changes two separate places: `var sum` and the return. */
const firstRewrite = [
  'function total(items) {',
  '  let sum = 0;',
  '  for (var i = 0; i < items.length; i++) {',
  '    sum += items[i].price;',
  '  }',
  '  return Math.round(sum * 100) / 100;',
  '}',
];
/** Accept the first hunk, reject the second. */
const afterFirst = original.replace('  var sum = 0;', '  let sum = 0;');

const loopRewrite = ['function total(items) {', '  let sum = 0;', '  for (const item of items) {', '    sum += item.price;', '  }', '  return sum;', '}'];
const refinedRewrite = ['function total(items) {', '  let sum = 0;', '  for (const item of items) {', '    sum += item.price ?? 0;', '  }', '  return sum;', '}'];
const afterRefined = afterFirst.replace(
  '  for (var i = 0; i < items.length; i++) {\n    sum += items[i].price;',
  '  for (const item of items) {\n    sum += item.price ?? 0;',
);

const fenced = (lines: string[]): string => `\`\`\`javascript\n${lines.join('\n')}\n\`\`\`\n`;

/*
 * Inline chat in the packaged extension: Ctrl+I on a selection, the scripted engine's
 * rewrite streamed in as a vertical diff, then per-hunk and whole-change Accept/Reject,
 * a follow-up, one-step undo and Escape.
 */
describe('e2e: inline chat (Ctrl+I)', function () {
  let engine: ScriptedEngine;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let file: string;

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    engine = await startScriptedEngine({
      steps: [
        reply(fenced(firstRewrite), { chunkSize: 12, delayMs: 120 }),
        reply(fenced(loopRewrite), { chunkSize: 16, delayMs: 10 }),
        reply(refinedRewrite.join('\n'), { chunkSize: 16, delayMs: 10 }),
        reply(fenced(['function total(items) {', '  return items.length;', '}']), { chunkSize: 16 }),
        stall({ text: '```javascript\nfunction total(items) {\n  const sum = items.reduce(\n', chunkSize: 8 }),
        httpError(500, 'model crashed while loading'),
        reply('```javascript\n```\n'),
        reply('Hello, World!\n'),
      ],
    });
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    fs.mkdirSync(path.join(workspace, 'src'));
    file = path.join(workspace, 'src', 'cart.js');
    fs.writeFileSync(file, original);
    server = await startCodeServer({
      vsix,
      workspace,
      settings: { 'gemmaAgent.engine.remoteUrl': engine.url, 'editor.minimap.enabled': false, 'workbench.editor.enablePreview': false },
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    await page.locator('.activitybar [aria-label^="Gemma Agent"]').first().waitFor({ timeout: 60_000 });

    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('cart.js');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'cart.js' }).first().waitFor();
    await input.press('Enter');
    await page.locator('.part.editor .view-line', { hasText: 'function total' }).waitFor({ timeout: 30_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-inline-chat-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
  });

  after(async function () {
    await shutDown({ browser, server, engine });
  });

  it('streams a rewrite of the selected function in as a diff with Accept/Reject on each hunk', async function () {
    await selectLines(page, 2, 8);
    await page.keyboard.press('Control+I');
    const prompt = page.locator('.quick-input-widget input');
    await prompt.waitFor({ state: 'visible' });
    await prompt.fill('Use let, and round the total to cents');
    await screenshot(page, '31-inline-chat-prompt');
    await prompt.press('Enter');

    // The "writing" lens lasts only while the reply streams, which can be shorter than one
    // poll on a fast run: either it or the finished review counts as the diff arriving.
    await lens(page, /Gemma is writing|^Accept All/).first().waitFor({ timeout: 30_000 });
    await screenshot(page, '32-inline-chat-streaming');
    await lens(page, /^Accept All/).waitFor({ timeout: 30_000 });
    await lens(page, /^Accept$/).nth(1).waitFor();
    await screenshot(page, '33-inline-chat-review');

    // Both versions are in the editor while the change is reviewed.
    const shown = await editorLines(page);
    assert.deepEqual(shown.slice(2, 11), [
      'function total(items) {',
      '  var sum = 0;',
      '  let sum = 0;',
      '  for (var i = 0; i < items.length; i++) {',
      '    sum += items[i].price;',
      '  }',
      '  return sum;',
      '  return Math.round(sum * 100) / 100;',
      '}',
    ]);
    assert.equal(await lens(page, /^Accept$/).count(), 2);
    assert.equal(await lens(page, /^Reject$/).count(), 2);

    const request = engine.requests[0].body;
    assert.equal(request.messages.length, 2);
    assert.match(request.messages[0].content as string, /ONLY the code/);
    const user = request.messages[1].content as string;
    assert.match(user, /File: src\/cart\.js \(language: javascript\)/);
    assert.match(user, /Marked lines 3-9, to be replaced:\n```javascript\nfunction total\(items\) \{\n {2}var sum = 0;/);
    assert.match(user, /Code before the marked lines \(lines 1-2\)/);
    assert.match(user, /Code after the marked lines \(lines 10-12\):\n```javascript\n\nmodule\.exports = \{ total \};/);
    assert.match(user, /Instruction: Use let, and round the total to cents/);
  });

  it('accepts one hunk and rejects the other, leaving exactly the chosen lines', async function () {
    await clickTopmost(page, lens(page, /^Accept$/));
    await page.waitForFunction(() => [...document.querySelectorAll('.codelens-decoration a')].filter((a) => a.textContent === 'Accept').length === 1);
    await screenshot(page, '34-inline-chat-one-accepted');
    await lens(page, /^Reject$/).first().click();
    await lens(page, /^Accept All/).waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal((await editorLines(page)).join('\n'), afterFirst);
    assert.equal(await saveAndRead(page, file, afterFirst), afterFirst);
  });

  it('refines a proposal with a follow-up, accepts all with Ctrl+Enter, and one Ctrl+Z restores the file', async function () {
    await selectLines(page, 2, 8);
    await page.keyboard.press('Control+I');
    let prompt = page.locator('.quick-input-widget input');
    await prompt.waitFor({ state: 'visible' });
    await prompt.fill('Use a for...of loop');
    await prompt.press('Enter');
    await lens(page, /^Accept All/).waitFor({ timeout: 30_000 });

    // A follow-up while the diff is shown refines the same change.
    await page.keyboard.press('Control+I');
    prompt = page.locator('.quick-input-widget input');
    await prompt.waitFor({ state: 'visible' });
    assert.match((await page.locator('.quick-input-title').textContent()) ?? '', /refine/);
    await prompt.fill('Treat a missing price as 0');
    await prompt.press('Enter');
    await (await engine.waitForRequest(2)).closed;
    await editorShows(page, '?? 0');
    await lens(page, /^Accept All/).waitFor({ timeout: 30_000 });
    await screenshot(page, '35-inline-chat-refined');

    const followUp = engine.requests[2].body.messages;
    assert.deepEqual(
      followUp.map((m) => m.role),
      ['system', 'user', 'assistant', 'user'],
    );
    assert.match(followUp[1].content as string, /Instruction: Use a for\.\.\.of loop/);
    assert.equal(followUp[2].content, loopRewrite.join('\n'));
    assert.match(followUp[3].content as string, /Treat a missing price as 0/);

    await page.keyboard.press('Control+Enter');
    await lens(page, /^Accept All/).waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal((await editorLines(page)).join('\n'), afterRefined);
    assert.equal(await saveAndRead(page, file, afterRefined), afterRefined);
    await screenshot(page, '36-inline-chat-accepted-all');

    await focusEditor(page);
    await page.keyboard.press('Control+Z');
    await editorShows(page, 'items[i].price');
    assert.equal((await editorLines(page)).join('\n'), afterFirst);
    assert.equal(await saveAndRead(page, file, afterFirst), afterFirst);
  });

  it('rejects the whole change with Escape, leaving the file unchanged', async function () {
    await selectLines(page, 2, 8);
    await page.keyboard.press('Control+I');
    const prompt = page.locator('.quick-input-widget input');
    await prompt.waitFor({ state: 'visible' });
    await prompt.fill('Count the items instead');
    await prompt.press('Enter');
    await lens(page, /^Accept All/).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    await lens(page, /^Accept All/).waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal((await editorLines(page)).join('\n'), afterFirst);
    assert.equal(await saveAndRead(page, file, afterFirst), afterFirst);
  });

  it('stops a running generation with Escape, leaving the file unchanged', async function () {
    await selectLines(page, 2, 8);
    await page.keyboard.press('Control+I');
    const prompt = page.locator('.quick-input-widget input');
    await prompt.waitFor({ state: 'visible' });
    await prompt.fill('Use reduce');
    await prompt.press('Enter');
    await lens(page, /Gemma is writing/).waitFor({ timeout: 30_000 });
    await editorShows(page, 'items.reduce(');
    await screenshot(page, '37-inline-chat-generating');
    await page.keyboard.press('Escape');
    await lens(page, /Gemma is writing/).waitFor({ state: 'detached', timeout: 10_000 });
    const request = engine.requests[4];
    await request.closed;
    assert.equal(request.abortedByClient, true);
    assert.equal((await editorLines(page)).join('\n'), afterFirst);
    assert.equal(await saveAndRead(page, file, afterFirst), afterFirst);
  });

  it('reports an engine error and an empty reply, leaving the file unchanged', async function () {
    const cases = [
      { expected: /inline chat failed, the file is unchanged\. .*model crashed while loading/, shot: '39-inline-chat-engine-error' },
      { expected: /replied without any code, so nothing was changed/, shot: '40-inline-chat-empty-reply' },
    ];
    for (const { expected, shot } of cases) {
      await selectLines(page, 2, 8);
      await page.keyboard.press('Control+I');
      const prompt = page.locator('.quick-input-widget input');
      await prompt.waitFor({ state: 'visible' });
      await prompt.fill('Make it faster');
      await prompt.press('Enter');
      await page.locator('.notifications-toasts .notification-toast', { hasText: expected }).waitFor({ timeout: 30_000 });
      await screenshot(page, shot);
      await lens(page, /Gemma is writing|^Accept All/).first().waitFor({ state: 'detached', timeout: 10_000 });
      assert.equal((await editorLines(page)).join('\n'), afterFirst);
      await page.keyboard.press('Escape');
    }
  });

  it('works at the cursor line of an untitled file', async function () {
    await runExactCommand(page, 'File: New Untitled Text File');
    await page.locator('.part.editor .monaco-editor.focused').waitFor({ timeout: 10_000 });
    await page.keyboard.type('hello world');
    await page.keyboard.press('Control+I');
    const prompt = page.locator('.quick-input-widget input');
    await prompt.waitFor({ state: 'visible' });
    await prompt.fill('Capitalise it like a greeting');
    await prompt.press('Enter');
    await lens(page, /^Accept All/).waitFor({ timeout: 30_000 });
    assert.deepEqual((await editorLines(page)).slice(0, 2), ['hello world', 'Hello, World!']);
    assert.match(engine.requests[7].body.messages[1].content as string, /File: Untitled-1 \(unsaved, not yet a file\) \(language: plaintext\)/);
    await page.keyboard.press('Control+Enter');
    await lens(page, /^Accept All/).waitFor({ state: 'detached', timeout: 10_000 });
    assert.deepEqual(await editorLines(page), ['Hello, World!']);
    await screenshot(page, '38-inline-chat-untitled');
  });
});

/** CodeLens entries whose whole text matches: links, or plain labels for lenses without a command. */
function lens(page: Page, text: RegExp): Locator {
  return page.locator('.part.editor .codelens-decoration > a, .part.editor .codelens-decoration > span').filter({ hasText: text });
}

/**
 * Clicks the matching lens nearest the top of the editor. Lenses are not in line order in the
 * DOM and are re-rendered while VS Code refreshes them, so an index can point at another
 * lens by the time it is clicked: pick by position once the layout is steady, click there.
 */
async function clickTopmost(page: Page, locator: Locator): Promise<void> {
  const topBox = async (): Promise<{ x: number; y: number; width: number; height: number } | undefined> => {
    let best: { x: number; y: number; width: number; height: number } | undefined;
    for (let i = 0; i < (await locator.count()); i++) {
      const box = await locator.nth(i).boundingBox().catch(() => null);
      if (box && (!best || box.y < best.y)) best = box;
    }
    return best;
  };
  let box = await topBox();
  for (let tries = 0; tries < 20; tries++) {
    await page.waitForTimeout(150);
    const again = await topBox();
    if (box && again && Math.abs(again.y - box.y) < 1 && Math.abs(again.x - box.x) < 1) break;
    box = again;
  }
  if (!box) throw new Error('no lens to click');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

async function focusEditor(page: Page): Promise<void> {
  await page.locator('.part.editor .monaco-editor .view-lines').first().click({ position: { x: 400, y: 5 } });
}

/** Selects whole lines `first`..`last` (0-based) with the keyboard, as a user would. */
async function selectLines(page: Page, first: number, last: number): Promise<void> {
  await focusEditor(page);
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < first; i++) await page.keyboard.press('ArrowDown');
  for (let i = first; i <= last; i++) await page.keyboard.press('Shift+ArrowDown');
}

/** The editor's lines in visual order (Monaco reuses line elements, so DOM order is not line order). */
async function editorLines(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll<HTMLElement>('.part.editor .view-lines .view-line')];
    return lines
      .map((line) => ({ top: parseFloat(line.style.top), text: (line.textContent ?? '').replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map((line) => line.text);
  });
}

/** Waits until the editor shows `text` (Monaco renders spaces as no-break spaces). */
async function editorShows(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (wanted) => (document.querySelector('.part.editor .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' ').includes(wanted),
    text,
    { timeout: 30_000 },
  );
}

/**
 * Runs a palette command by its exact title. Enter would run the best fuzzy match, which
 * for "File: New Untitled Text File" is a different command.
 */
async function runExactCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first().click();
}

/** Saves with Ctrl+S and reads the file once the write has landed (a read during the write sees it half done). */
async function saveAndRead(page: Page, file: string, expected: string): Promise<string> {
  await page.keyboard.press('Control+S');
  const deadline = Date.now() + 10_000;
  let content = fs.readFileSync(file, 'utf8');
  while (content !== expected && Date.now() < deadline) {
    await page.waitForTimeout(200);
    content = fs.readFileSync(file, 'utf8');
  }
  return content;
}
