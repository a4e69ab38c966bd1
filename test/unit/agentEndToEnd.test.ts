import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentEvent } from '../../agent/events';
import { runAgent, type AgentSessionOptions } from '../../agent/loop';
import { snapshot } from '../support/files';
import { endToEndOptions, makeMathProject, toolResults } from '../support/mathProject';
import { reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';

describe('agent end to end (scripted engine, FsWorkspace, real tools)', () => {
  let engine: ScriptedEngine;
  let base: string;
  let root: string;
  let sentinel: string;
  let events: AgentEvent[];

  const options = (extra: Partial<AgentSessionOptions> = {}) => endToEndOptions(engine, root, events, extra);

  beforeEach(async () => {
    engine = await startScriptedEngine();
    ({ base, root, sentinel } = makeMathProject());
    events = [];
  });
  afterEach(async () => {
    await engine.close();
    fs.rmSync(base, { recursive: true, force: true });
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
    const [miss, hit] = toolResults(result.messages);
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
    for (const content of toolResults(result.messages)) assert.match(content, /outside|absolute/i, content);
    assert.deepEqual(snapshot(base), before);
    assert.ok(result.checkpoint.isEmpty);
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
