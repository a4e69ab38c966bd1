import { strict as assert } from 'node:assert';
import type { ChatCompletion, ChatRequest } from '../../engine/protocol';
import {
  formatCppDouble,
  reply,
  stall,
  startScriptedEngine,
  toolCallReply,
  type ScriptedEngine,
} from '../support/scriptedEngine';

async function post(engine: ScriptedEngine, body: ChatRequest, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${engine.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

function dataLines(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
}

const ask: ChatRequest = { messages: [{ role: 'user', content: 'hi' }] };

describe('scripted engine', () => {
  let engine: ScriptedEngine;

  afterEach(async () => {
    await engine.close();
  });

  it('streams chunks laid out like llama-server', async () => {
    engine = await startScriptedEngine({ steps: [reply('Hello', { chunkSize: 10 })] });
    const response = await post(engine, { ...ask, stream: true, stream_options: { include_usage: true } });
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const lines = dataLines(await response.text());
    assert.equal(lines.at(-1), '[DONE]');
    const chunks = lines.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(Object.keys(chunks[0] ?? {}), ['choices', 'created', 'id', 'model', 'system_fingerprint', 'object']);
    assert.match(lines[0] ?? '', /^\{"choices":\[\{"finish_reason":null,"index":0,"delta":\{"role":"assistant","content":null\}\}\]/);
    const usageChunk = chunks.at(-1) as { choices: unknown[]; usage: unknown; timings: Record<string, number> };
    assert.deepEqual(usageChunk.choices, []);
    assert.deepEqual(Object.keys(usageChunk).slice(-2), ['usage', 'timings']);
    assert.deepEqual(Object.keys(usageChunk.timings), [
      'cache_n',
      'prompt_n',
      'prompt_ms',
      'prompt_per_token_ms',
      'prompt_per_second',
      'predicted_n',
      'predicted_ms',
      'predicted_per_token_ms',
      'predicted_per_second',
      'draft_n',
      'draft_n_accepted',
    ]);
    const finish = chunks.at(-2) as { choices: Array<{ finish_reason: string }> };
    assert.equal(finish.choices[0]?.finish_reason, 'stop');
  });

  it('answers non-streamed requests with one chat.completion', async () => {
    engine = await startScriptedEngine({ steps: [toolCallReply({ name: 'read_file', arguments: { path: 'x' }, id: 'c1' }, { reasoning: 'hm' })] });
    const completion = (await (await post(engine, ask)).json()) as ChatCompletion;
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.choices[0]?.finish_reason, 'tool_calls');
    assert.equal(
      JSON.stringify(completion.choices[0]?.message),
      '{"role":"assistant","content":"","reasoning_content":"hm","tool_calls":[{"type":"function","function":{"name":"read_file","arguments":"{\\"path\\":\\"x\\"}"},"id":"c1"}]}',
    );
    assert.equal(completion.usage.prompt_tokens_details?.cached_tokens, 0);
    assert.ok(completion.timings);
  });

  it('records requests and lets a step depend on the request', async () => {
    engine = await startScriptedEngine();
    engine.push((request) => reply(`you said ${JSON.stringify(request.body.messages.at(-1)?.content)}`));
    const waiting = engine.waitForRequest(0);
    await (await post(engine, { ...ask, stream: true })).text();
    const recorded = await waiting;
    assert.equal(recorded.index, 0);
    assert.deepEqual(recorded.body.messages, ask.messages);
    assert.equal(recorded.step?.kind, 'reply');
    assert.equal(recorded.abortedByClient, false);
    assert.equal(engine.remainingSteps, 0);
  });

  it('says clearly when the script has run out', async () => {
    engine = await startScriptedEngine();
    const response = await post(engine, ask);
    assert.equal(response.status, 500);
    assert.match(await response.text(), /no step left for chat request #0/);
  });

  it('rejects a wrong key on everything but /health', async () => {
    engine = await startScriptedEngine({ apiKey: 'k', steps: [reply('x')] });
    const denied = await post(engine, ask, { Authorization: 'Bearer nope' });
    assert.equal(denied.status, 401);
    assert.equal(await denied.text(), '{"error":{"message":"Invalid API Key","type":"authentication_error","code":401}}');
    assert.equal((await fetch(`${engine.url}/props`)).status, 401);
    assert.equal((await fetch(`${engine.url}/health`)).status, 200);
    assert.equal((await post(engine, ask, { 'X-Api-Key': 'k' })).status, 200);
    assert.deepEqual(
      engine.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`),
      ['POST /v1/chat/completions 401', 'GET /props 401', 'GET /health 200', 'POST /v1/chat/completions 200'],
    );
  });

  it('lists its one model on /v1/models as llama-server does: --alias, else the model path', async () => {
    engine = await startScriptedEngine({ apiKey: 'k', props: { modelPath: '/models/gemma-4-12B-it-Q4_K_M.gguf', nCtx: 16384 } });
    assert.equal((await fetch(`${engine.url}/v1/models`)).status, 401, 'behind the key');
    const list = (await (await fetch(`${engine.url}/v1/models`, { headers: { Authorization: 'Bearer k' } })).json()) as {
      object: string;
      data: Array<{ id: string; object: string; owned_by: string; created: number; meta: { n_ctx: number } }>;
    };
    assert.equal(list.object, 'list');
    assert.equal(list.data.length, 1);
    assert.deepEqual([list.data[0].id, list.data[0].object, list.data[0].owned_by, list.data[0].meta.n_ctx], ['/models/gemma-4-12B-it-Q4_K_M.gguf', 'model', 'llamacpp', 16384]);
    assert.equal(typeof list.data[0].created, 'number');
    await engine.close();
    engine = await startScriptedEngine({ model: 'gemma' });
    const aliased = (await (await fetch(`${engine.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    assert.deepEqual(aliased.data.map((m) => m.id), ['gemma']);
  });

  it('counts image tokens from the PNG size and reuses a common prefix', async () => {
    engine = await startScriptedEngine({ steps: [reply('a'), reply('b')] });
    // 1024x768 PNG header: Gemma 4 gives it 16*16 patches + 2.
    const header = Buffer.alloc(33);
    header.writeUInt32BE(0x89504e47, 0);
    header.writeUInt32BE(1024, 16);
    header.writeUInt32BE(768, 20);
    const image = `data:image/png;base64,${header.toString('base64')}`;
    const first: ChatRequest = { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: image } }] }] };
    const a = (await (await post(engine, first)).json()) as ChatCompletion;
    assert.ok(a.usage.prompt_tokens >= 338);
    const second: ChatRequest = {
      messages: [...first.messages, { role: 'assistant', content: 'a' }, { role: 'user', content: 'more' }],
    };
    const b = (await (await post(engine, second)).json()) as ChatCompletion;
    assert.ok((b.timings?.cache_n ?? 0) > 0);
    assert.ok((b.timings?.prompt_n ?? 0) < b.usage.prompt_tokens);
  });

  it('closes stalled connections when it closes', async () => {
    engine = await startScriptedEngine({ steps: [stall({ headers: false })] });
    const pending = post(engine, ask).then(
      () => 'answered',
      () => 'failed',
    );
    await engine.waitForRequest(0);
    const started = Date.now();
    await engine.close();
    assert.equal(await pending, 'failed');
    assert.ok(Date.now() - started < 1000);
  });

  it('prints numbers as C++ streams do in /metrics', () => {
    assert.equal(formatCppDouble(0), '0');
    assert.equal(formatCppDouble(42), '42');
    assert.equal(formatCppDouble(6858.0912), '6858.09');
    assert.equal(formatCppDouble(1234567), '1.23457e+06');
    assert.equal(formatCppDouble(0.00001234), '1.234e-05');
    assert.equal(formatCppDouble(999999.7), '1e+06');
  });
});
