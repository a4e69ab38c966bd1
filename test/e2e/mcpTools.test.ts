import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { screenshot } from './support/browser';
import { openChat, openWindow, shutDown } from './support/workbench';

const root = path.resolve(__dirname, '..', '..');
const vsix = path.join(root, 'gemma-agent.vsix');
const mcpServer = path.join(root, 'test', 'support', 'mcpServer.js');

/** What the test MCP server was sent, one message a line (it logs to its sentinel folder). */
function serverLog(sentinel: string): Array<{ started?: number; method?: string; params?: { name?: string; arguments?: unknown } }> {
  const file = path.join(sentinel, 'mcp-log.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { method?: string });
}

/*
 * An MCP server the user configured in VS Code (their mcp.json), its tools offered to the
 * agent by gemmaAgent.agent.externalTools: Gemma Agent has VS Code start the server, the
 * scripted model calls its tools, the card names the server and the tool, and the calls go
 * through the server. Nothing in VS Code's own chat runs (its AI features are off).
 */
describe('e2e: the tools of an MCP server configured in VS Code, for the agent', function () {
  let engine: ScriptedEngine;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let scratch: string;
  let sentinel: string;

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-mcp-'));
    // The only folder the server ever writes to.
    sentinel = path.join(scratch, 'sentinel');
    const workspace = path.join(scratch, 'workspace');
    const state = path.join(scratch, 'code-server');
    for (const dir of [sentinel, workspace, path.join(state, 'user-data', 'User')]) fs.mkdirSync(dir, { recursive: true });
    // As a user configures one: the user's mcp.json (MCP: Open User Configuration).
    fs.writeFileSync(
      path.join(state, 'user-data', 'User', 'mcp.json'),
      JSON.stringify({ servers: { notes: { type: 'stdio', command: process.execPath, args: [mcpServer, sentinel] } } }, null, 2),
    );
    engine = await startScriptedEngine({
      steps: [
        toolCallReply({ name: 'mcp_gemmatest_write_marker', arguments: { text: 'written by the agent' } }),
        (request) => reply(`The server said: ${String(request.body.messages.filter((m) => m.role === 'tool').at(-1)?.content)}`),
        toolCallReply({ name: 'mcp_gemmatest_read_secret', arguments: {} }),
        (request) => reply(`The secret is ${String(request.body.messages.filter((m) => m.role === 'tool').at(-1)?.content)}`),
      ],
    });
    server = await startCodeServer({
      vsix,
      workspace,
      stateDir: state,
      settings: {
        'gemmaAgent.engine.remoteUrl': engine.url,
        'gemmaAgent.chat.thinking': false,
        // The names VS Code gives the server's tools: mcp_<its serverInfo name>_<tool>.
        'gemmaAgent.agent.externalTools': ['mcp_gemmatest_write_marker', 'mcp_gemmatest_read_secret'],
      },
    });
    ({ browser, page } = await openWindow(server.url, workspace));
  });

  after(async function () {
    await shutDown({ browser, server, engine });
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('offers the server’s tool, names the server on the card, and runs it after approval', async function () {
    const frame = await openChat(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill('write the marker');
    await input.press('Enter');
    const card = frame.locator('.tool-card[data-state="pending-approval"]');
    await card.waitFor({ timeout: 90_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-mcp-tool');
      throw new Error(`${err.message}\nserver log: ${JSON.stringify(serverLog(sentinel))}\n${server.output().slice(-3000)}`);
    });
    // Gemma Agent had VS Code start the server (nothing else does with VS Code's chat off).
    const log = serverLog(sentinel);
    assert.ok(log.some((m) => m.started) && log.some((m) => m.method === 'tools/list'), JSON.stringify(log));
    const offered = engine.requests[0].body.tools?.find((t) => t.function.name === 'mcp_gemmatest_write_marker');
    assert.equal(offered?.function.description, 'Writes the given text into the marker file of the test server.');
    assert.deepEqual(offered?.function.parameters, { type: 'object', properties: { text: { type: 'string', description: 'What to write' } }, required: ['text'] });
    assert.equal(await card.getAttribute('data-category'), 'command');
    assert.equal(await card.locator('.tool-title').textContent(), 'Call write_marker on the MCP server notes');
    assert.equal(fs.existsSync(path.join(sentinel, 'marker.txt')), false, 'nothing runs before approval');
    assert.equal(log.filter((m) => m.method === 'tools/call').length, 0);
    await screenshot(page, '96-mcp-tool-pending');
    await card.locator('button.tool-approve').click();
    // VS Code asks once more before an MCP tool that is not marked read-only runs, in its own
    // dialog, for any caller outside its chat; the user says yes there too.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    assert.match((await dialog.textContent()) ?? '', /Write marker/);
    await screenshot(page, '97-mcp-tool-vscode-confirm');
    await dialog.locator('.monaco-button', { hasText: /^Yes$/ }).click();
    await frame.locator('.message-text', { hasText: 'The server said: wrote 20 characters to marker.txt' }).waitFor({ timeout: 60_000 });
    assert.equal(fs.readFileSync(path.join(sentinel, 'marker.txt'), 'utf8'), 'written by the agent');
    assert.deepEqual(
      serverLog(sentinel).filter((m) => m.method === 'tools/call').map((m) => [m.params?.name, m.params?.arguments]),
      [['write_marker', { text: 'written by the agent' }]],
    );
  });

  it('runs a read-only MCP tool after our approval alone, and hands its result to the model', async function () {
    const frame = await openChat(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill('what is the secret?');
    await input.press('Enter');
    const card = frame.locator('.tool-card[data-state="pending-approval"]');
    await card.waitFor({ timeout: 60_000 });
    assert.equal(await card.locator('.tool-title').textContent(), 'Call read_secret on the MCP server notes');
    await card.locator('button.tool-approve').click();
    await frame.locator('.message-text', { hasText: 'The secret is mcp-secret-7f3a91' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'VS Code does not ask again for a read-only tool');
    assert.equal(String(engine.requests.at(-1)?.body.messages.filter((m) => m.role === 'tool').at(-1)?.content), 'mcp-secret-7f3a91');
  });

  it('lists the server’s tools in Choose VS Code Tools for the Agent, with the server', async function () {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.fill('>Gemma Agent: Choose VS Code Tools for the Agent');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Choose VS Code Tools for the Agent' }).first().waitFor();
    await input.press('Enter');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'vscode_' }).first().waitFor({ timeout: 30_000 });
    // The list is long (VS Code's own tools come first) and drawn only where it is seen.
    await input.fill('mcp_gemmatest');
    const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: /^mcp_gemmatest_write_marker$/ }) });
    await row.waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-mcp-pick');
      throw err;
    });
    assert.equal((await row.locator('.label-description').textContent())?.trim(), 'MCP server notes');
    assert.equal(await row.getAttribute('aria-checked'), 'true', 'ticked: it is chosen in the setting');
    assert.equal(await page.locator('.quick-input-list .monaco-list-row', { hasText: 'mcp_gemmatest_read_secret' }).count(), 1);
    await screenshot(page, '98-mcp-tool-pick');
    await page.keyboard.press('Escape');
  });
});
