import { strict as assert } from 'node:assert';
import {
  EngineAuthError,
  EngineClient,
  EngineConnectionLostError,
  EngineContextOverflowError,
  EngineError,
  EngineHttpError,
  EngineLoadingError,
  EngineOutputParseError,
  EngineProtocolError,
  EngineTimeoutError,
  EngineUnavailableError,
  isAbortError,
  type ChatEvent,
} from '../../engine/client';
import type { ChatRequest } from '../../engine/protocol';
import { joined } from '../support/chat';
import { freePort } from '../support/processes';
import {
  contextOverflow,
  endEarly,
  httpError,
  parseError,
  rawStream,
  reply,
  resetMidStream,
  stall,
  startScriptedEngine,
  type ScriptedEngine,
} from '../support/scriptedEngine';

const hello: ChatRequest = { messages: [{ role: 'user', content: 'hello' }] };

interface Outcome {
  events: ChatEvent[];
  error: unknown;
  elapsedMs: number;
}

async function run(events: AsyncIterable<ChatEvent>, onEvent?: (event: ChatEvent) => void): Promise<Outcome> {
  const started = Date.now();
  const seen: ChatEvent[] = [];
  try {
    for await (const event of events) {
      seen.push(event);
      onEvent?.(event);
    }
  } catch (error) {
    return { events: seen, error, elapsedMs: Date.now() - started };
  }
  return { events: seen, error: undefined, elapsedMs: Date.now() - started };
}

describe('EngineClient errors', () => {
  let engine: ScriptedEngine;
  let client: EngineClient;

  beforeEach(async () => {
    engine = await startScriptedEngine({ apiKey: 'right-key' });
    client = new EngineClient({ baseUrl: engine.url, apiKey: 'right-key', idleTimeoutMs: 2000, headersTimeoutMs: 2000 });
  });
  afterEach(async () => {
    await engine.close();
  });

  it('401 with a wrong key is an EngineAuthError that consumes no step', async () => {
    engine.push(reply('never sent'));
    const wrong = new EngineClient({ baseUrl: engine.url, apiKey: 'wrong-key' });
    const { error } = await run(wrong.streamChat(hello));
    assert.ok(error instanceof EngineAuthError);
    assert.ok(error instanceof EngineError);
    assert.equal(error.retryable, false);
    assert.equal(error.detail, 'Invalid API Key');
    assert.match(error.message, /API key/);
    assert.equal(engine.remainingSteps, 1);
    await assert.rejects(new EngineClient({ baseUrl: engine.url }).props(), EngineAuthError);
    assert.equal(await new EngineClient({ baseUrl: engine.url }).health(), 'ok', '/health stays public');
  });

  it('HTTP 500 "does not match the expected peg-gemma4 format" is an EngineOutputParseError', async () => {
    engine.push(parseError({ delivery: 'http' }));
    const { error, events } = await run(client.streamChat(hello));
    assert.ok(error instanceof EngineOutputParseError, String(error));
    assert.equal(error.format, 'peg-gemma4');
    assert.equal(error.retryable, true);
    assert.equal(error.detail, 'The model produced output that does not match the expected peg-gemma4 format');
    assert.deepEqual(events, []);
  });

  it('the same parse failure inside a started stream ends it with an EngineOutputParseError', async () => {
    // How a streamed request meets it: the headers are out before the final parse fails.
    engine.push(parseError({ text: 'Let me call ' }));
    const { error, events } = await run(client.streamChat(hello));
    assert.ok(error instanceof EngineOutputParseError, String(error));
    assert.equal(joined(events, 'text'), 'Let me call ');
    assert.ok(!events.some((event) => event.type === 'done'));
  });

  it('another HTTP 500 is an EngineHttpError with the server message', async () => {
    engine.push(httpError(500, 'failed to decode the batch'));
    const { error } = await run(client.streamChat(hello));
    assert.ok(error instanceof EngineHttpError, String(error));
    assert.equal(error.status, 500);
    assert.equal(error.detail, 'failed to decode the batch');
    assert.match(error.body, /"type":"server_error"/);
    assert.equal(error.retryable, true);
    assert.match(error.message, /HTTP 500: failed to decode the batch/);
  });

  it('HTTP 400 is an EngineHttpError that is not retryable', async () => {
    engine.push(httpError(400, 'image input is not supported'));
    const { error } = await run(client.streamChat(hello));
    assert.ok(error instanceof EngineHttpError);
    assert.equal(error.retryable, false);
  });

  it('an oversized prompt is an EngineContextOverflowError with the sizes', async () => {
    engine.push(contextOverflow({ promptTokens: 9000, nCtx: 8192 }));
    const { error } = await run(client.streamChat(hello));
    assert.ok(error instanceof EngineContextOverflowError, String(error));
    assert.equal(error.promptTokens, 9000);
    assert.equal(error.contextSize, 8192);
    assert.equal(error.retryable, false);
  });

  it('a loading engine answers 503, read as EngineLoadingError', async () => {
    engine.setLoading(true);
    assert.equal(await client.health(), 'loading');
    const { error } = await run(client.streamChat(hello));
    assert.ok(error instanceof EngineLoadingError, String(error));
    assert.equal(error.retryable, true);
    engine.setLoading(false);
    assert.equal(await client.health(), 'ok');
  });

  it('an error event in the stream is an EngineHttpError with its code', async () => {
    engine.push(
      rawStream([
        'data: {"choices":[{"delta":{"content":"par"},"finish_reason":null,"index":0}]}\n\n',
        'data: {"error":{"code":500,"message":"llama_decode failed","type":"server_error"}}\n\n',
      ]),
    );
    const { error, events } = await run(client.streamChat(hello));
    assert.ok(error instanceof EngineHttpError, String(error));
    assert.equal(error.status, 500);
    assert.equal(error.detail, 'llama_decode failed');
    assert.equal(joined(events, 'text'), 'par');
  });

  it('an event that is not JSON is an EngineProtocolError', async () => {
    engine.push(rawStream(['data: {"choices":[\n\n']));
    const { error } = await run(client.streamChat(hello));
    assert.ok(error instanceof EngineProtocolError, String(error));
  });

  it('a JSON answer where a stream was expected is an EngineProtocolError', async () => {
    engine.push(rawStream(['{"hello":1}'], { contentType: 'application/json' }));
    const { error } = await run(client.streamChat(hello));
    assert.ok(error instanceof EngineProtocolError, String(error));
  });

  it('nothing listening is an EngineUnavailableError', async () => {
    const port = await freePort();
    const offline = new EngineClient({ baseUrl: `http://127.0.0.1:${port}` });
    const { error } = await run(offline.streamChat(hello));
    assert.ok(error instanceof EngineUnavailableError, String(error));
    assert.equal(error.retryable, true);
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    await assert.rejects(offline.health(), EngineUnavailableError);
  });

  it('a socket reset mid-stream is an EngineConnectionLostError after the partial text', async () => {
    engine.push(resetMidStream({ text: 'half an ans' }));
    const { error, events } = await run(client.streamChat(hello));
    assert.ok(error instanceof EngineConnectionLostError, String(error));
    assert.equal(error.retryable, true);
    assert.equal(joined(events, 'text'), 'half an ans');
  });

  it('a socket closed before any reply is sent once more, then an EngineConnectionLostError', async () => {
    engine.push(resetMidStream({ beforeHeaders: true }), resetMidStream({ beforeHeaders: true }));
    const { error } = await run(client.streamChat(hello));
    assert.ok(error instanceof EngineConnectionLostError, String(error));
    assert.match(error.message, /other side closed|socket hang up|reset/);
    assert.equal(engine.requests.length, 2, 'one retry on a fresh connection, no more');
  });

  it('a request that met a closed keep-alive socket succeeds on the retry', async () => {
    engine.push(resetMidStream({ beforeHeaders: true }), reply('second time lucky'));
    const { error, events } = await run(client.streamChat(hello));
    assert.equal(error, undefined);
    assert.equal(joined(events, 'text'), 'second time lucky');
  });

  it('a stream that ends without finishing is an EngineConnectionLostError', async () => {
    engine.push(endEarly({ text: 'cut' }));
    const { error } = await run(client.streamChat(hello));
    assert.ok(error instanceof EngineConnectionLostError, String(error));
    assert.match(error.message, /ended before the model finished/);
  });

  it('silence mid-stream is an EngineTimeoutError after the idle timeout', async () => {
    engine.push(stall({ text: 'thinking about it' }));
    const quick = new EngineClient({ baseUrl: engine.url, apiKey: 'right-key', idleTimeoutMs: 150 });
    const { error, events, elapsedMs } = await run(quick.streamChat(hello));
    assert.ok(error instanceof EngineTimeoutError, String(error));
    assert.equal(error.phase, 'body');
    assert.equal(error.timeoutMs, 150);
    assert.equal(joined(events, 'text'), 'thinking about it');
    assert.ok(elapsedMs < 1500, `gave up after ${elapsedMs} ms`);
    const request = await engine.waitForRequest(0);
    await request.closed;
    assert.equal(request.abortedByClient, true, 'the connection is closed after a timeout');
  });

  it('no response at all is an EngineTimeoutError in the headers phase', async () => {
    engine.push(stall({ headers: false }));
    const quick = new EngineClient({ baseUrl: engine.url, apiKey: 'right-key', headersTimeoutMs: 150 });
    const { error } = await run(quick.streamChat(hello));
    assert.ok(error instanceof EngineTimeoutError, String(error));
    assert.equal(error.phase, 'headers');
  });

  it('keepalive comments keep a slow stream alive', async () => {
    engine.push(
      rawStream(
        [
          'data: {"choices":[{"delta":{"content":"slow"},"finish_reason":null,"index":0}]}\n\n',
          ':\n\n',
          ':\n\n',
          ':\n\n',
          'data: {"choices":[{"delta":{},"finish_reason":"stop","index":0}]}\n\n',
          'data: [DONE]\n\n',
        ],
        { delayMs: 80 },
      ),
    );
    const patient = new EngineClient({ baseUrl: engine.url, apiKey: 'right-key', idleTimeoutMs: 200 });
    const { error, events } = await run(patient.streamChat(hello));
    assert.equal(error, undefined);
    assert.equal(events.at(-1)?.type, 'done');
  });

  it('keepalive comments cannot extend the turn past its deadline', async () => {
    engine.push(rawStream(['data: {"choices":[{"delta":{"content":"x"},"finish_reason":null,"index":0}]}\n\n', ...Array(40).fill(':\n\n')], { delayMs: 50 }));
    const bounded = new EngineClient({ baseUrl: engine.url, apiKey: 'right-key', idleTimeoutMs: 200, turnTimeoutMs: 600 });
    const started = Date.now();
    const { error } = await run(bounded.streamChat(hello));
    assert.ok(error instanceof EngineTimeoutError, String(error));
    assert.equal(error.phase, 'turn');
    assert.match(error.message, /did not finish within 0\.6 s/);
    assert.ok(Date.now() - started < 1500, 'stopped at the deadline, not at the end of the keepalives');
  });

  it('aborting mid-stream rejects at once with an AbortError and closes the connection', async () => {
    engine.push(reply('a long answer that keeps coming for quite a while', { chunkSize: 2, delayMs: 100 }));
    const controller = new AbortController();
    let abortedAt = 0;
    const outcome = await run(client.streamChat(hello, { signal: controller.signal }), (event) => {
      if (event.type === 'text' && abortedAt === 0) {
        // Abort while the client waits for the next chunk, not between events.
        setTimeout(() => {
          abortedAt = Date.now();
          controller.abort();
        }, 10);
      }
    });
    assert.ok(isAbortError(outcome.error), String(outcome.error));
    assert.equal((outcome.error as Error).name, 'AbortError');
    assert.ok(Date.now() - abortedAt < 250, `took ${Date.now() - abortedAt} ms after abort`);
    const request = await engine.waitForRequest(0);
    await request.closed;
    assert.equal(request.abortedByClient, true);
  });

  it('aborting while waiting for headers rejects with an AbortError', async () => {
    engine.push(stall({ headers: false }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { error, elapsedMs } = await run(client.streamChat(hello, { signal: controller.signal }));
    assert.ok(isAbortError(error), String(error));
    assert.ok(elapsedMs < 500);
    const request = await engine.waitForRequest(0);
    await request.closed;
    assert.equal(request.abortedByClient, true);
  });

  it('an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const { error } = await run(client.streamChat(hello, { signal: controller.signal }));
    assert.ok(isAbortError(error));
    assert.equal(engine.requests.length, 0);
  });

  it('never hangs on a fetch that ignores its signal', async () => {
    const stuck = new EngineClient({ baseUrl: 'http://127.0.0.1:9', fetch: () => new Promise<Response>(() => undefined) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const { error, elapsedMs } = await run(stuck.streamChat(hello, { signal: controller.signal }));
    assert.ok(isAbortError(error));
    assert.ok(elapsedMs < 500);
    const timing = new EngineClient({ baseUrl: 'http://127.0.0.1:9', requestTimeoutMs: 50, fetch: () => new Promise<Response>(() => undefined) });
    await assert.rejects(timing.props(), EngineTimeoutError);
  });

  it('metrics switched off at spawn is a non-retryable HTTP 501', async () => {
    const bare = await startScriptedEngine({ metrics: false });
    try {
      const error = await new EngineClient({ baseUrl: bare.url }).metrics().then(
        () => undefined,
        (failure: unknown) => failure,
      );
      assert.ok(error instanceof EngineHttpError);
      assert.equal(error.status, 501);
      assert.equal(error.retryable, false);
      assert.match(error.message, /--metrics/);
    } finally {
      await bare.close();
    }
  });
});
