import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentEvent } from '../../agent/events';
import { FsWorkspace } from '../../agent/fsWorkspace';
import { runAgent, type AgentSessionOptions } from '../../agent/loop';
import { DEFAULT_APPROVAL_SETTINGS } from '../../agent/policy/approvalSettings';
import { createDefaultTools } from '../../agent/tools';
import { EngineClient } from '../../engine/client';
import type { ToolMessage } from '../../engine/protocol';
import { reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { eventsOfType, ScriptedApprover } from '../support/agentTestKit';
import { makeSentinel, snapshot, tempDir } from '../support/files';

const MATH = `// Arithmetic helpers.
function add(a, b) {
  return a - b;
}

function multiply(a, b) {
  return a * b;
}

module.exports = { add, multiply };
`;

const MATH_TEST = `const assert = require('node:assert');
const { add, multiply } = require('./math');
assert.strictEqual(add(2, 3), 5);
assert.strictEqual(multiply(2, 3), 6);
console.log('math: 2 tests pass');
`;

function results(messages: readonly { role: string }[]): string[] {
  return messages.filter((m): m is ToolMessage => m.role === 'tool').map((m) => String(m.content));
}

describe('agent end to end (scripted engine, FsWorkspace, real tools)', () => {
  let engine: ScriptedEngine;
  let base: string;
  let root: string;
  let sentinel: string;
  let events: AgentEvent[];

  const options = (extra: Partial<AgentSessionOptions> = {}): AgentSessionOptions & { onEvent: (e: AgentEvent) => void } => ({
    client: new EngineClient({ baseUrl: engine.url }),
    workspace: new FsWorkspace(root),
    tools: createDefaultTools(),
    approver: new ScriptedApprover(),
    approval: { ...DEFAULT_APPROVAL_SETTINGS, edits: 'auto', commands: 'auto' },
    onEvent: (event) => events.push(event),
    ...extra,
  });

  beforeEach(async () => {
    engine = await startScriptedEngine();
    base = tempDir('gemma-e2e-');
    root = path.join(base, 'project');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'math.js'), MATH);
    fs.writeFileSync(path.join(root, 'math.test.js'), MATH_TEST);
    sentinel = makeSentinel(path.join(base, 'sentinel'), { 'secret.txt': 'do not touch\n' }).dir;
    events = [];
  });
  afterEach(async () => {
    await engine.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('edits a function and runs its tests', async () => {
    engine.push(
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }),
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', search: '  return a - b;', replace: '  return a + b;' } }),
      toolCallReply({ name: 'run_command', arguments: { command: 'node math.test.js' } }),
      reply('add() subtracted; it adds now and both tests pass.'),
    );
    const result = await runAgent({ ...options(), request: 'Fix add() in math.js and run node math.test.js.' });
    assert.equal(result.reason, 'answered');
    assert.equal(fs.readFileSync(path.join(root, 'math.js'), 'utf8'), MATH.replace('a - b', 'a + b'));
    const [read, edit, run] = results(result.messages);
    assert.match(read, /return a - b;/);
    assert.match(edit, /^Edited math\.js/);
    assert.match(run, /Exit code 0[\s\S]*math: 2 tests pass/);
    assert.ok(eventsOfType(events, 'tool-output').some((e) => e.chunk.includes('math: 2 tests pass')), 'command output streamed');
  });

  it('creates a file', async () => {
    engine.push(toolCallReply({ name: 'write_file', arguments: { path: 'src/greet.js', content: "module.exports = () => 'hi';\n" } }), reply('Created src/greet.js.'));
    const result = await runAgent({ ...options(), request: 'Create src/greet.js exporting a function that returns hi.' });
    assert.equal(result.reason, 'answered');
    assert.equal(fs.readFileSync(path.join(root, 'src/greet.js'), 'utf8'), "module.exports = () => 'hi';\n");
  });

  it('recovers from an edit whose search text does not match', async () => {
    engine.push(
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', search: 'function add(a, b) {\n  return a - c;\n}', replace: 'function add(a, b) {\n  return a + b;\n}' } }),
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', search: 'function add(a, b) {\n  return a - b;\n}', replace: 'function add(a, b) {\n  return a + b;\n}' } }),
      reply('Fixed.'),
    );
    const result = await runAgent({ ...options(), request: 'Fix add().' });
    assert.equal(result.reason, 'answered');
    const [miss, hit] = results(result.messages);
    assert.match(miss, /search text was not found in math\.js[\s\S]*most similar text is at lines 2-4/);
    assert.match(hit, /^Edited math\.js/);
    assert.match(fs.readFileSync(path.join(root, 'math.js'), 'utf8'), /return a \+ b;/);
  });

  it('refuses paths outside the workspace, and nothing outside changes', async () => {
    const before = snapshot(base);
    engine.push(
      toolCallReply({ name: 'read_file', arguments: { path: '../sentinel/secret.txt' } }),
      toolCallReply({ name: 'write_file', arguments: { path: '../sentinel/new.txt', content: 'x' } }),
      toolCallReply({ name: 'edit_file', arguments: { path: path.join(sentinel, 'secret.txt'), search: 'do not touch', replace: 'touched' } }),
      toolCallReply({ name: 'write_file', arguments: { path: 'sub/../../sentinel/other.txt', content: 'x' } }),
      reply('Those files are outside the workspace.'),
    );
    const result = await runAgent({ ...options(), request: 'Change the secret file beside the project.' });
    assert.equal(result.reason, 'answered');
    for (const content of results(result.messages)) assert.match(content, /outside|absolute/i, content);
    assert.deepEqual(snapshot(base), before);
    assert.ok(result.checkpoint.isEmpty);
  });

  it('asks for never-auto commands even with commands on auto, and a denial leaves no trace', async () => {
    const outside = path.join(sentinel, 'written.txt');
    engine.push(
      toolCallReply({ name: 'run_command', arguments: { command: `node math.test.js && echo pwned > ${outside}` } }),
      toolCallReply({ name: 'run_command', arguments: { command: 'node math.test.js' } }),
      reply('The tests fail: add subtracts.'),
    );
    const approver = new ScriptedApprover(() => ({ approved: false, reason: 'not outside the project' }));
    const result = await runAgent({ ...options({ approver }), request: 'Run the tests and note the result outside.' });
    assert.equal(result.reason, 'answered');
    assert.equal(approver.asked.length, 1);
    assert.equal(fs.existsSync(outside), false);
    const [denied, ran] = results(result.messages);
    assert.match(denied, /^The user denied: not outside the project/);
    assert.match(ran, /Exit code 1/);
  });

  it('undoes a whole run: edits reverted, created files removed', async () => {
    const before = snapshot(root, { folders: false });
    engine.push(
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', search: 'a - b', replace: 'a + b' } }),
      toolCallReply({ name: 'write_file', arguments: { path: 'docs/notes.md', content: '# Notes\n' } }),
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.test.js', search: "console.log('math: 2 tests pass');", replace: "console.log('ok');" } }),
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', search: 'a * b', replace: 'b * a' } }),
      reply('Done.'),
    );
    const result = await runAgent({ ...options(), request: 'Tidy up.' });
    assert.equal(result.reason, 'answered');
    assert.notDeepEqual(snapshot(root, { folders: false }), before);
    assert.deepEqual(result.checkpoint.entries.map((e) => e.path), ['math.js', 'docs/notes.md', 'math.test.js']);
    const report = await result.checkpoint.undoRun();
    assert.deepEqual(report.failed, []);
    assert.deepEqual(snapshot(root, { folders: false }), before);
  });
});
