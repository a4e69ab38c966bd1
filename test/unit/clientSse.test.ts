import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EngineClient, SseParser, type SseEvent } from '../../engine/client';
import { collect } from '../support/chat';

const encoder = new TextEncoder();
// Written in llama-server's exact layout, with what the tiny test model cannot produce:
// thinking, multi-byte text, two parallel calls, a keepalive comment.
const recorded = readFileSync(path.join(__dirname, '../support/streams/parallel-tool-calls.sse'));
// Taken verbatim from llama-server (build b1-de3ff81) serving the tiny random test model
// with return_progress and include_usage: progress chunks, a required tool call cut off by max_tokens.
const captured = readFileSync(path.join(__dirname, '../support/streams/llama-server-tool-call.sse'));

function parseAll(parts: Uint8Array[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (const part of parts) events.push(...parser.push(part));
  events.push(...parser.end());
  return events;
}

/** A fetch that answers every request with `parts` as an SSE body. */
function fetchServing(parts: Uint8Array[]): (input: string, init: RequestInit) => Promise<Response> {
  return async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      }),
      { headers: { 'Content-Type': 'text/event-stream' } },
    );
}

describe('SseParser', () => {
  it('reads data lines, multi-line data, event names, ids and comments', () => {
    const events = parseAll([
      encoder.encode(': keepalive\n\ndata: one\n\nevent: error\ndata: {"a":\ndata: 1}\nid: 7\n\n:\n\ndata\n\ndata:no-space\n\n'),
    ]);
    assert.deepEqual(events, [
      { data: 'one' },
      { event: 'error', data: '{"a":\n1}', id: '7' },
      { data: '', id: '7' },
      { data: 'no-space', id: '7' },
    ]);
  });

  it('accepts CRLF and CR line endings and a byte order mark', () => {
    const events = parseAll([encoder.encode('\ufeffdata: a\r\n\r\ndata: b\r\rdata: c\n\n')]);
    assert.deepEqual(events.map((event) => event.data), ['a', 'b', 'c']);
  });

  it('drops an event that never got its blank line', () => {
    assert.deepEqual(parseAll([encoder.encode('data: whole\n\ndata: {"trunc')]).map((event) => event.data), ['whole']);
  });

  it('gives the same events for the recorded stream split at every byte', () => {
    const whole = parseAll([recorded]);
    assert.equal(whole.length, 14);
    assert.equal(whole.at(-1)?.data, '[DONE]');
    for (let cut = 1; cut < recorded.length; cut++) {
      const split = parseAll([recorded.subarray(0, cut), recorded.subarray(cut)]);
      assert.deepEqual(split, whole, `split at byte ${cut}`);
    }
  });

  it('gives the same events with CRLF line endings split at every byte', () => {
    const crlf = encoder.encode(recorded.toString('utf8').replace(/\n/g, '\r\n'));
    const whole = parseAll([crlf]);
    assert.equal(whole.length, 14);
    for (let cut = 1; cut < crlf.length; cut++) {
      assert.deepEqual(parseAll([crlf.subarray(0, cut), crlf.subarray(cut)]), whole, `split at byte ${cut}`);
    }
  });

  it('handles one byte at a time', () => {
    const bytes = Array.from(recorded, (byte) => Uint8Array.of(byte));
    assert.deepEqual(parseAll(bytes), parseAll([recorded]));
  });
});

describe('EngineClient reading a recorded stream', () => {
  const request = { messages: [{ role: 'user' as const, content: 'menu prices?' }] };

  it('turns the stream into events', async () => {
    const client = new EngineClient({ baseUrl: 'http://127.0.0.1:9', fetch: fetchServing([recorded]) });
    const events = await collect(client.streamChat(request));
    const text = events.map((event) => (event.type === 'text' ? event.delta : '')).join('');
    const reasoning = events.map((event) => (event.type === 'reasoning' ? event.delta : '')).join('');
    assert.equal(reasoning, 'The user wants the café menu — read both files ✓ 🙂.');
    assert.equal(text, 'Reading both files…');
    const calls = events.find((event) => event.type === 'tool-calls');
    assert.ok(calls?.type === 'tool-calls');
    assert.deepEqual(calls.calls, [
      { id: 'fC2lq8Ydr0Jm4TzW9xKbN6sPaV3hUeG1', name: 'read_file', arguments: '{"path":"src/menu/café.ts"}' },
      { id: 'Zr7bK1mQx4Wn9LcT2vHs8Jd5Pf3Ga6Ye', name: 'grep', arguments: '{"pattern":"price\\\\s*=","glob":"**/*.ts"}' },
    ]);
    const done = events.at(-1);
    assert.ok(done?.type === 'done');
    assert.equal(done.finishReason, 'tool_calls');
    assert.deepEqual(done.usage, {
      completion_tokens: 61,
      prompt_tokens: 1026,
      total_tokens: 1087,
      prompt_tokens_details: { cached_tokens: 993 },
    });
    assert.equal(done.timings?.cache_n, 993);
    assert.equal(done.timings?.prompt_n, 33);
    assert.ok(Math.abs((done.timings?.tokensPerSecond ?? 0) - 25.4324479) < 1e-6);
    assert.equal(done.timings?.draftAcceptance, 35 / 48);
    assert.equal(done.timings?.cacheHitRate, 993 / 1026);
  });

  it('reads a stream captured from llama-server', async () => {
    const client = new EngineClient({ baseUrl: 'http://127.0.0.1:9', fetch: fetchServing([captured]) });
    const events = await collect(client.streamChat(request));
    const progress = events.filter((event) => event.type === 'prompt-progress');
    assert.ok(progress.length >= 1);
    const deltas = events.filter((event) => event.type === 'tool-call-delta');
    assert.equal(deltas[0]?.name, 'read_file');
    assert.ok(deltas[0]?.id && deltas[0].id.length === 32);
    const calls = events.find((event) => event.type === 'tool-calls');
    assert.ok(calls?.type === 'tool-calls');
    assert.equal(calls.calls.length, 1);
    assert.equal(calls.calls[0]?.arguments, deltas.map((delta) => delta.argumentsDelta).join(''));
    const done = events.at(-1);
    assert.ok(done?.type === 'done');
    assert.equal(done.finishReason, 'length');
    assert.equal(done.usage?.completion_tokens, done.timings?.predicted_n);
    assert.equal(done.usage?.prompt_tokens, (done.timings?.prompt_n ?? 0) + (done.timings?.cache_n ?? 0));
    assert.ok((done.timings?.draft_n ?? 0) > 0);
  });

  it('gives identical events whatever byte the network splits at', async () => {
    const baseline = await collect(
      new EngineClient({ baseUrl: 'http://127.0.0.1:9', fetch: fetchServing([recorded]) }).streamChat(request),
    );
    // Every third cut keeps the run short on a small machine; the parser test above covers every byte.
    for (let cut = 1; cut < recorded.length; cut += 3) {
      const client = new EngineClient({
        baseUrl: 'http://127.0.0.1:9',
        fetch: fetchServing([recorded.subarray(0, cut), recorded.subarray(cut)]),
      });
      assert.deepEqual(await collect(client.streamChat(request)), baseline, `split at byte ${cut}`);
    }
  });
});
