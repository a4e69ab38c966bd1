import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
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

/** Packs the probe extension (test/e2e/support/lmProbe) into a VSIX code-server can install. */
function packProbe(dir: string): string {
  const out = path.join(dir, 'lm-probe.vsix');
  const source = path.join(dir, 'lm-probe');
  fs.cpSync(path.join(__dirname, 'support', 'lmProbe'), source, { recursive: true });
  execFileSync(path.join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out], { cwd: source, stdio: 'pipe' });
  return out;
}

async function waitForJson(file: string, ms: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + ms;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, 200));
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/*
 * Gemma as a model of VS Code: another extension (the probe) finds it with
 * vscode.lm.selectChatModels, gets a streamed reply and a tool call from the engine; and the
 * other way round, the agent calls a tool the probe registered in VS Code, after approval.
 */
describe('e2e: Gemma as a VS Code language model, and VS Code tools for the agent', function () {
  let engine: ScriptedEngine;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;
  let scratch: string;

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-lm-'));
    const probe = packProbe(scratch);
    engine = await startScriptedEngine({
      props: { vision: true },
      steps: [
        reply('Hello from Gemma', { chunkSize: 3 }),
        toolCallReply({ name: 'probe_lookup', arguments: { word: 'zephyr' }, id: 'call-lm-1' }),
        toolCallReply({ name: 'probe_lookup', arguments: { word: 'zephyr' } }),
        (request) => {
          const result = request.body.messages.filter((m) => m.role === 'tool').at(-1);
          return reply(`The tool said: ${String(result?.content)}`);
        },
      ],
    });
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    server = await startCodeServer({
      vsix,
      extensions: [probe],
      workspace,
      settings: { 'gemmaAgent.engine.remoteUrl': engine.url, 'gemmaAgent.chat.thinking': false, 'gemmaAgent.agent.externalTools': ['probe_lookup'] },
    });
    ({ browser, page } = await openWindow(server.url, workspace));
  });

  after(async function () {
    await shutDown({ browser, server, engine });
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('answers another extension through vscode.lm: a streamed reply, a token count and a tool call', async function () {
    const report = await waitForJson(path.join(workspace, 'lm-probe.json'), 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${server.output().slice(-3000)}`);
    });
    assert.equal(report.error, undefined, String(report.error));
    assert.ok((report.tools as string[]).includes('probe_lookup'));
    assert.deepEqual(report.models, [{ id: 'gemma-4-remote', name: 'Gemma 4 (remote)', vendor: 'gemma-agent', family: 'gemma-4', maxInputTokens: 24576 }]);
    assert.equal((report.reply as Array<{ text?: string }>).map((p) => p.text).join(''), 'Hello from Gemma');
    assert.ok(typeof report.tokens === 'number' && report.tokens > 0);
    assert.deepEqual(report.toolReply, [{ call: { id: 'call-lm-1', name: 'probe_lookup', input: { word: 'zephyr' } } }]);
    // What the engine got: OpenAI messages, the earlier call and its result as a tool message.
    assert.deepEqual(engine.requests[0].body.messages, [{ role: 'user', content: 'Say hello' }]);
    const second = engine.requests[1].body;
    assert.equal(second.tools?.[0].function.name, 'probe_lookup');
    assert.deepEqual(second.messages.slice(1), [
      { role: 'assistant', content: null, tool_calls: [{ id: 'earlier', type: 'function', function: { name: 'probe_lookup', arguments: '{"word":"breeze"}' } }] },
      { role: 'tool', tool_call_id: 'earlier', name: 'probe_lookup', content: 'a light wind' },
    ]);
    assert.ok(engine.log.some((e) => e.path === '/tokenize' && e.status === 200), 'tokens are counted by the engine');
  });

  it('lets the agent call the VS Code tool after approval and sends its result to the engine', async function () {
    const frame = await openChat(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill('look up zephyr');
    await input.press('Enter');
    const card = frame.locator('.tool-card[data-state="pending-approval"]');
    await card.waitFor({ timeout: 60_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-external-tool');
      throw err;
    });
    assert.equal(await card.getAttribute('data-category'), 'command');
    assert.equal(await card.locator('.tool-title').textContent(), 'Call the VS Code tool probe_lookup');
    assert.ok(engine.requests[2].body.tools?.some((t) => t.function.name === 'probe_lookup'), 'the tool is offered beside our own');
    await screenshot(page, '95-external-tool-pending');
    await card.locator('button.tool-approve').click();
    await frame.locator('.message-text', { hasText: 'The tool said: probe dictionary' }).waitFor({ timeout: 60_000 });
    const result = engine.requests[3].body.messages.filter((m) => m.role === 'tool').at(-1);
    assert.match(String(result?.content), /probe dictionary: "zephyr" means a gentle west wind/);
  });
});
