import { strict as assert } from 'node:assert';
import type { AgentEvent } from '../../agent/events';
import { AgentSession, PARSE_ERROR_NOTE, runAgent, type AgentSessionOptions } from '../../agent/loop';
import { DEFAULT_APPROVAL_SETTINGS } from '../../agent/policy/approvalSettings';
import type { AgentTool } from '../../agent/tool';
import { EditFileTool, WriteFileTool } from '../../agent/tools';
import { ReadFileTool } from '../../agent/tools/readFile';
import { EngineClient } from '../../engine/client';
import type { ChatMessage, ToolMessage } from '../../engine/protocol';
import {
  httpError,
  parseError,
  reply,
  resetMidStream,
  rawStream,
  stall,
  startScriptedEngine,
  toolCallReply,
  type ScriptedEngine,
} from '../support/scriptedEngine';
import { editFileTool, eventsOfType, MemoryWorkspace, memoryTools, ScriptedApprover } from '../support/agentTestKit';

const AUTO_ALL = { ...DEFAULT_APPROVAL_SETTINGS, reads: 'auto', edits: 'auto', commands: 'auto' } as const;

function toolMessages(messages: readonly ChatMessage[]): ToolMessage[] {
  return messages.filter((message): message is ToolMessage => message.role === 'tool');
}

describe('agent loop (scripted engine, in-memory workspace)', () => {
  let engine: ScriptedEngine;
  let client: EngineClient;
  let workspace: MemoryWorkspace;
  let events: AgentEvent[];

  const options = (extra: Partial<AgentSessionOptions> = {}): AgentSessionOptions & { onEvent: (e: AgentEvent) => void } => ({
    client,
    workspace,
    tools: memoryTools(),
    approver: new ScriptedApprover(),
    approval: { ...AUTO_ALL },
    contextSize: 0,
    retryDelayMs: 5,
    onEvent: (event) => events.push(event),
    ...extra,
  });

  beforeEach(async () => {
    engine = await startScriptedEngine({ apiKey: 'k' });
    client = new EngineClient({ baseUrl: engine.url, apiKey: 'k' });
    workspace = new MemoryWorkspace({ 'math.js': 'function add(a, b) {\n  return a - b;\n}\n' });
    events = [];
  });
  afterEach(async () => {
    await engine.close();
  });

  it('reads, edits, runs the tests and answers, streaming every step as events', async () => {
    engine.push(
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }, { reasoning: 'Look at the file first.' }),
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', old_text: 'a - b', new_text: 'a + b' } }),
      toolCallReply({ name: 'run_command', arguments: { command: 'npm test' } }),
      reply('Fixed add(): it subtracted instead of adding. The tests pass.'),
    );
    const result = await runAgent({ ...options(), request: 'Fix add in math.js and run the tests.' });

    assert.equal(result.reason, 'answered');
    assert.equal(result.steps, 4);
    assert.equal(result.answer, 'Fixed add(): it subtracted instead of adding. The tests pass.');
    assert.equal(workspace.files.get('math.js'), 'function add(a, b) {\n  return a + b;\n}\n');
    assert.deepEqual(workspace.commands, ['npm test']);

    const types = events.map((event) => event.type);
    assert.equal(types[0], 'run-started');
    assert.equal(types.at(-1), 'done');
    assert.ok(types.includes('reasoning-delta') && types.includes('text-delta') && types.includes('tool-output'));
    assert.deepEqual(eventsOfType(events, 'tool-call-proposed').map((e) => e.tool), ['read_file', 'edit_file', 'run_command']);
    assert.deepEqual(eventsOfType(events, 'tool-result').map((e) => e.isError), [false, false, false]);
    const finished = eventsOfType(events, 'step-finished');
    assert.equal(finished.length, 4);
    for (const step of finished) {
      assert.ok(step.timings, 'each step reports timings');
      assert.ok(step.timings.totalPromptTokens >= step.timings.cachedPromptTokens);
      assert.equal(step.timings.tokensPerSecond, 24);
      assert.ok(step.timings.draftAcceptance !== undefined);
    }
    assert.ok(finished[3].timings!.cachedPromptTokens > 0, 'later steps reuse the prompt cache');

    // The conversation ends with the answer; each call has its result, in order.
    const last = result.messages.at(-1);
    assert.equal(last?.role, 'assistant');
    assert.equal(toolMessages(result.messages).length, 3);
    // Thinking is not sent back: the next turn's prompt must start with this one's tokens.
    const firstCall = result.messages.find((m) => m.role === 'assistant' && m.tool_calls);
    assert.equal(firstCall?.role === 'assistant' && firstCall.reasoning_content, undefined);
  });

  it('sends earlier thinking back only when asked to (the official template\'s rendering)', async () => {
    engine.push(toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }, { reasoning: 'Look first.' }), reply('Done.'));
    const result = await runAgent({ client, workspace, tools: memoryTools(), approver: new ScriptedApprover(), approval: { ...DEFAULT_APPROVAL_SETTINGS }, request: 'Read it.', keepEarlierThinking: true });
    const call = result.messages.find((m) => m.role === 'assistant' && m.tool_calls);
    assert.equal(call?.role === 'assistant' && call.reasoning_content, 'Look first.');
  });

  it('thinks within the budget, and on the first step and after a failure only when asked', async () => {
    engine.push(
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }),
      toolCallReply({ name: 'read_file', arguments: { path: 'missing.js' } }),
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js', start_line: 1 } }),
      reply('Done.'),
    );
    const first = engine.requests.length;
    await runAgent({ client, workspace, tools: memoryTools(), approver: new ScriptedApprover(), approval: { ...DEFAULT_APPROVAL_SETTINGS }, request: 'Read it.', sampling: { thinkingBudget: 300, thinkingSteps: 'first-and-after-failure' } });
    const bodies = engine.requests.slice(first).map((r) => r.body as { thinking_budget_tokens?: number; chat_template_kwargs?: { enable_thinking?: boolean } });
    assert.deepEqual(bodies.map((b) => b.thinking_budget_tokens), [300, 0, 300, 0], 'step 1 thinks; step 2 follows a success; step 3 follows the missing file; step 4 a success');
    assert.ok(bodies.every((b) => b.chat_template_kwargs?.enable_thinking === true), 'the template flag never changes, so the prompt cache survives');
  });

  it('keeps every request a byte-for-byte extension of the one before (prompt cache)', async () => {
    engine.push(
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }, { reasoning: 'thinking', text: 'Reading.' }),
      toolCallReply({ name: 'edit_file', arguments: { new_text: 'a + b', path: 'math.js', old_text: 'a - b' } }),
      toolCallReply({ name: 'read_file', arguments: '{"path":   "math.js"}' }),
      reply('Done.'),
    );
    const result = await runAgent({ ...options(), request: 'Fix add.' });
    assert.equal(result.reason, 'answered');
    assert.equal(engine.requests.length, 4);
    for (let i = 1; i < engine.requests.length; i++) {
      const previous = engine.requests[i - 1].body.messages.map((m) => JSON.stringify(m));
      const current = engine.requests[i].body.messages.map((m) => JSON.stringify(m));
      assert.ok(current.length > previous.length);
      assert.deepEqual(current.slice(0, previous.length), previous, `request ${i} starts with request ${i - 1}`);
      assert.equal(JSON.stringify(engine.requests[i].body.tools), JSON.stringify(engine.requests[0].body.tools));
    }
    // Arguments are written back as sorted, compact JSON.
    const edit = engine.requests[2].body.messages.find((m) => m.role === 'assistant' && m.tool_calls?.[0]?.function.name === 'edit_file');
    assert.equal(edit?.role === 'assistant' && edit.tool_calls?.[0]?.function.arguments, '{"new_text":"a + b","old_text":"a - b","path":"math.js"}');
    const reread = engine.requests[3].body.messages.at(-2);
    assert.equal(reread?.role === 'assistant' && reread.tool_calls?.[0]?.function.arguments, '{"path":"math.js"}');
  });

  it('sends a file read in full again as the diff since, and in full once that read has left the history', async () => {
    const tools = [new ReadFileTool(), editFileTool()] as AgentTool[];
    // Long enough that the diff is the shorter answer (for a 3-line file the file is).
    const helpers = Array.from({ length: 40 }, (_, i) => `function helper${i}(x) {\n  return x * ${i};\n}\n`).join('');
    workspace.files.set('math.js', `function add(a, b) {\n  return a - b;\n}\n${helpers}`);
    engine.push(
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }),
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }),
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', old_text: 'a - b', new_text: 'a + b' } }),
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }),
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js', start_line: 1 } }),
      reply('Done.'),
    );
    const session = new AgentSession(options({ tools }));
    assert.equal((await session.run('Fix add.')).reason, 'answered');
    const results = toolMessages(session.messages).map((m) => String(m.content));
    assert.match(results[0], /^Contents of math\.js \(lines 1-123 of 123\):/);
    assert.match(results[1], /^math\.js has not changed since you read it in full/);
    assert.match(results[3], /^math\.js changed since you read it in full/);
    assert.match(results[3], /\n- {2}return a - b;\n\+ {2}return a \+ b;\n/);
    assert.ok(results[3].length < results[0].length / 4, 'the diff is much shorter than the file');
    assert.match(results[4], /^Contents of math\.js \(lines 1-123 of 123\):\n```\nfunction add\(a, b\) \{\n {2}return a \+ b;/);

    // With fullRereads (the eval's other variant) the same re-read sends the file whole.
    engine.push(toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }), toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }), reply('Read.'));
    const whole = new AgentSession(options({ tools, fullRereads: true }));
    assert.equal((await whole.run('Read it twice.')).reason, 'answered');
    const twice = toolMessages(whole.messages).map((m) => String(m.content));
    assert.equal(twice.length, 2);
    assert.equal(twice[1], twice[0]);
    assert.match(twice[1], /^Contents of math\.js \(lines 1-123 of 123\):/);

    // Once every whole read is cut down in the history (as compaction does), a re-read sends the file again.
    for (const message of toolMessages(session.messages)) if (String(message.content).startsWith('Contents of')) message.content = '[cut]';
    engine.push(toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }), reply('Read.'));
    assert.equal((await session.run('Read it again.')).reason, 'answered');
    assert.match(String(toolMessages(session.messages).at(-1)?.content), /^Contents of math\.js \(lines 1-123 of 123\):/);
  });

  it('answers a re-read after the model\'s own exact edits or write with "not changed", while the read they built on is in the history', async () => {
    const tools = [new ReadFileTool(), new EditFileTool(), new WriteFileTool()] as AgentTool[];
    const helpers = Array.from({ length: 40 }, (_, i) => `function helper${i}(x) {\n  return x * ${i};\n}\n`).join('');
    workspace.files.set('math.js', `function add(a, b) {\n  return a - b;\n}\n${helpers}`);
    // Every call has the same id, as from an engine that sends none: the results still tell apart.
    const call = (name: string, args: Record<string, unknown>): ReturnType<typeof toolCallReply> => toolCallReply({ name, arguments: args, id: 'call_0' });
    engine.push(
      call('read_file', { path: 'math.js' }),
      call('edit_file', { path: 'math.js', search: 'a - b', replace: 'a + b' }),
      call('edit_file', { path: 'math.js', search: 'x * 3;', replace: 'x * 30;' }),
      call('read_file', { path: 'math.js' }),
      call('write_file', { path: 'notes.md', content: '# Notes\n' }),
      call('read_file', { path: 'notes.md' }),
      reply('Done.'),
    );
    const session = new AgentSession(options({ tools }));
    assert.equal((await session.run('Fix add.')).reason, 'answered');
    const results = toolMessages(session.messages).map((m) => String(m.content));
    assert.match(results[3], /^math\.js has not changed since your last edit_file of it earlier in this conversation; it is the text you last saw in full with your edits applied\./);
    assert.match(results[5], /^notes\.md has not changed since you created it with write_file/);

    // Something else changes the file: the re-read is the diff against what the edits left.
    workspace.files.set('math.js', String(workspace.files.get('math.js')).replace('x * 7;', 'x * 70;'));
    engine.push(toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }), reply('Read.'));
    assert.equal((await session.run('Read it again.')).reason, 'answered');
    const diff = String(toolMessages(session.messages).at(-1)?.content);
    assert.match(diff, /^math\.js changed since your last edit_file of it[^]*\n- {2}return x \* 7;\n\+ {2}return x \* 70;\n/);
    assert.doesNotMatch(diff, /a \+ b|x \* 30/, 'the model\'s own edits are not sent back');

    // Once the whole read the edits built on is cut down (as compaction does), the file comes whole.
    for (const message of toolMessages(session.messages)) if (String(message.content).startsWith('Contents of')) message.content = '[cut]';
    engine.push(toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }), reply('Read.'));
    assert.equal((await session.run('And again.')).reason, 'answered');
    assert.match(String(toolMessages(session.messages).at(-1)?.content), /^Contents of math\.js \(lines 1-123 of 123\):\n```\nfunction add\(a, b\) \{\n {2}return a \+ b;/);
  });

  it('does not call an edit the last one once a change it cannot vouch for followed, nor remember a result cut short', async () => {
    const tools = [new ReadFileTool(), new EditFileTool()] as AgentTool[];
    const helpers = Array.from({ length: 40 }, (_, i) => `function helper${i}(x) {\n  return x * ${i};\n}\n`).join('');
    workspace.files.set('math.js', `function add(a, b) {\n  return a - b;\n}\n${helpers}`);
    engine.push(
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }),
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', search: 'a - b', replace: 'a + b' } }),
      // Matched only when spacing is ignored: the file keeps its own indentation, not the model's.
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', search: 'function helper5(x) {\nreturn x * 5;', replace: 'function helper5(x) {\nreturn x * 50;' } }),
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }),
      reply('Done.'),
    );
    const session = new AgentSession(options({ tools }));
    assert.equal((await session.run('Fix add.')).reason, 'answered');
    const results = toolMessages(session.messages).map((m) => String(m.content));
    assert.match(results[2], /spacing is ignored/);
    assert.match(results[3], /^math\.js changed since you read it in full[^]*the rest is as you read it/);
    assert.match(results[3], /\n- {2}return a - b;\n\+ {2}return a \+ b;\n[^]*\n- {2}return x \* 5;\n\+ *return x \* 50;\n/);

    // A read cut to the output limit is not the whole file: a re-read sends it again, not "not changed".
    engine.push(toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }), toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }), reply('Read.'));
    const short = new AgentSession(options({ tools, maxToolOutputChars: 1000 }));
    assert.equal((await short.run('Read it twice.')).reason, 'answered');
    const twice = toolMessages(short.messages).map((m) => String(m.content));
    assert.match(twice[0], /characters cut/);
    assert.equal(twice[1], twice[0]);
  });

  it('sends precise errors for malformed calls and lets the model retry', async () => {
    engine.push(
      toolCallReply({ name: 'read_file', arguments: '{"path": "math.js"' }),
      toolCallReply({ name: 'read_file', arguments: { path: 42 } }),
      toolCallReply({ name: 'open_file', arguments: { path: 'math.js' } }),
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js' } }),
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }),
      reply('It subtracts.'),
    );
    const result = await runAgent({ ...options(), request: 'What does add do?', malformedRetries: 5 });
    assert.equal(result.reason, 'answered');
    const errors = toolMessages(result.messages).map((m) => m.content as string);
    assert.match(errors[0], /not valid JSON/);
    assert.match(errors[1], /Invalid arguments for read_file: "path" must be a string/);
    assert.match(errors[2], /no tool named "open_file"\. Available tools: read_file, write_file, edit_file, run_command/);
    assert.match(errors[3], /"old_text" is required/);
    assert.match(errors[4], /^function add/);
    // Broken JSON never reaches the history: llama-server would refuse the next request.
    const broken = engine.requests[1].body.messages.at(-2);
    assert.equal(broken?.role === 'assistant' && broken.tool_calls?.[0]?.function.arguments, '{}');
  });

  it('treats a call cut off by the token limit as incomplete', async () => {
    engine.push(
      toolCallReply({ name: 'write_file', arguments: '{"path":"notes.md","content":"# Notes\\n\\nThe first' }, { finishReason: 'length' }),
      toolCallReply({ name: 'write_file', arguments: { path: 'notes.md', content: '# Notes\n' } }),
      reply('Created notes.md.'),
    );
    const result = await runAgent({ ...options({ sampling: { maxTokens: 64 } }), request: 'Create notes.md' });
    assert.equal(result.reason, 'answered');
    const [cut] = toolMessages(result.messages);
    assert.match(cut.content as string, /cut off by the reply length limit \(64 tokens\)/);
    assert.equal(workspace.files.get('notes.md'), '# Notes\n');
    assert.equal(engine.requests[0].body.max_tokens, 64);
  });

  it('asks again when a turn is cut off before it said anything', async () => {
    engine.push(reply({ reasoning: 'Let me think about', finishReason: 'length' }), reply('It subtracts.'));
    const result = await runAgent({ ...options({ sampling: { maxTokens: 8 } }), request: 'What does add do?' });
    assert.equal(result.reason, 'answered');
    assert.equal(result.steps, 2);
    assert.match(String(engine.requests[1].body.messages.at(-1)?.content), /hit the length limit \(8 tokens\) before it said anything/);
  });

  it('fails after too many malformed turns in a row', async () => {
    for (let i = 0; i < 3; i++) engine.push(toolCallReply({ name: 'read_file', arguments: { file: `x${i}` } }));
    const result = await runAgent({ ...options(), request: 'Read it', malformedRetries: 2 });
    assert.equal(result.reason, 'failed');
    assert.match(result.error ?? '', /malformed tool calls 3 turns in a row.*"path" is required/);
  });

  it('recovers from a tool call the engine could not parse', async () => {
    engine.push(
      parseError({ text: 'Let me look.' }),
      parseError({ delivery: 'http' }),
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }),
      reply('Read it.'),
    );
    const result = await runAgent({ ...options(), request: 'Read math.js' });
    assert.equal(result.reason, 'answered');
    const retries = eventsOfType(events, 'step-retry');
    assert.deepEqual(retries.map((r) => [r.cause, r.attempt, r.step]), [['parse', 1, 1], ['parse', 2, 1]]);
    const second = engine.requests[1].body.messages;
    assert.deepEqual(second.slice(-2), [
      { role: 'assistant', content: 'Let me look.' },
      { role: 'user', content: PARSE_ERROR_NOTE },
    ]);
    assert.equal(result.steps, 2, 'a retried turn keeps its step number');
  });

  it('gives up after repeated parse failures', async () => {
    engine.push(parseError(), parseError(), parseError());
    const result = await runAgent({ ...options(), request: 'Read math.js', parseRetries: 2 });
    assert.equal(result.reason, 'failed');
    assert.match(result.error ?? '', /3 tool calls in a row that the engine could not parse/);
  });

  it('survives the engine dying mid-stream: waits for it and retries the step', async () => {
    const replacement = await startScriptedEngine({ apiKey: 'k2' });
    try {
      engine.push(toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }), resetMidStream({ text: 'The function subtr' }));
      replacement.push(reply('The function subtracts.'));
      const waited: string[] = [];
      const result = await runAgent({
        ...options(),
        request: 'Explain add',
        waitForEngine: async (error) => {
          waited.push(error.name);
          return new EngineClient({ baseUrl: replacement.url, apiKey: 'k2' });
        },
      });
      assert.equal(result.reason, 'answered');
      assert.equal(result.answer, 'The function subtracts.');
      assert.deepEqual(waited, ['EngineConnectionLostError']);
      const retry = eventsOfType(events, 'step-retry')[0];
      assert.equal(retry.cause, 'engine');
      assert.equal(retry.step, 2);
      // The restarted engine got the whole conversation, unchanged.
      assert.deepEqual(replacement.requests[0].body.messages, engine.requests[1].body.messages);
    } finally {
      await replacement.close();
    }
  });

  it('fails with a clear error when the engine stays down, keeping the conversation', async () => {
    // Three attempts; the client itself sends each once more on a fresh connection.
    engine.push(...Array.from({ length: 6 }, () => resetMidStream({ beforeHeaders: true })));
    const session = new AgentSession(options({ engineRetries: 2 }));
    const result = await session.run('Explain add', { onEvent: (e) => events.push(e) });
    assert.equal(result.reason, 'failed');
    assert.match(result.error ?? '', /connection to the engine broke.*gave up after 2 retries/);
    assert.equal(result.problem?.code, 'engine-connection-lost', 'the failure keeps its code for the front end to word');
    assert.deepEqual(events.find((e) => e.type === 'error'), { type: 'error', message: result.error, fatal: true, problem: result.problem });
    assert.deepEqual(session.messages.map((m) => m.role), ['system', 'user']);
    // The same session carries on once the engine is back.
    engine.push(reply('It subtracts.'));
    const again = await session.run('Try again');
    assert.equal(again.reason, 'answered');
    assert.deepEqual(session.messages.map((m) => m.role), ['system', 'user', 'user', 'assistant']);
  });

  it('fails at once on errors that retrying cannot fix', async () => {
    engine.push(httpError(400, 'bad request'));
    const result = await runAgent({ ...options(), request: 'Hi' });
    assert.equal(result.reason, 'failed');
    assert.match(result.error ?? '', /HTTP 400/);
    assert.equal(eventsOfType(events, 'error')[0]?.fatal, true);
  });

  it('stops at the step limit', async () => {
    for (let i = 0; i < 3; i++) engine.push(toolCallReply({ name: 'read_file', arguments: { path: `f${i}.js` } }));
    const result = await runAgent({ ...options({ maxSteps: 3 }), request: 'Read everything' });
    assert.equal(result.reason, 'step-limit');
    assert.equal(result.steps, 3);
    assert.equal(engine.requests.length, 3);
    assert.equal(toolMessages(result.messages).length, 3, 'every call still has its result');
  });

  it('stops when the same call repeats three times', async () => {
    for (let i = 0; i < 3; i++) engine.push(toolCallReply({ name: 'run_command', arguments: i === 1 ? '{ "command" : "npm test" }' : { command: 'npm test' } }));
    const result = await runAgent({ ...options(), request: 'Make the tests pass' });
    assert.equal(result.reason, 'loop-detected');
    assert.deepEqual(workspace.commands, ['npm test', 'npm test'], 'the third identical call is not run');
    assert.match(toolMessages(result.messages).at(-1)?.content as string, /same run_command call with the same arguments 3 times/);
  });

  it('does not count a repeated call with other calls in between as a loop', async () => {
    engine.push(
      toolCallReply({ name: 'run_command', arguments: { command: 'npm test' } }),
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', old_text: 'a - b', new_text: 'a + b' } }),
      toolCallReply({ name: 'run_command', arguments: { command: 'npm test' } }),
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }),
      toolCallReply({ name: 'run_command', arguments: { command: 'npm test' } }),
      reply('Green.'),
    );
    const result = await runAgent({ ...options(), request: 'Fix it' });
    assert.equal(result.reason, 'answered');
  });

  it('stops mid-stream when aborted, keeping the text already shown', async () => {
    engine.push(stall({ text: 'Thinking about add', keepAliveMs: 20 }));
    const controller = new AbortController();
    const result = await runAgent({
      ...options(),
      request: 'Explain add',
      signal: controller.signal,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'text-delta') controller.abort();
      },
    });
    assert.equal(result.reason, 'stopped');
    const record = await engine.waitForRequest(0);
    await record.closed;
    assert.equal(record.abortedByClient, true, 'the stream was closed so the engine stops generating');
    const last = result.messages.at(-1);
    assert.equal(last?.role, 'assistant');
    assert.ok(typeof last?.content === 'string' && last.content.length > 0);
  });

  it('does not take a thinking-only turn for an answer: it asks again, and gives up saying why', async () => {
    engine.push(reply({ reasoning: 'The user wants a summary. I should write one.', text: '' }), reply('Here is the summary.'));
    const answered = await runAgent({ ...options({}), request: 'Summarise' });
    assert.equal(answered.reason, 'answered');
    assert.equal(answered.answer, 'Here is the summary.');
    assert.ok(answered.messages.some((m) => m.role === 'user' && typeof m.content === 'string' && /ended with no answer/.test(m.content)));

    engine.push(reply({ reasoning: 'Hmm.', text: '' }), reply({ reasoning: 'Hmm again.', text: '' }), reply(''), reply(''));
    const empty = await runAgent({ ...options({}), request: 'Summarise' });
    assert.equal(empty.reason, 'failed');
    assert.match(empty.error ?? '', /without an answer or a tool call/);
  });

  it('asks for prompt progress and passes it on while the engine reads the prompt', async () => {
    const progress = (processed: number) => `data: {"choices":[{"delta":{},"finish_reason":null,"index":0}],"prompt_progress":{"total":4000,"cache":1000,"processed":${processed},"time_ms":5}}\n\n`;
    engine.push(
      rawStream([
        progress(2000),
        progress(4000),
        'data: {"choices":[{"delta":{"content":"Read it."},"finish_reason":null,"index":0}]}\n\n',
        'data: {"choices":[{"delta":{},"finish_reason":"stop","index":0}]}\n\n',
        'data: [DONE]\n\n',
      ]),
    );
    const result = await runAgent({ ...options({}), request: 'Read' });
    assert.equal(result.answer, 'Read it.');
    assert.equal(engine.requests[0].body.return_progress, true);
    assert.deepEqual(
      events.filter((e) => e.type === 'prompt-progress').map((e) => (e.type === 'prompt-progress' ? [e.processed, e.total, e.cached] : [])),
      [[2000, 4000, 1000], [4000, 4000, 1000]],
    );
  });

  it('gives an engine that says nothing one more try, then stops saying so', async () => {
    engine.push(stall({ headers: false }), stall({ headers: false }), reply('too late'));
    const quick = new EngineClient({ baseUrl: engine.url, apiKey: 'k', headersTimeoutMs: 200 });
    const result = await runAgent({ ...options({ client: quick }), request: 'Hello' });
    assert.equal(result.reason, 'failed');
    assert.match(result.error ?? '', /did not start answering.*gave up after 1 retries/);
    assert.equal(engine.requests.length, 2, 'one retry, not three');
  });

  it('sends a denial back to the model, which then answers', async () => {
    engine.push(
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', old_text: 'a - b', new_text: 'a + b' } }),
      reply('You declined the edit; change "a - b" to "a + b" yourself.'),
    );
    const approver = new ScriptedApprover(() => ({ approved: false, reason: 'I will do it myself' }));
    const result = await runAgent({ ...options({ approver, approval: { ...DEFAULT_APPROVAL_SETTINGS } }), request: 'Fix add' });
    assert.equal(result.reason, 'answered');
    assert.equal(approver.asked.length, 1);
    assert.equal(approver.asked[0].category, 'edit');
    assert.match(approver.asked[0].after ?? '', /a \+ b/);
    assert.equal(approver.asked[0].why, 'edits ask first', 'the approver hears why the policy asks');
    assert.equal(workspace.files.get('math.js'), 'function add(a, b) {\n  return a - b;\n}\n', 'nothing changed');
    assert.match(toolMessages(result.messages)[0].content as string, /^The user denied: I will do it myself/);
    assert.deepEqual(
      events.filter((e) => e.type === 'approval-needed' || e.type === 'approval-decided').map((e) => e.type),
      ['approval-needed', 'approval-decided'],
    );
  });

  it('asks for never-auto commands even when commands are auto-approved', async () => {
    engine.push(
      toolCallReply({ name: 'run_command', arguments: { command: 'npm test && git push --force' } }),
      toolCallReply({ name: 'run_command', arguments: { command: 'npm test' } }),
      reply('Done.'),
    );
    const approver = new ScriptedApprover(() => ({ approved: false }));
    const result = await runAgent({ ...options({ approver }), request: 'Test and push' });
    assert.equal(result.reason, 'answered');
    assert.equal(approver.asked.length, 1);
    assert.equal(approver.asked[0].detail, 'npm test && git push --force');
    assert.deepEqual(workspace.commands, ['npm test']);
    const decided = eventsOfType(events, 'approval-decided');
    assert.deepEqual(decided.map((d) => [d.approved, d.automatic]), [[false, false], [true, true]]);
  });

  it('recovers from a failed edit when the model corrects the text', async () => {
    engine.push(
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', old_text: 'return a-b;', new_text: 'return a + b;' } }),
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', old_text: 'return a - b;', new_text: 'return a + b;' } }),
      reply('Fixed.'),
    );
    const result = await runAgent({ ...options(), request: 'Fix add' });
    assert.equal(result.reason, 'answered');
    const [failed, ok] = toolMessages(result.messages);
    assert.match(failed.content as string, /^edit_file failed: old_text was not found/);
    assert.equal(ok.content, 'Edited math.js.');
    assert.match(workspace.files.get('math.js') ?? '', /a \+ b/);
  });

  it('runs without tools in Restricted Mode', async () => {
    engine.push(toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }), reply('I cannot read files here.'));
    const result = await runAgent({ ...options({ approval: { ...AUTO_ALL, restricted: true } }), request: 'Read math.js' });
    assert.equal(result.reason, 'answered');
    assert.equal(engine.requests[0].body.tools, undefined);
    assert.equal(engine.requests[0].body.tool_choice, undefined);
    assert.doesNotMatch(engine.requests[0].body.messages[0].content as string, /read_file/);
    assert.match(toolMessages(result.messages)[0].content as string, /Restricted Mode/);
  });

  it('undoes every change of a run through the checkpoint', async () => {
    workspace.files.set('README.md', '# Project\n');
    engine.push(
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', old_text: 'a - b', new_text: 'a + b' } }),
      toolCallReply({ name: 'write_file', arguments: { path: 'docs/new.md', content: 'new\n' } }),
      toolCallReply({ name: 'write_file', arguments: { path: './math.js', content: 'rewritten\n' } }),
      toolCallReply({ name: 'write_file', arguments: { path: 'README.md', content: '# Changed\n' } }),
      reply('Done.'),
    );
    const before = new Map(workspace.files);
    const result = await runAgent({ ...options(), request: 'Change things' });
    assert.equal(result.reason, 'answered');
    assert.notDeepEqual(workspace.files, before);
    assert.deepEqual(result.checkpoint.entries.map((e) => [e.path, e.original]), [
      ['math.js', before.get('math.js')],
      ['docs/new.md', undefined],
      ['README.md', '# Project\n'],
    ]);
    const report = await result.checkpoint.undoRun();
    assert.deepEqual(report.failed, []);
    assert.deepEqual(workspace.files, before);
  });

  it('passes sampling options and thinking through to the engine', async () => {
    engine.push(reply('ok'));
    await runAgent({
      ...options({ sampling: { temperature: 0.1, topP: 0.9, topK: 20, seed: 7, thinking: false, toolChoice: 'required' } }),
      request: 'hi',
    });
    const body = engine.requests[0].body;
    assert.equal(body.temperature, 0.1);
    assert.equal(body.top_p, 0.9);
    assert.equal(body.top_k, 20);
    assert.equal(body.seed, 7);
    assert.equal(body.tool_choice, 'required');
    assert.deepEqual(body.chat_template_kwargs, { enable_thinking: false });
  });

  it('refuses a second run while one is in progress', async () => {
    engine.push(stall({ headers: false }));
    const session = new AgentSession(options());
    const controller = new AbortController();
    const first = session.run('one', { signal: controller.signal });
    await engine.waitForRequest(0);
    await assert.rejects(session.run('two'), /already running/);
    controller.abort();
    assert.equal((await first).reason, 'stopped');
  });
});

describe('agent loop in Ask mode (read-only)', () => {
  it('reads, refuses the edit without asking anyone, and tells the model why', async () => {
    const engine = await startScriptedEngine({
      steps: [
        toolCallReply({ name: 'read_file', arguments: { path: 'a.js' } }),
        toolCallReply({ name: 'write_file', arguments: { path: 'b.js', content: 'x' } }),
        reply('Plan: 1. create b.js'),
      ],
    });
    try {
      const workspace = new MemoryWorkspace({ 'a.js': 'const a = 1;\n' });
      const approver = new ScriptedApprover();
      const result = await runAgent({ client: new EngineClient({ baseUrl: engine.url }), workspace, tools: memoryTools(), approver, approval: { ...DEFAULT_APPROVAL_SETTINGS, edits: 'auto', readOnly: true }, request: 'Plan it.' });
      assert.equal(result.reason, 'answered');
      assert.equal(workspace.files.has('b.js'), false, 'nothing was written');
      assert.equal(approver.asked.length, 0, 'nobody was asked');
      const tool = result.messages.filter((m) => m.role === 'tool').at(-1);
      assert.match(String(tool?.content), /Not done: this is Ask mode/);
    } finally {
      await engine.close();
    }
  });
});

describe('agent session warm-up', () => {
  it('sends the system prompt and tools alone, for one token, and the first run starts with exactly those messages', async () => {
    const engine = await startScriptedEngine();
    try {
      const client = new EngineClient({ baseUrl: engine.url });
      const session = new AgentSession({ client, workspace: new MemoryWorkspace({ 'a.js': 'x' }), tools: memoryTools(), approver: new ScriptedApprover(), approval: { ...DEFAULT_APPROVAL_SETTINGS } });
      await session.warmUp();
      assert.equal(engine.warmUps.length, 1);
      const warm = engine.warmUps[0];
      assert.equal(warm.max_tokens, 1);
      assert.deepEqual(warm.messages.map((m) => m.role), ['system']);
      engine.push(reply('Hi.'));
      await session.run('hello');
      const first = engine.requests[0].body;
      assert.deepEqual(first.messages[0], warm.messages[0], 'the same system prompt, byte for byte');
      assert.deepEqual(first.tools, warm.tools, 'the same tool definitions');
      assert.deepEqual(first.chat_template_kwargs, warm.chat_template_kwargs, 'the same template flags');
    } finally {
      await engine.close();
    }
  });
});
