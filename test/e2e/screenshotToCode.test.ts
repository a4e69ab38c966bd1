import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { renderHtmlToPng } from '../../agent/screenshotToCode';
import type { ContentPart } from '../../engine/protocol';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { httpError, reply, stall, startScriptedEngine, type ScriptedEngine } from '../support/scriptedEngine';
import { artifactsDir, launchBrowser, runCommand, screenshot } from './support/browser';
import { acceptInFileDialog, shutDown } from './support/workbench';

const vsix = process.env.GEMMA_AGENT_VSIX ?? path.resolve(__dirname, '..', '..', 'gemma-agent.vsix');
const fixture = path.resolve(__dirname, '..', 'fixtures', 'screenshots', 'card');
const html = fs.readFileSync(path.join(fixture, 'index.html'), 'utf8');
const css = fs.readFileSync(path.join(fixture, 'styles.css'), 'utf8');
/** Round 1 gets the header bar's colour wrong (green instead of blue): similarity about 0.87. */
const wrongCss = css.replace('#1e3ca0', '#2e7d32');
const WIDTH = 400;
const HEIGHT = 260;

const block = (language: string, file: string, content: string): string => `\`\`\`${language} path=${file}\n${content.trimEnd()}\n\`\`\``;
const firstReply = `${block('html', 'index.html', html)}\n\n${block('css', 'styles.css', wrongCss)}\n`;
const fixReply = `- The header bar is green; it must be dark blue.\n\n${block('css', 'styles.css', css)}\n`;

/*
 * Screenshot to code in the packaged extension: a PNG of the card fixture, the scripted
 * engine answering a page with a wrong colour and then the fix, the files written through
 * VS Code, the preview panel with the page, both images and a score per round, and undo.
 */
describe('e2e: screenshot to code', function () {
  let engine: ScriptedEngine;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    // Rendered here with the same Chromium the extension renders with, so the fix round scores exactly 1.
    fs.writeFileSync(path.join(workspace, 'card.png'), await renderHtmlToPng({ page: fixture, width: WIDTH, height: HEIGHT }));
    // A PNG signature and then nothing: damaged.
    fs.writeFileSync(path.join(workspace, 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    engine = await startScriptedEngine({
      props: { vision: true, audio: false },
      // The fix streams slowly enough (about 4 s) for the progress notification to be seen mid-run.
      steps: [reply(firstReply, { chunkSize: 200, delayMs: 5 }), reply(fixReply, { chunkSize: 4, delayMs: 40 })],
    });
    server = await startCodeServer({
      vsix,
      workspace,
      settings: { 'gemmaAgent.engine.remoteUrl': engine.url, 'gemmaAgent.chat.thinking': false, 'workbench.tips.enabled': false },
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    await page.locator('.activitybar [aria-label^="Gemma Agent"]').first().waitFor({ timeout: 60_000 });
    await explorerRow(page, 'card.png').waitFor({ timeout: 60_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-screenshot-to-code-explorer');
      throw err;
    });
  });

  after(async function () {
    await shutDown({ browser, server, engine });
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('refuses a damaged image with the reason and never asks the engine', async function () {
    await fromExplorer(page, 'broken.png');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'broken.png cannot be used as a screenshot' });
    await toast.waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-screenshot-to-code-damaged');
      throw err;
    });
    assert.match((await toast.textContent()) ?? '', /damaged/);
    await screenshot(page, '30-screenshot-to-code-damaged-image');
    assert.equal(engine.requests.length, 0);
  });

  it('writes the page, renders it, fixes the wrong colour in round 2 and previews both rounds', async function () {
    await fromExplorer(page, 'card.png');
    const progress = page.locator('.notifications-toasts .notification-toast', { hasText: 'Round 2 of 3' });
    await progress.waitFor({ timeout: 60_000 });
    assert.match((await progress.textContent()) ?? '', /round 1: similarity 0\.8\d/);
    await screenshot(page, '31-screenshot-to-code-progress');
    const done = page.locator('.notifications-toasts .notification-toast', { hasText: 'Similarity per round' });
    await done.waitFor({ timeout: 120_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-screenshot-to-code');
      throw err;
    });
    const summary = (await done.textContent()) ?? '';
    assert.match(summary, /screenshot-card\//);
    const scores = [...summary.matchAll(/\b[01]\.\d{3}\b/g)].map((m) => Number(m[0]));
    assert.equal(scores.length, 2, `one score per round in: ${summary}`);
    assert.ok(scores[0] < 0.95, `round 1 (wrong colour) scored ${scores[0]}`);
    assert.ok(scores[1] > 0.99, `round 2 (fixed) scored ${scores[1]}`);

    // The files, with round 2's stylesheet over round 1's.
    const folder = path.join(workspace, 'screenshot-card');
    assert.equal(fs.readFileSync(path.join(folder, 'index.html'), 'utf8').trimEnd(), html.trimEnd());
    assert.equal(fs.readFileSync(path.join(folder, 'styles.css'), 'utf8').trimEnd(), css.trimEnd());
    await explorerRow(page, 'screenshot-card').waitFor({ timeout: 10_000 });

    // Round 2 showed the model the screenshot and its render of round 1.
    const chat = engine.requests.filter((r) => r.path.endsWith('/chat/completions'));
    assert.equal(chat.length, 2);
    assert.equal(imageParts(chat[0].body.messages.at(-1)?.content).length, 1);
    const second = imageParts(chat[1].body.messages.at(-1)?.content);
    assert.equal(second.length, 2);
    assert.ok(second.every((url) => url.startsWith('data:image/png;base64,')));

    // The preview beside the editor: the page itself, both images and a score per round.
    await page.locator('.tab', { hasText: 'Preview: screenshot-card' }).waitFor({ timeout: 10_000 });
    const preview = await previewFrame(page);
    await preview.locator('.status', { hasText: 'round 2 kept' }).waitFor({ timeout: 10_000 });
    const rows = preview.locator('tr.round');
    assert.equal(await rows.count(), 2);
    assert.match((await rows.nth(0).locator('.score').textContent()) ?? '', /^0\.\d{3}$/);
    assert.equal(await rows.nth(1).locator('.score').textContent(), '1.000');
    assert.equal(await preview.locator('figure.screenshot img').count(), 1);
    assert.match((await preview.locator('figure.render figcaption').textContent()) ?? '', /round 2: similarity 1\.000/);
    const generated = preview.frameLocator('iframe.page-frame');
    await generated.locator('.button', { hasText: 'Track' }).waitFor({ timeout: 10_000 });
    const bar = await generated.locator('.bar').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(bar, 'rgb(30, 60, 160)', 'the preview shows round 2, with the inlined stylesheet');
    await screenshot(page, '32-screenshot-to-code-preview');
    await page.locator('.part.editor').screenshot({ path: path.join(artifactsDir, '33-screenshot-to-code-panel.png') });
  });

  it('undoes the whole run from the final notification', async function () {
    const done = page.locator('.notifications-toasts .notification-toast', { hasText: 'Similarity per round' });
    if (!(await done.isVisible())) await page.locator('.statusbar [aria-label*="Notifications"]').first().click();
    await page.locator('.notification-list-item', { hasText: 'Similarity per round' }).getByRole('button', { name: 'Undo' }).first().click();
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'screenshot to code undone' }).waitFor({ timeout: 30_000 });
    assert.equal(fs.existsSync(path.join(workspace, 'screenshot-card')), false, 'the files and the folder the run created are gone');
    await screenshot(page, '34-screenshot-to-code-undone');
  });

  it('takes the image from the open dialog when run from the command palette', async function () {
    // A script in the page is kept in the file but never run by the preview.
    const scripted = html.replace('</body>', '<script>document.body.dataset.ran = "yes";</script>\n</body>');
    engine.push(reply(`${block('html', 'index.html', scripted)}\n\n${block('css', 'styles.css', css)}\n`));
    await runCommand(page, 'Gemma Agent: Screenshot to Code');
    await acceptInFileDialog(page, path.join(workspace, 'card.png'));
    const done = page.locator('.notifications-toasts .notification-toast', { hasText: 'Similarity per round: 1.000' });
    await done.waitFor({ timeout: 120_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-screenshot-to-code-dialog');
      throw err;
    });
    assert.equal(fs.readFileSync(path.join(workspace, 'screenshot-card', 'index.html'), 'utf8').trimEnd(), scripted.trimEnd());
    assert.equal(fs.readFileSync(path.join(workspace, 'screenshot-card', 'styles.css'), 'utf8').trimEnd(), css.trimEnd());
    assert.equal(engine.requests.length, 3);
    const preview = await previewFrame(page);
    await preview.locator('.status', { hasText: 'Done: similarity 1.000' }).waitFor({ timeout: 10_000 });
    await preview.locator('.note', { hasText: 'A script was left out' }).waitFor();
    const generated = preview.frameLocator('iframe.page-frame');
    await generated.locator('.button', { hasText: 'Track' }).waitFor();
    assert.equal(await generated.locator('body').getAttribute('data-ran'), null, 'no script ran in the preview');
    await screenshot(page, '35-screenshot-to-code-from-dialog');
  });

  it('asks before overwriting the files of an earlier run, and can use a new folder', async function () {
    engine.push(reply(`${block('html', 'index.html', html)}\n\n${block('css', 'styles.css', css)}\n`));
    // The new folder's row moves the files down; right-click only once the tree has settled.
    await explorerRow(page, 'screenshot-card').waitFor({ timeout: 10_000 });
    await fromExplorer(page, 'card.png');
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'already exist' });
    await dialog.waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-screenshot-to-code-overwrite');
      throw err;
    });
    assert.match((await dialog.textContent()) ?? '', /screenshot-card\/index\.html and screenshot-card\/styles\.css already exist/);
    await screenshot(page, '36-screenshot-to-code-overwrite-question');
    await dialog.getByRole('button', { name: 'Use a New Folder' }).click();
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'wrote screenshot-card-2/' }).waitFor({ timeout: 120_000 });
    assert.equal(fs.readFileSync(path.join(workspace, 'screenshot-card-2', 'styles.css'), 'utf8').trimEnd(), css.trimEnd());
    // The earlier run's files are untouched.
    assert.match(fs.readFileSync(path.join(workspace, 'screenshot-card', 'index.html'), 'utf8'), /dataset\.ran/);
  });

  it('writes and previews the page without a score when no browser can render it', async function () {
    await setFolderSettings(page, workspace, { 'gemmaAgent.preview.chromiumPath': '/nonexistent/chromium' });
    await explorerRow(page, '.vscode').waitFor({ timeout: 10_000 });
    engine.push(reply(`${block('html', 'index.html', html)}\n\n${block('css', 'styles.css', wrongCss)}\n`));
    await explorerRow(page, 'screenshot-card-2').waitFor({ timeout: 10_000 });
    await fromExplorer(page, 'card.png');
    await overwrite(page);
    const warning = page.locator('.notifications-toasts .notification-toast', { hasText: 'needs Chrome or Chromium' });
    await warning.waitFor({ timeout: 60_000 });
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'It is not scored' }).waitFor({ timeout: 60_000 });
    assert.equal(fs.readFileSync(path.join(workspace, 'screenshot-card', 'styles.css'), 'utf8').trimEnd(), wrongCss.trimEnd());
    assert.equal(engine.requests.length, 5, 'one round only: without a render there is nothing to fix');
    const preview = await previewFrame(page);
    await preview.locator('.note', { hasText: 'Not scored' }).waitFor({ timeout: 10_000 });
    assert.equal(await preview.locator('tr.round .score').textContent(), 'not scored');
    await preview.frameLocator('iframe.page-frame').locator('.button', { hasText: 'Track' }).waitFor();
    await screenshot(page, '37-screenshot-to-code-no-browser');
    await setFolderSettings(page, workspace, { 'gemmaAgent.preview.chromiumPath': undefined });
  });

  it('reports an engine failure in round 2 with Open Log and undoes round 1', async function () {
    const before = fs.readFileSync(path.join(workspace, 'screenshot-card', 'styles.css'), 'utf8');
    engine.push(reply(`${block('html', 'index.html', html)}\n\n${block('css', 'styles.css', wrongCss.replace('#ebebeb', '#f0c0c0'))}\n`), httpError(500, 'the model ran out of memory'));
    await fromExplorer(page, 'card.png');
    await overwrite(page);
    const failure = page.locator('.notifications-toasts .notification-toast', { hasText: 'failed in round 2' });
    await failure.waitFor({ timeout: 60_000 });
    assert.match((await failure.textContent()) ?? '', /out of memory/);
    assert.match(fs.readFileSync(path.join(workspace, 'screenshot-card', 'styles.css'), 'utf8'), /#f0c0c0/, 'round 1 is on disk');
    await screenshot(page, '38-screenshot-to-code-engine-failure');
    await failure.getByRole('button', { name: 'Open Log' }).waitFor();
    await failure.getByRole('button', { name: 'Undo' }).click();
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'screenshot to code undone' }).last().waitFor({ timeout: 30_000 });
    assert.equal(fs.readFileSync(path.join(workspace, 'screenshot-card', 'styles.css'), 'utf8'), before);

    // Each round's score and timings are in the log. The output view fills in after it opens
    // (and may first show another channel), so it is opened and filtered again until the line is there.
    const lines = page.locator('.part.panel .view-lines');
    const failedLine = lines.locator('.view-line', { hasText: 'failed in round 2' }).first();
    for (let attempt = 1; ; attempt++) {
      await runCommand(page, 'Gemma Agent: Show Engine Log');
      const filter = page.locator('.part.panel input[placeholder^="Filter"]');
      await filter.waitFor({ timeout: 20_000 });
      await filter.fill('Screenshot to code');
      const shown = await failedLine.waitFor({ timeout: 5_000 }).then(() => true, () => false);
      if (shown) break;
      if (attempt === 4) {
        await screenshot(page, 'failed-screenshot-to-code-log');
        throw new Error(`the engine log shows no "failed in round 2" line; it shows: ${((await lines.textContent()) ?? '').slice(0, 2000)}`);
      }
    }
    const text = ((await lines.textContent()) ?? '').replace(/\u00a0/g, ' ');
    assert.match(text, /round 1 of 3: similarity 0\.8\d\d; model [\d.]+ m?s, write [\d.]+ m?s, render [\d.]+ m?s, score [\d.]+ m?s/);
    await screenshot(page, '39-screenshot-to-code-log');
    await page.keyboard.press('Escape');
  });

  it('stops at Cancel in the progress notification and writes nothing', async function () {
    const before = fs.readFileSync(path.join(workspace, 'screenshot-card', 'styles.css'), 'utf8');
    engine.push(stall({ text: '```html path=index.html\n<!doctype html>\n', chunkSize: 8 }));
    const index = engine.requests.length;
    await fromExplorer(page, 'card.png');
    await overwrite(page);
    const progress = page.locator('.notifications-toasts .notification-toast', { hasText: 'Round 1 of 3: writing the page' });
    await progress.waitFor({ timeout: 30_000 });
    const request = await engine.waitForRequest(index);
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'was cancelled. Nothing was written.' }).waitFor({ timeout: 30_000 });
    await request.closed;
    assert.equal(request.abortedByClient, true, 'the model turn was stopped, not left running');
    assert.equal(fs.readFileSync(path.join(workspace, 'screenshot-card', 'styles.css'), 'utf8'), before);
  });
});

/** Answers the "already exist" question with Overwrite. */
async function overwrite(page: Page): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'already exist' });
  await dialog.waitFor({ timeout: 30_000 });
  await dialog.getByRole('button', { name: 'Overwrite' }).click();
}

/**
 * Changes the folder's settings on disk, as editing .vscode/settings.json by hand does. The
 * status bar is hidden while changed settings are in place, so the test sees when the window
 * has read them.
 */
async function setFolderSettings(page: Page, workspace: string, changes: Record<string, unknown>): Promise<void> {
  const file = path.join(workspace, '.vscode', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const settings = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const restoring = Object.values(changes).every((value) => value === undefined);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete settings[key];
    else settings[key] = value;
  }
  if (restoring) delete settings['workbench.statusBar.visible'];
  else settings['workbench.statusBar.visible'] = false;
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
  await page.locator('.part.statusbar').waitFor({ state: restoring ? 'visible' : 'hidden', timeout: 60_000 });
}

function explorerRow(page: Page, name: string): Locator {
  return page.locator(`.part.sidebar .monaco-list-row[role="treeitem"][aria-label="${name}"]`).first();
}

/** Right-click the file in the Explorer and pick the command, as a user would. */
async function fromExplorer(page: Page, name: string): Promise<void> {
  await explorerRow(page, name).click({ button: 'right' });
  const item = page.getByRole('menuitem', { name: 'Screenshot to Code' });
  await item.waitFor({ state: 'visible', timeout: 10_000 }).catch(async (err: Error) => {
    await screenshot(page, 'failed-explorer-menu');
    throw err;
  });
  // A click that lands while the menu is still opening is dropped; the menu then stays open.
  for (let attempt = 0; attempt < 3; attempt++) {
    await item.click();
    if (await item.waitFor({ state: 'hidden', timeout: 2000 }).then(() => true, () => false)) return;
  }
  throw new Error('The Explorer context menu did not run "Screenshot to Code".');
}

/** The content frame of the webview whose page is the screenshot preview. */
async function previewFrame(page: Page): Promise<FrameLocator> {
  const hosts = page.locator('iframe.webview.ready');
  for (let attempt = 0; attempt < 50; attempt++) {
    const count = await hosts.count();
    for (let i = 0; i < count; i++) {
      const frame = page.frameLocator('iframe.webview.ready').nth(i).frameLocator('iframe#active-frame');
      if ((await frame.locator('section[aria-label="Screenshot and render"]').count()) > 0) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error('The screenshot preview panel did not appear.');
}

function imageParts(content: string | ContentPart[] | null | undefined): string[] {
  if (!Array.isArray(content)) return [];
  return content.flatMap((part) => (part.type === 'image_url' ? [part.image_url.url] : []));
}
