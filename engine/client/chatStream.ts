import type { ChatCompletionChunk, ChatDelta, Usage, WireTimings } from '../protocol';
import type { ChatEvent, FinishReason } from './chatEvents';
import { errorFromNetworkFailure, errorFromWireError, wireErrorOf } from './errorClassification';
import { EngineConnectionLostError, EngineProtocolError } from './errors';
import type { RequestGuard } from './requestGuard';
import { SseParser, type SseEvent } from './sseParser';
import { timingsFromWire } from './timings';
import { ToolCallAssembler } from './toolCallAssembler';

// How long to wait for the server to close the stream after [DONE] before dropping the socket.
const DRAIN_AFTER_DONE_MS = 200;

interface StreamState {
  finishReason: FinishReason | undefined;
  timings: Partial<WireTimings> | undefined;
  usage: Usage | undefined;
  readonly toolCalls: ToolCallAssembler;
}

/**
 * Turns an OpenAI-compatible SSE body (llama-server's, vLLM's, SGLang's, Ollama's, LM Studio's) into ChatEvents. The stream is complete at `data: [DONE]`;
 * a stream that stops before that and before any finish_reason was cut off.
 */
export async function* readChatStream(
  body: ReadableStream<Uint8Array>,
  guard: RequestGuard,
  idleTimeoutMs: number,
  serverUrl: string,
): AsyncGenerator<ChatEvent, void, undefined> {
  const reader = body.getReader();
  const parser = new SseParser();
  const state: StreamState = { finishReason: undefined, timings: undefined, usage: undefined, toolCalls: new ToolCallAssembler() };
  let sawDone = false;
  let bodyEnded = false;
  try {
    while (!sawDone && !bodyEnded) {
      guard.arm(idleTimeoutMs, 'body');
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await guard.race(reader.read());
      } catch (error) {
        throw guard.failure ?? errorFromNetworkFailure(error, serverUrl);
      }
      bodyEnded = chunk.done;
      const events = chunk.done ? parser.end() : parser.push(chunk.value);
      for (const event of events) {
        if (event.data === '[DONE]') {
          sawDone = true;
          break;
        }
        yield* eventsOf(event, state);
      }
    }
    guard.disarm();
    if (!sawDone && state.finishReason === undefined) {
      throw new EngineConnectionLostError('the stream ended before the model finished');
    }
    if (sawDone && !bodyEnded) bodyEnded = await drain(reader);
    if (bodyEnded) guard.markSettled();
  } finally {
    guard.disarm();
    if (!bodyEnded) reader.cancel().catch(() => undefined);
  }

  const calls = state.toolCalls.finish();
  if (calls.length > 0) yield { type: 'tool-calls', calls };
  const done: ChatEvent = { type: 'done', finishReason: state.finishReason ?? 'unknown' };
  if (state.timings) done.timings = timingsFromWire(state.timings);
  if (state.usage) done.usage = state.usage;
  yield done;
}

function* eventsOf(event: SseEvent, state: StreamState): Generator<ChatEvent, void, undefined> {
  let payload: unknown;
  try {
    payload = JSON.parse(event.data);
  } catch (error) {
    if (event.event === 'error') throw errorFromWireError(500, { message: event.data }, event.data);
    throw new EngineProtocolError(`an event is not JSON: ${event.data.slice(0, 120)}`, { cause: error });
  }
  if (typeof payload !== 'object' || payload === null) {
    throw new EngineProtocolError(`an event is not a JSON object: ${event.data.slice(0, 120)}`);
  }
  // A failure after the headers comes as an event: llama-server, vLLM and SGLang send
  // `data: {"error": {...}}`, LM Studio `event: error` with the same data (and a 200 status).
  const wireError = wireErrorOf(payload) ?? (event.event === 'error' ? { message: event.data } : undefined);
  if (wireError !== undefined) {
    throw errorFromWireError(typeof wireError.code === 'number' ? wireError.code : 500, wireError, event.data);
  }

  const chunk = payload as Partial<ChatCompletionChunk>;
  if (chunk.timings) state.timings = chunk.timings;
  if (chunk.usage) state.usage = chunk.usage;
  if (chunk.prompt_progress) yield { type: 'prompt-progress', progress: chunk.prompt_progress };

  for (const choice of chunk.choices ?? []) {
    // Requests never ask for n > 1; a stray second choice must not mix into the first.
    if (choice.index !== undefined && choice.index !== 0) continue;
    const delta = choice.delta ?? {};
    const thought = reasoningOf(delta);
    if (thought !== '') yield { type: 'reasoning', delta: thought };
    if (typeof delta.content === 'string' && delta.content !== '') {
      yield { type: 'text', delta: delta.content };
    }
    for (const call of delta.tool_calls ?? []) {
      const index = typeof call.index === 'number' ? call.index : 0;
      state.toolCalls.add({ ...call, index });
      const event: ChatEvent & { type: 'tool-call-delta' } = {
        type: 'tool-call-delta',
        index,
        argumentsDelta: call.function?.arguments ?? '',
      };
      if (call.id) event.id = call.id;
      if (call.function?.name) event.name = call.function.name;
      yield event;
    }
    if (choice.finish_reason) state.finishReason = finishReasonOf(choice.finish_reason);
  }
}

/**
 * The thinking in a delta: `reasoning_content` (llama-server, SGLang, LM Studio, older vLLM) or
 * `reasoning` (newer vLLM, Ollama). A server that sends both for a while sends the same text
 * twice, so one is taken.
 */
function reasoningOf(delta: ChatDelta): string {
  if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') return delta.reasoning_content;
  return typeof delta.reasoning === 'string' ? delta.reasoning : '';
}

function finishReasonOf(wire: string): FinishReason {
  return wire === 'stop' || wire === 'length' || wire === 'tool_calls' ? wire : 'unknown';
}

/** Reads what little follows [DONE] so the connection can be reused; gives up quickly. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), DRAIN_AFTER_DONE_MS);
  });
  try {
    for (;;) {
      const result = await Promise.race([reader.read(), timeout]);
      if (result === 'timeout') return false;
      if (result.done) return true;
    }
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
