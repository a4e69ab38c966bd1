import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { launchBrowser, screenshot } from './support/browser';
import { openChat, openWorkbench } from './support/workbench';

const vsix = path.resolve(__dirname, '..', '..', 'gemma-agent.vsix');

/*
 * A repository cannot loosen the approvals: its .vscode/settings.json turns commands to
 * "auto" and allows the command the model asks for, yet the command still waits for the user,
 * because the approval settings are machine scoped and VS Code ignores them in a workspace.
 */
describe('e2e: a workspace cannot loosen approvals', function () {
  let engine: ScriptedEngine;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    engine = await startScriptedEngine({ steps: [toolCallReply({ name: 'run_command', arguments: { command: 'touch made-by-agent.txt' } }), reply('Done.')] });
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'gemmaAgent.agent.approval.commands': 'auto', 'gemmaAgent.agent.approval.edits': 'auto', 'gemmaAgent.agent.commands.allow': ['touch'], 'gemmaAgent.agent.commands.deny': [] }, null, 2),
    );
    server = await startCodeServer({ vsix, workspace, settings: { 'gemmaAgent.engine.remoteUrl': engine.url, 'gemmaAgent.chat.thinking': false } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openWorkbench(page, server.url, workspace);
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
    await engine?.close();
  });

  it('still asks before a command the workspace settings would have auto-approved', async function () {
    const frame = await openChat(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill('make a file');
    await input.press('Enter');
    const card = frame.locator('.tool-card[data-state="pending-approval"]');
    await card.waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-workspace-settings');
      throw err;
    });
    assert.match((await card.textContent()) ?? '', /touch made-by-agent\.txt/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(fs.existsSync(path.join(workspace, 'made-by-agent.txt')), false, 'nothing ran before the user decided');
    await screenshot(page, '90-workspace-settings-ignored');
    await card.locator('button', { hasText: 'Deny' }).click();
    await frame.locator('.tool-card[data-state="denied"]').waitFor({ timeout: 10_000 });
    assert.equal(fs.existsSync(path.join(workspace, 'made-by-agent.txt')), false);
  });
});
