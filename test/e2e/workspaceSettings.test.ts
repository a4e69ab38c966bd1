import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { screenshot } from './support/browser';
import { openChat, openWindow, shutDown } from './support/workbench';

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
    engine = await startScriptedEngine({
      steps: [
        toolCallReply({ name: 'run_command', arguments: { command: 'touch made-by-agent.txt' } }),
        reply('Done.'),
        toolCallReply({ name: 'run_command', arguments: { command: 'touch approved.txt' } }),
        reply('Made it.'),
        toolCallReply({ name: 'run_command', arguments: { command: 'touch second.txt' } }),
        reply('Made that too.'),
      ],
    });
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'gemmaAgent.agent.approval.commands': 'auto', 'gemmaAgent.agent.approval.edits': 'auto', 'gemmaAgent.agent.commands.allow': ['touch'], 'gemmaAgent.agent.commands.deny': [], 'gemmaAgent.agent.commands.network': 'on' }, null, 2),
    );
    server = await startCodeServer({ vsix, workspace, settings: { 'gemmaAgent.engine.remoteUrl': engine.url, 'gemmaAgent.chat.thinking': false } });
    ({ browser, page } = await openWindow(server.url, workspace));
  });

  after(async function () {
    await shutDown({ browser, server, engine });
  });

  async function savedSetting(key: string): Promise<unknown> {
    for (let i = 0; i < 50; i++) {
      for (const folder of ['User', 'Machine']) {
        const file = path.join(server.userDataDir, folder, 'settings.json');
        if (!fs.existsSync(file)) continue;
        const value = (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)[key];
        if (value !== undefined) return value;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  }

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

  // The network question: asked once, after the approval and before the command runs, and
  // saved in user settings (the workspace's own value for it is ignored like the others).
  it('asks once whether commands may reach the network, and saves the answer in user settings', async function () {
    const frame = await openChat(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill('make another file');
    await input.press('Enter');
    const card = frame.locator('.tool-card[data-state="pending-approval"]');
    await card.waitFor({ timeout: 30_000 });
    await card.locator('button.tool-approve').click();
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'reach the network' });
    await dialog.waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-network-question');
      throw err;
    });
    assert.equal(fs.existsSync(path.join(workspace, 'approved.txt')), false, 'the command waits for the answer');
    await screenshot(page, '91-network-question');
    await dialog.locator('.monaco-button', { hasText: 'Keep Offline' }).click();
    await frame.locator('.message-text', { hasText: 'Made it.' }).waitFor({ timeout: 30_000 });
    assert.ok(fs.existsSync(path.join(workspace, 'approved.txt')), 'the approved command ran, offline');
    // Machine-scoped settings of a remote window (code-server is one) live in its Machine settings.
    const saved = await savedSetting('gemmaAgent.agent.commands.network');
    assert.equal(saved, 'off', 'the answer is saved in the user (machine) settings');

    await input.fill('and one more');
    await input.press('Enter');
    await card.waitFor({ timeout: 30_000 });
    await card.locator('button.tool-approve').click();
    await frame.locator('.message-text', { hasText: 'Made that too.' }).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'the question is not asked again');
    assert.ok(fs.existsSync(path.join(workspace, 'second.txt')));
  });
});
