import { strict as assert } from 'node:assert';
import {
  compactConversation,
  EARLIER_CONVERSATION_HEADER,
  PROGRESS_HEADER,
  plainSummary,
} from '../../agent/context/compaction';
import { ContextBudget } from '../../agent/context/contextBudget';
import { RULES_NOTE_PREFIX } from '../../agent/context/projectRules';
import { estimateConversationTokens } from '../../agent/context/tokenEstimate';
import { runAgent } from '../../agent/loop';
import { DEFAULT_APPROVAL_SETTINGS } from '../../agent/policy/approvalSettings';
import type { AgentEvent } from '../../agent/events';
import { EngineClient, timingsFromWire } from '../../engine/client';
import type { ChatMessage } from '../../engine/protocol';
import { contextOverflow, reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { eventsOfType, MemoryWorkspace, memoryTools, ScriptedApprover } from '../support/agentTestKit';

const SYSTEM: ChatMessage = { role: 'system', content: 'You are Gemma Agent.' };
const BIG = 'x'.repeat(6000);

/** An earlier exchange and the current request with several tool steps after it. */
function longConversation(): { messages: ChatMessage[]; requestIndex: number } {
  const messages: ChatMessage[] = [SYSTEM, { role: 'user', content: 'Earlier: explain utils.js' }, { role: 'assistant', content: `It has ${BIG}` }];
  messages.push({ role: 'user', content: 'Now fix the bug in parser.js' });
  const requestIndex = messages.length - 1;
  for (let i = 0; i < 5; i++) {
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `c${i}`, type: 'function', function: { name: 'read_file', arguments: `{"path":"f${i}.js"}` } }] });
    messages.push({ role: 'tool', tool_call_id: `c${i}`, name: 'read_file', content: `${i}:${BIG}` });
  }
  return { messages, requestIndex };
}

describe('agent context budget', () => {
  it('first cuts old tool outputs, keeping the latest steps whole', async () => {
    const { messages, requestIndex } = longConversation();
    const before = estimateConversationTokens(messages);
    const result = await compactConversation({ messages, requestIndex, tools: [], limit: before - 5000 });
    assert.ok(result);
    assert.equal(result.method, 'truncate');
    assert.ok(result.tokensAfter < result.tokensBefore);
    assert.equal(result.messages.length, messages.length);
    assert.deepEqual(result.messages.slice(-4), messages.slice(-4), 'recent steps untouched');
    const firstTool = result.messages.find((m) => m.role === 'tool');
    assert.match(firstTool?.content as string, /more characters of this output were removed/);
  });

  it('summarises the oldest turns, never dropping the system prompt or the request', async () => {
    const { messages, requestIndex } = longConversation();
    const transcripts: string[] = [];
    const result = await compactConversation({
      messages,
      requestIndex,
      tools: [],
      limit: 1500,
      summarise: async (transcript) => {
        transcripts.push(transcript);
        return `summary #${transcripts.length}`;
      },
    });
    assert.ok(result);
    assert.equal(result.method, 'summarise');
    assert.equal(result.messages[0], SYSTEM);
    assert.equal(result.messages[result.requestIndex].content, 'Now fix the bug in parser.js');
    // The earlier conversation is big enough for the model's summary; the steps so far, their
    // outputs already cut, are not, and get the plain list of calls.
    assert.equal(transcripts.length, 1, 'the model summarises only what is worth it');
    assert.match(transcripts[0], /Earlier: explain utils\.js/);
    assert.deepEqual(result.messages[1], { role: 'user', content: `${EARLIER_CONVERSATION_HEADER}\nsummary #1` });
    const progress = result.messages[result.requestIndex + 1];
    assert.equal(progress.role, 'user', 'tool text goes back as user data, never as the assistant');
    assert.match(progress.content as string, new RegExp(`^${PROGRESS_HEADER.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n- Called read_file`));
    // A tool result is never separated from its call.
    for (const [i, message] of result.messages.entries()) {
      if (message.role !== 'tool') continue;
      const owner = result.messages.slice(0, i).reverse().find((m) => m.role !== 'tool');
      assert.ok(owner?.role === 'assistant' && owner.tool_calls?.some((c) => c.id === message.tool_call_id));
    }
    assert.ok(result.tokensAfter < 1500 + 200);
  });

  it('falls back to a plain list of calls when the summary request fails', async () => {
    const { messages, requestIndex } = longConversation();
    const result = await compactConversation({
      messages,
      requestIndex,
      tools: [],
      limit: 1000,
      summarise: async () => {
        throw new Error('engine down');
      },
    });
    assert.ok(result);
    assert.match(result.messages[result.requestIndex + 1].content as string, /- Called read_file \{"path":"f0\.js"\}/);
  });

  it('measures the prompt from timings and estimates only what came after', () => {
    const budget = new ContextBudget({ contextSize: 8192, reserveTokens: 1024 });
    assert.equal(budget.limit, Math.floor((8192 - 1024) * 0.9));
    const messages: ChatMessage[] = [SYSTEM, { role: 'user', content: 'hi' }];
    budget.observe(2, timingsFromWire({ cache_n: 100, prompt_n: 400, predicted_n: 50 }));
    messages.push({ role: 'assistant', content: 'hello' });
    assert.equal(budget.promptTokens(messages, []), 550);
    messages.push({ role: 'user', content: 'y'.repeat(300) });
    assert.equal(budget.promptTokens(messages, []), 550 + 8 + 100);
  });

  it('calibrates its estimate on the engine\'s count, so what compaction expects is what the engine will see', () => {
    const budget = new ContextBudget({ contextSize: 100_000, reserveTokens: 1000 });
    const sent: ChatMessage[] = [SYSTEM, { role: 'user', content: 'z'.repeat(3000) }];
    const estimated = estimateConversationTokens(sent);
    // The engine counted 2.8 times what the character estimate says (as a byte-level vocabulary does).
    const engineCount = Math.round(estimated * 2.8);
    budget.observe(2, timingsFromWire({ cache_n: 0, prompt_n: engineCount, predicted_n: 10 }), sent, []);
    const rewritten: ChatMessage[] = [SYSTEM, { role: 'user', content: 'z'.repeat(1500) }];
    const truth = Math.round(estimateConversationTokens(rewritten) * 2.8);
    const error = Math.abs(budget.estimate(rewritten, []) - truth) / truth;
    assert.ok(error < 0.15, `calibrated estimate within 15% (off by ${(error * 100).toFixed(1)}%)`);
    assert.ok(budget.target < budget.limit * 0.75, 'compaction aims well under the limit');
  });

  it('does not call the model to summarise a few small outputs', async () => {
    const messages: ChatMessage[] = [SYSTEM, { role: 'user', content: 'Earlier question' }, { role: 'assistant', content: 'short answer' }, { role: 'user', content: 'Now list the files' }];
    for (let i = 0; i < 6; i++) {
      messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `c${i}`, type: 'function', function: { name: 'list_dir', arguments: '{"path":"."}' } }] });
      messages.push({ role: 'tool', tool_call_id: `c${i}`, name: 'list_dir', content: 'a.js\nb.js' });
    }
    let called = 0;
    const result = await compactConversation({ messages, requestIndex: 3, tools: [], limit: 60, summarise: async () => `summary ${++called}` });
    assert.ok(result);
    assert.equal(called, 0, 'a plain list of the calls is enough for this');
  });
});

describe('agent loop: context compaction', () => {
  let engine: ScriptedEngine;
  let client: EngineClient;
  let events: AgentEvent[];

  beforeEach(async () => {
    engine = await startScriptedEngine({ props: { nCtx: 4096 } });
    client = new EngineClient({ baseUrl: engine.url });
    events = [];
  });
  afterEach(async () => {
    await engine.close();
  });

  it('summarises with the model when the context fills up and cutting tool outputs is not enough', async () => {
    const workspace = new MemoryWorkspace();
    for (let i = 0; i < 4; i++) workspace.files.set(`f${i}.js`, `// file ${i}\n${'const value = 1;\n'.repeat(400)}`);
    // The scripted replies in order, except that a summary request always gets the summary.
    const plan = [
      ...[0, 1, 2, 3].map((i) => toolCallReply({ name: 'read_file', arguments: { path: `f${i}.js` } })),
      reply('All four files only define value.'),
    ];
    for (let i = 0; i < 12; i++) {
      engine.push((request) => (request.body.tools === undefined ? reply('- read f0..f3; nothing is wrong yet') : (plan.shift() ?? reply('Done.'))));
    }
    // An earlier exchange with a long answer: no tool output to cut there, so only a summary makes room.
    const history: ChatMessage[] = [
      { role: 'user', content: 'Explain the project layout.' },
      { role: 'assistant', content: `The layout: ${'folders and files, '.repeat(400)}` },
    ];
    const result = await runAgent({
      client,
      workspace,
      tools: memoryTools(),
      approver: new ScriptedApprover(),
      approval: { ...DEFAULT_APPROVAL_SETTINGS },
      sampling: { maxTokens: 512 },
      history,
      request: 'Read f0.js to f3.js and tell me what they define.',
      onEvent: (event) => events.push(event),
    });
    assert.equal(result.reason, 'answered');
    const compacted = eventsOfType(events, 'context-compacted');
    assert.ok(compacted.some((c) => c.method === 'summarise'), 'a summary made the room');
    assert.ok(compacted.length >= 1, 'compacted at least once');
    assert.ok(compacted[0].tokensAfter < compacted[0].tokensBefore);

    // The summary was asked for without tools or streaming of the agent's own request shape.
    const summaryRequest = engine.requests.find((r) => r.body.tools === undefined && r.body.messages[0].role === 'system' && /compress the history/.test(r.body.messages[0].content as string));
    assert.ok(summaryRequest, 'a summary request was sent');

    const last = engine.requests.at(-1)!.body.messages;
    assert.equal(last[0].role, 'system');
    assert.match(last[0].content as string, /You are Gemma Agent/);
    assert.ok(last.some((m) => m.role === 'user' && m.content === 'Read f0.js to f3.js and tell me what they define.'));
  });

  it('compacts and retries once when the engine reports a context overflow', async () => {
    const workspace = new MemoryWorkspace({ 'big.js': 'y'.repeat(20_000) });
    engine.push(
      toolCallReply({ name: 'read_file', arguments: { path: 'big.js' } }),
      toolCallReply({ name: 'read_file', arguments: { path: 'big.js' } }),
      contextOverflow({ nCtx: 4096, promptTokens: 9000 }),
      reply('It is a long line of y.'),
    );
    const result = await runAgent({
      client,
      workspace,
      tools: memoryTools(),
      approver: new ScriptedApprover(),
      contextSize: 1_000_000,
      request: 'What is in big.js?',
      onEvent: (event) => events.push(event),
    });
    assert.equal(result.reason, 'answered', result.error);
    assert.equal(result.answer, 'It is a long line of y.');
    assert.equal(eventsOfType(events, 'context-compacted').length, 1);
    const retried = engine.requests[3].body.messages;
    assert.deepEqual(retried.slice(0, 2), engine.requests[2].body.messages.slice(0, 2), 'system prompt and request kept');
    const outputs = retried.filter((m) => m.role === 'tool').map((m) => (m.content as string).length);
    assert.ok(outputs.every((length) => length < 1000), `tool outputs cut down: ${outputs.join(', ')}`);
    assert.equal(eventsOfType(events, 'step-retry')[0]?.cause, 'engine');
  });
});

describe('compaction summaries', () => {
  it('carry an earlier summary over line by line instead of nesting it', () => {
    const lines = plainSummary([
      { role: 'user', content: `${EARLIER_CONVERSATION_HEADER}\n- The user asked: fix add\n- Called edit_file {"path":"a.js"}` },
      { role: 'user', content: 'now the tests' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'run_command', arguments: '{"command":"npm test"}' } }] },
      { role: 'tool', tool_call_id: 'c', content: 'ok 3 tests' },
    ]).split('\n');
    assert.deepEqual(lines, ['- The user asked: fix add', '- Called edit_file {"path":"a.js"}', '- The user asked: now the tests', '- Called run_command {"command":"npm test"}', '  -> ok 3 tests']);
  });
});

describe('compaction and project rules notes', () => {
  it('does not take a rules note for something the user asked', () => {
    const summary = plainSummary([
      { role: 'user', content: 'Fix the parser' },
      { role: 'user', content: `${RULES_NOTE_PREFIX}, from src/AGENTS.md: use tabs.` },
    ]);
    assert.match(summary, /- The user asked: Fix the parser/);
    assert.match(summary, /- Project rules were shown \(src\/AGENTS\.md\)/);
    assert.doesNotMatch(summary, /The user asked: Project rules/);
  });
});
