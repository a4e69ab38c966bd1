import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentEvent } from '../../agent/events';
import { runAgent, type AgentSessionOptions } from '../../agent/loop';
import { eventsOfType, ScriptedApprover } from '../support/agentTestKit';
import { endToEndOptions, makeMathProject, MATH, toolResults } from '../support/mathProject';
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
    const [read, edit, run] = toolResults(result.messages);
    assert.match(read, /return a - b;/);
    assert.match(edit, /^Edited math\.js/);
    assert.match(run, /Exit code 0[\s\S]*math: 2 tests pass/);
    assert.ok(eventsOfType(events, 'tool-output').some((e) => e.chunk.includes('math: 2 tests pass')), 'command output streamed');
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
    const [denied, ran] = toolResults(result.messages);
    assert.match(denied, /^The user denied: not outside the project/);
    assert.match(ran, /Exit code 1/);
  });
});
