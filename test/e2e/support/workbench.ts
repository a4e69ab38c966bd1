import * as fs from 'node:fs';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { chatFrame, launchBrowser, screenshot } from './browser';

/** Opens the workspace in the browser and waits until the extension's contributions are there. */
export async function openWorkbench(page: Page, serverUrl: string, workspace: string): Promise<void> {
  await page.goto(`${serverUrl}/?folder=${encodeURIComponent(workspace)}`);
  await waitForWorkbench(page);
}

/** A browser with one page on the workspace, the workbench loaded (the start of most suites). */
export async function openWindow(serverUrl: string, workspace: string): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await openWorkbench(page, serverUrl, workspace);
  return { browser, page };
}

/** Closes what a suite started, whichever of them got started; the browser first, the engine last. */
export async function shutDown(parts: { browser?: Browser | undefined; server?: { stop(): Promise<void> } | undefined; engine?: { close(): Promise<void> } | undefined }): Promise<void> {
  await parts.browser?.close();
  await parts.server?.stop();
  await parts.engine?.close();
}

/**
 * Types a path into code-server's file dialog (a quick input) and accepts it. The dialog
 * puts its starting folder into the input when it has listed it, which can come after our
 * typing, so the path is typed again until it has stayed for a moment.
 */
export async function acceptInFileDialog(page: Page, file: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  for (let attempt = 0; attempt < 20; attempt++) {
    await input.fill(file);
    await page.waitForTimeout(400);
    if ((await input.inputValue()) === file) return input.press('Enter');
  }
  throw new Error(`the file dialog kept replacing the typed path ${file} (it shows ${await input.inputValue()})`);
}

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
  await page.locator('.activitybar [aria-label^="Gemma Agent"]').first().waitFor({ timeout: 60_000 });
}

/**
 * Runs a palette command by its exact title. Enter would run the best fuzzy match, which
 * is not always the command named (e.g. "Voice Command" vs "Stop Recording"). Right after
 * a (re)load the workbench is drawn from its cache before the extensions' commands are
 * registered, so the palette is asked again until the command is listed.
 */
export async function runExactCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    // F1 can go to a webview or diff editor that has the focus: then focus the workbench and ask again.
    if (!(await input.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false))) {
      if (Date.now() > deadline) throw new Error(`the command palette did not open for "${title}"`);
      await page.keyboard.press('Escape');
      await page.locator('.monaco-workbench .part.statusbar').click({ position: { x: 2, y: 2 } }).catch(() => undefined);
      continue;
    }
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await screenshot(page, `failed-command-${title.replace(/[^a-z0-9]+/gi, '-')}`);
        throw err;
      }
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden' });
    }
  }
  await row.click();
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * Shows the chat view and returns its page. The command, not the activity bar entry:
 * clicking the entry of a view that is already shown hides the side bar instead.
 */
export async function openChat(page: Page): Promise<FrameLocator> {
  await runExactCommand(page, 'Gemma Agent: Open Chat');
  const frame = chatFrame(page);
  await frame.locator('textarea.composer-input').waitFor({ state: 'visible', timeout: 60_000 });
  return frame;
}

/** Opens a workspace file in an editor through Quick Open and waits for `firstLine` to be shown. */
export async function openFile(page: Page, name: string, firstLine: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 20_000 });
  await input.press('Enter');
  await page.locator('.part.editor .view-line', { hasText: firstLine }).first().waitFor({ timeout: 30_000 });
}

/** Waits until the file on disk holds exactly `expected` (a write in progress reads half done); returns what it holds last. */
export async function waitForFileContent(file: string, expected: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let content = fs.readFileSync(file, 'utf8');
  while (content !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    content = fs.readFileSync(file, 'utf8');
  }
  return content;
}
