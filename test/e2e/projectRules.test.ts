import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { screenshot } from './support/browser';
import { openChat, openWindow, shutDown } from './support/workbench';

const vsix = process.env.GEMMA_AGENT_VSIX ?? path.resolve(__dirname, '..', '..', 'gemma-agent.vsix');

/*
 * The project's rules files in the packaged extension: the root's AGENTS.md is in the system
 * prompt of every step, a sub-folder's CLAUDE.md comes as a note once the agent reads a file
 * there, and the reply names both. A changed AGENTS.md counts from the next message.
 */
describe('e2e: project rules (AGENTS.md) in the chat', function () {
  let engine: ScriptedEngine;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let frame: FrameLocator;
  let workspace: string;

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    engine = await startScriptedEngine();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    fs.writeFileSync(path.join(workspace, 'AGENTS.md'), '# Agent notes\n\nRun `npm run check` before you answer.\n');
    fs.mkdirSync(path.join(workspace, 'src'));
    fs.writeFileSync(path.join(workspace, 'src', 'CLAUDE.md'), 'Code in src/ uses tabs.\n');
    fs.writeFileSync(path.join(workspace, 'src', 'math.js'), 'exports.add = (a, b) => a + b;\n');
    server = await startCodeServer({ vsix, workspace, settings: { 'gemmaAgent.engine.remoteUrl': engine.url, 'gemmaAgent.chat.thinking': false } });
    ({ browser, page } = await openWindow(server.url, workspace));
    frame = await openChat(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-project-rules-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
  });

  after(async function () {
    await shutDown({ browser, server, engine });
  });

  async function send(text: string): Promise<number> {
    const index = engine.requests.length;
    const input = frame.locator('textarea.composer-input');
    await input.fill(text);
    await input.press('Enter');
    await frame.locator('.message-user .message-text', { hasText: text }).waitFor({ timeout: 20_000 });
    return index;
  }

  function replyTo(userText: string) {
    return frame.locator('.message-user', { hasText: userText }).locator('xpath=following-sibling::article[contains(@class, "message-assistant")][1]');
  }

  it('sends AGENTS.md in the system prompt, a sub-folder\'s rules after the read, and names both under the reply', async function () {
    engine.push(toolCallReply({ name: 'read_file', arguments: { path: 'src/math.js' } }), reply('add() adds its arguments.', { chunkSize: 4, delayMs: 10 }));
    const first = await send('what does add do');
    const turn = replyTo('what does add do');
    await turn.locator('.message-text', { hasText: 'add() adds' }).waitFor({ timeout: 30_000 });
    await turn.locator('.message-rules').waitFor({ timeout: 10_000 });
    assert.equal(await turn.locator('.message-rules').textContent(), 'Rules: AGENTS.md, src/CLAUDE.md');

    const [step1, step2] = [await engine.waitForRequest(first), await engine.waitForRequest(first + 1)];
    const system = step1.body.messages[0];
    assert.equal(system?.role, 'system');
    assert.match(String(system?.content), /Project rules: the guidance this project gives coding agents/);
    assert.match(String(system?.content), /--- AGENTS\.md ---\n# Agent notes\n\nRun `npm run check` before you answer\./);
    assert.equal(JSON.stringify(step2.body.messages[0]), JSON.stringify(system), 'the system prompt is the same in the second step (prompt cache)');
    const note = step2.body.messages.at(-1);
    assert.equal(note?.role, 'user');
    assert.match(String(note?.content), /--- src\/CLAUDE\.md ---\nCode in src\/ uses tabs\./);
    assert.equal(step2.body.messages.at(-2)?.role, 'tool', 'the note follows the read of src/math.js');
    await screenshot(page, '90-project-rules');
  });

  it('reads a changed AGENTS.md on the next message', async function () {
    fs.writeFileSync(path.join(workspace, 'AGENTS.md'), '# Agent notes\n\nAnswer in French.\n');
    engine.push(reply('Bonjour.'));
    const index = await send('say hi');
    const turn = replyTo('say hi');
    await turn.locator('.message-text', { hasText: 'Bonjour.' }).waitFor({ timeout: 30_000 });
    const system = String((await engine.waitForRequest(index)).body.messages[0]?.content);
    assert.match(system, /Answer in French\./);
    assert.doesNotMatch(system, /npm run check/);
    // The sub-folder's note from the first message is still in the conversation, so it still applies.
    await turn.locator('.message-rules').waitFor({ timeout: 10_000 });
    assert.equal(await turn.locator('.message-rules').textContent(), 'Rules: AGENTS.md, src/CLAUDE.md');
  });
});
