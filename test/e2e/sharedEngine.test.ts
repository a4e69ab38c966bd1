import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { TinyGemma4Set } from '../../scripts/testModels/tinyGemma4';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { launchBrowser, screenshot } from './support/browser';
import { tinyEngineSettings } from './support/localEngine';
import { waitFor } from '../support/waiting';
import { openChat, openWorkbench } from './support/workbench';

const vsix = path.resolve(__dirname, '..', '..', 'gemma-agent.vsix');

/** llama-server processes loading this model file, read from /proc. */
function serversFor(model: string): number[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return path.basename(cmd[0] ?? '') === 'llama-server' && cmd.includes(model);
    } catch {
      return false;
    }
  });
}

/*
 * Two VS Code windows (two folders, so two extension hosts) on one machine: the first starts
 * the engine, the second uses it, and only one llama-server runs.
 */
describe('e2e: two windows share one engine', function () {
  let server: RunningCodeServer;
  let browser: Browser;
  let models: TinyGemma4Set;
  const pages: Page[] = [];

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    const local = await tinyEngineSettings();
    models = local.models;
    const first = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    server = await startCodeServer({ vsix, workspace: first, settings: local.settings });
    browser = await launchBrowser();
    for (const folder of [first, fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'))]) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await openWorkbench(page, server.url, folder);
      pages.push(page);
    }
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
  });

  async function ask(page: Page): Promise<string> {
    const frame = await openChat(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill('Say hello');
    await input.press('Enter');
    await frame.locator('.engine-title', { hasText: 'Ready' }).waitFor({ timeout: 90_000 });
    await frame.locator('.message-assistant').first().waitFor({ timeout: 60_000 });
    const stop = frame.locator('button.composer-stop');
    if (await stop.isVisible()) await stop.click();
    await frame.locator('button.composer-send').waitFor({ state: 'visible', timeout: 30_000 });
    return (await frame.locator('.engine-detail').textContent()) ?? '';
  }

  it('starts the engine in the first window and uses the same one from the second', async function () {
    // Engines of earlier tests (other code-servers) may still be ending; count only new ones.
    const earlier = new Set(serversFor(models.model));
    const ours = (): number[] => serversFor(models.model).filter((pid) => !earlier.has(pid));
    const first = await ask(pages[0]);
    assert.doesNotMatch(first, /shared with another window/);
    assert.equal(ours().length, 1);
    const second = await ask(pages[1]);
    await screenshot(pages[1], '95-second-window-shared-engine');
    assert.match(second, /shared with another window/);
    assert.match(second, /images, voice, tools · MTP drafting/, 'the second window knows what the engine can do');
    assert.equal(ours().length, 1, 'still one llama-server for both windows');
  });

  it('ends the engine once both windows are gone', async function () {
    const running = serversFor(models.model);
    await browser.close();
    await server.stop();
    await waitFor(() => !serversFor(models.model).some((pid) => running.includes(pid)), 20_000, 250);
    assert.deepEqual(serversFor(models.model).filter((pid) => running.includes(pid)), [], 'the lease watchdog stopped it when no window was left');
  });
});
