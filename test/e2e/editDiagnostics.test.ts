import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { launchBrowser, screenshot } from './support/browser';
import { openChat, openFile, openWorkbench } from './support/workbench';

const vsix = path.resolve(__dirname, '..', '..', 'gemma-agent.vsix');

const calcTs = ['export function total(prices: number[]): number {', '  return prices.reduce((sum, p) => sum + p, 0);', '}', ''].join('\n');

/*
 * The agent sees what its edit broke: after an edit, the TypeScript language server of the
 * editor checks the file, and the tool result the model gets names the new error (and not
 * ones that were there before).
 */
describe('e2e: errors an edit introduced reach the model', function () {
  let engine: ScriptedEngine;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    engine = await startScriptedEngine({
      steps: [toolCallReply({ name: 'edit_file', arguments: { path: 'src/calc.ts', search: '  return prices.reduce((sum, p) => sum + p, 0);', replace: '  const label: number = "total";\n  return prices.reduce((sum, p) => sum + p, 0);' } }), reply('I changed it.')],
    });
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    fs.mkdirSync(path.join(workspace, 'src'));
    fs.writeFileSync(path.join(workspace, 'src', 'calc.ts'), calcTs);
    // A file with an error of its own: opening it first has the TypeScript server running.
    fs.writeFileSync(path.join(workspace, 'src', 'old.ts'), 'export const broken: string = 1;\n');
    server = await startCodeServer({ vsix, workspace, settings: { 'gemmaAgent.engine.remoteUrl': engine.url, 'gemmaAgent.chat.thinking': false, 'gemmaAgent.agent.approval.edits': 'auto' } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openWorkbench(page, server.url, workspace);
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
    await engine?.close();
  });

  it('tells the model about the type error its edit introduced', async function () {
    await openFile(page, 'old.ts', 'export const broken');
    // The status bar counts the old file's error once the TypeScript server has checked it.
    await page.locator('.statusbar-item', { hasText: /^\s*1\s*0\s*$/ }).or(page.locator('#status\\.problems', { hasText: '1' })).first().waitFor({ timeout: 120_000 });
    const frame = await openChat(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill('add a label to total');
    await input.press('Enter');
    await frame.locator('.message-text', { hasText: 'I changed it.' }).waitFor({ timeout: 90_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-edit-diagnostics');
      throw err;
    });
    const second = (await engine.waitForRequest(1)).body.messages;
    const tool = second.find((m) => m.role === 'tool');
    assert.ok(tool, 'the edit result went back to the model');
    const text = String(tool.content);
    assert.match(text, /Edited src\/calc\.ts/);
    assert.match(text, /This change introduced 1 new error in src\/calc\.ts/, text);
    assert.match(text, /src\/calc\.ts:2:\d+ error: Type 'string' is not assignable to type 'number'\./);
    await screenshot(page, '92-edit-diagnostics');
  });
});
