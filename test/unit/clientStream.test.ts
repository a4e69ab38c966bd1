import { strict as assert } from 'node:assert';
import { EngineClient } from '../../engine/client';
import type { ChatRequest, ToolDefinition } from '../../engine/protocol';
import { collect, joined } from '../support/chat';
import {
  rawStream,
  reply,
  startScriptedEngine,
  toolCallReply,
  type ScriptedEngine,
} from '../support/scriptedEngine';

const tools: ToolDefinition[] = [
  {
    type: 'function',
    function: {
      name: 'read_file',
      description: 'Read a file of the workspace',
      parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    },
  },
  {
    type: 'function',
    function: { name: 'grep', parameters: { type: 'object', properties: { pattern: { type: 'string' } } } },
  },
];

const hello: ChatRequest = { messages: [{ role: 'user', content: 'Say hello' }] };

describe('EngineClient.streamChat', () => {
  let engine: ScriptedEngine;
  let client: EngineClient;

  beforeEach(async () => {
    engine = await startScriptedEngine({ apiKey: 'secret' });
    client = new EngineClient({ baseUrl: engine.url, apiKey: 'secret' });
  });
  afterEach(async () => {
    await engine.close();
  });

  it('streams text and finishes with timings and usage', async () => {
    engine.push(reply('Hello there, how can I help?', { chunkSize: 5 }));
    const events = await collect(client.streamChat(hello));
    assert.equal(joined(events, 'text'), 'Hello there, how can I help?');
    assert.ok(events.filter((event) => event.type === 'text').length > 1, 'text arrives in several deltas');
    const done = events.at(-1);
    assert.ok(done?.type === 'done');
    assert.equal(done.finishReason, 'stop');
    assert.ok(done.timings && done.usage);
    assert.equal(done.timings.predicted_per_second, 24);
    assert.equal(done.timings.tokensPerSecond, 24);
    assert.ok(done.timings.draft_n > 0);
    assert.equal(done.timings.draftAcceptance, done.timings.draft_n_accepted / done.timings.draft_n);
    assert.equal(done.usage.completion_tokens, done.timings.predicted_n);
    assert.equal(done.usage.prompt_tokens_details?.cached_tokens, done.timings.cache_n);
  });

  it('streams reasoning before the answer', async () => {
    engine.push(reply({ reasoning: 'The user greets me.', text: 'Hi!' }));
    const events = await collect(client.streamChat(hello));
    assert.equal(joined(events, 'reasoning'), 'The user greets me.');
    assert.equal(joined(events, 'text'), 'Hi!');
    const lastReasoning = events.map((event) => event.type).lastIndexOf('reasoning');
    const firstText = events.findIndex((event) => event.type === 'text');
    assert.ok(lastReasoning < firstText);
  });

  it('assembles parallel tool calls from fragments', async () => {
    engine.push(
      toolCallReply(
        [
          { name: 'read_file', arguments: { path: 'src/a.ts' }, id: 'call-a' },
          { name: 'grep', arguments: { pattern: 'TODO', glob: '**/*.ts' }, id: 'call-b' },
          { name: 'read_file', arguments: { path: 'README.md' }, id: 'call-c' },
        ],
        { text: 'Let me look.', chunkSize: 3 },
      ),
    );
    const events = await collect(client.streamChat({ ...hello, tools }));
    const deltas = events.filter((event) => event.type === 'tool-call-delta');
    assert.ok(deltas.length > 6, 'arguments arrive in fragments');
    assert.deepEqual(
      deltas.filter((delta) => delta.name).map((delta) => [delta.index, delta.id, delta.name]),
      [
        [0, 'call-a', 'read_file'],
        [1, 'call-b', 'grep'],
        [2, 'call-c', 'read_file'],
      ],
    );
    const assembled = events.find((event) => event.type === 'tool-calls');
    assert.ok(assembled?.type === 'tool-calls');
    assert.deepEqual(assembled.calls, [
      { id: 'call-a', name: 'read_file', arguments: '{"path":"src/a.ts"}' },
      { id: 'call-b', name: 'grep', arguments: '{"pattern":"TODO","glob":"**/*.ts"}' },
      { id: 'call-c', name: 'read_file', arguments: '{"path":"README.md"}' },
    ]);
    const done = events.at(-1);
    assert.ok(done?.type === 'done');
    assert.equal(done.finishReason, 'tool_calls');
    assert.equal(events.at(-2)?.type, 'tool-calls', 'the assembled calls come just before done');
  });

  it('assembles calls whose fragments interleave', async () => {
    const chunk = (toolCalls: object[]): string =>
      `data: ${JSON.stringify({ choices: [{ delta: { tool_calls: toolCalls }, finish_reason: null, index: 0 }], object: 'chat.completion.chunk' })}\n\n`;
    engine.push(
      rawStream([
        chunk([{ index: 1, id: 'b', type: 'function', function: { name: 'grep', arguments: '{"pat' } }]),
        chunk([{ index: 0, id: 'a', type: 'function', function: { name: 'read_file', arguments: '' } }]),
        chunk([{ index: 1, function: { arguments: 'tern":"x"}' } }, { index: 0, function: { arguments: '{"path":"a"}' } }]),
        `data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: 'tool_calls', index: 0 }] })}\n\n`,
        'data: [DONE]\n\n',
      ]),
    );
    const events = await collect(client.streamChat({ ...hello, tools }));
    const assembled = events.find((event) => event.type === 'tool-calls');
    assert.ok(assembled?.type === 'tool-calls');
    assert.deepEqual(assembled.calls, [
      { id: 'a', name: 'read_file', arguments: '{"path":"a"}' },
      { id: 'b', name: 'grep', arguments: '{"pattern":"x"}' },
    ]);
  });

  it('sends the request as llama-server expects it', async () => {
    engine.push(reply('ok'));
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const request: ChatRequest = {
      messages: [
        { role: 'system', content: 'You are a coding agent.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Build this page' },
            { type: 'image_url', image_url: { url: png } },
            { type: 'input_audio', input_audio: { data: 'UklGRiQAAABXQVZF', format: 'wav' } },
          ],
        },
      ],
      temperature: 0.2,
      max_tokens: 256,
      chat_template_kwargs: { enable_thinking: false },
      cache_prompt: true,
      tools,
      tool_choice: 'auto',
    };
    await collect(client.streamChat(request));
    const [sent] = engine.requests;
    assert.ok(sent);
    assert.equal(sent.headers.authorization, 'Bearer secret');
    assert.equal(sent.body.stream, true);
    assert.deepEqual(sent.body.stream_options, { include_usage: true });
    assert.deepEqual(sent.body.chat_template_kwargs, { enable_thinking: false });
    assert.equal(sent.body.temperature, 0.2);
    assert.equal(sent.body.max_tokens, 256);
    assert.equal(sent.body.cache_prompt, true);
    assert.deepEqual(sent.body.messages, request.messages, 'the image and audio parts arrive untouched');
  });

  it('turns a named tool_choice into required with only that tool', async () => {
    engine.push(toolCallReply({ name: 'grep', arguments: { pattern: 'x' } }));
    await collect(client.streamChat({ ...hello, tools, tool_choice: { type: 'function', function: { name: 'grep' } } }));
    const sent = engine.requests[0]?.body;
    assert.equal(sent?.tool_choice, 'required');
    assert.deepEqual(sent?.tools?.map((tool) => tool.function.name), ['grep']);
    assert.throws(
      () => client.streamChat({ ...hello, tools, tool_choice: { type: 'function', function: { name: 'nope' } } }),
      /not among the request's tools/,
    );
  });

  it('reports prompt progress when the request asks for it', async () => {
    const base = { object: 'chat.completion.chunk' };
    engine.push(
      rawStream([
        `data: ${JSON.stringify({ ...base, choices: [{ delta: { role: 'assistant', content: null }, finish_reason: null, index: 0 }], prompt_progress: { total: 900, cache: 100, processed: 400, time_ms: 1500.5 } })}\n\n`,
        `data: ${JSON.stringify({ ...base, choices: [{ delta: { content: 'x' }, finish_reason: null, index: 0 }] })}\n\n`,
        `data: ${JSON.stringify({ ...base, choices: [{ delta: {}, finish_reason: 'length', index: 0 }], timings: { cache_n: 100, prompt_n: 800, prompt_ms: 3000, predicted_n: 1, predicted_ms: 40, predicted_per_second: 25 } })}\n\n`,
        'data: [DONE]\n\n',
      ]),
    );
    const events = await collect(client.streamChat({ ...hello, return_progress: true }));
    assert.deepEqual(events[0], { type: 'prompt-progress', progress: { total: 900, cache: 100, processed: 400, time_ms: 1500.5 } });
    const done = events.at(-1);
    assert.ok(done?.type === 'done');
    assert.equal(done.finishReason, 'length');
    assert.equal(done.timings?.draft_n, 0);
    assert.equal(done.timings?.draftAcceptance, undefined, 'no drafter, no acceptance');
    assert.equal(done.usage, undefined);
  });

  it('puts timings on the finish chunk when usage is not requested', async () => {
    engine.push(reply('ok'));
    const events = await collect(client.streamChat({ ...hello, stream_options: { include_usage: false } }));
    const done = events.at(-1);
    assert.ok(done?.type === 'done');
    assert.ok(done.timings);
    assert.equal(done.usage, undefined);
  });

  it('closes the connection when the caller stops reading early', async () => {
    engine.push(reply('one two three four five six seven eight', { chunkSize: 4, delayMs: 20 }));
    for await (const event of client.streamChat(hello)) {
      if (event.type === 'text') break;
    }
    const request = await engine.waitForRequest(0);
    await request.closed;
    assert.equal(request.abortedByClient, true);
  });
});

describe('EngineClient.chat', () => {
  let engine: ScriptedEngine;
  let client: EngineClient;

  beforeEach(async () => {
    engine = await startScriptedEngine();
    client = new EngineClient({ baseUrl: `${engine.url}/v1/` });
  });
  afterEach(async () => {
    await engine.close();
  });

  it('returns the whole turn, ready for the history', async () => {
    engine.push(reply({ reasoning: 'Think.', text: 'Answer.' }));
    const result = await client.chat(hello);
    assert.deepEqual(result.message, { role: 'assistant', content: 'Answer.', reasoning_content: 'Think.' });
    assert.equal(result.text, 'Answer.');
    assert.equal(result.finishReason, 'stop');
    assert.ok(result.timings && result.usage);
  });

  it('returns tool calls in OpenAI message shape', async () => {
    engine.push(toolCallReply({ name: 'read_file', arguments: { path: 'a' }, id: 'id1' }));
    const result = await client.chat({ ...hello, tools });
    assert.deepEqual(result.message, {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'id1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a"}' } }],
    });
    assert.equal(result.finishReason, 'tool_calls');
    assert.deepEqual(result.toolCalls, [{ id: 'id1', name: 'read_file', arguments: '{"path":"a"}' }]);
  });
});
