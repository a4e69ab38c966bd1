/**
 * A proxy between the agent's EngineClient and a real llama-server, for benches whose model
 * has random weights. Each chat request is forwarded as sent (same messages, tools and
 * chat_template_kwargs, so the server renders the real chat template and uses its prompt
 * cache as it would), but with generation cut to a token or a few; the server's timings say
 * how much of the prompt came from the cache. The agent then gets the scripted reply for
 * that step, streamed by the scripted engine of the tests and carrying the server's prompt
 * timings, so the run goes on as if the model had written it.
 *
 * With `generatedReplies`, the proxy also leaves in the server's cache what a real run's
 * generation would have left there: before forwarding a step, it renders this request
 * through the server's template (/apply-template, kept on the record), and when the previous
 * step's prompt is a prefix of this one it prefills the previous prompt plus the reply as rendered
 * up to its tool result (`<|tool_response>` in the Gemma 4 format) through /completion.
 * Those prefills are not measured: a real run decodes those tokens instead. Without it, each
 * step's new tokens also count the previous reply, which the server never generated.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, startScriptedEngine, type ReplyStep, type ScriptedEngine } from '../../test/support/scriptedEngine';

export interface Upstream {
  url: string;
  apiKey: string;
}

/** The prompt side of llama-server's timings. */
export interface PromptTimings {
  cache_n: number;
  prompt_n: number;
  prompt_ms: number;
  predicted_n: number;
  predicted_ms: number;
}

export interface ForwardOptions {
  /** Tokens the server generates for this step (default 1: only the prompt is measured). */
  maxTokens?: number;
  /**
   * Runs once the server has read the prompt and generates (as GET /slots reports); the reply
   * to the agent waits until it is done (e.g. a second request sent while this one generates).
   */
  whileGenerating?: () => Promise<void>;
}

export interface ScriptedTurn {
  reply: ReplyStep;
  forward?: ForwardOptions;
}

/** One chat request of the agent and what the server made of it. */
export interface ForwardRecord {
  index: number;
  /** The body as the agent sent it. */
  body: Record<string, unknown>;
  timings: PromptTimings;
  /** Wall time of the forward on this machine. */
  ms: number;
  /** performance.now() when the server's answer came (whileGenerating work may go on after it). */
  endedAt: number;
  /** The prompt as the server's template renders it (with `generatedReplies` only). */
  rendered?: string;
}

export class ReplayProxy {
  readonly records: ForwardRecord[] = [];
  /** Set when a forward failed; the agent got a non-retryable error and the bench should stop. */
  failure: Error | undefined;
  /** Called after each forward, before the agent gets its reply. */
  onRecord: ((record: ForwardRecord) => void) | undefined;
  url = '';
  private readonly queue: ScriptedTurn[] = [];
  /** The previous chat request's rendered prompt (for `generatedReplies`). */
  private previousPrompt: string | undefined;
  /** Reply tokens put in the cache outside the measured requests. */
  replyTokensPrefilled = 0;
  private readonly server = http.createServer((req, res) => void this.handle(req, res));

  private constructor(
    private readonly upstream: Upstream,
    private readonly encoder: ScriptedEngine,
    private readonly generatedReplies: boolean,
  ) {}

  static async start(upstream: Upstream, options: { generatedReplies?: boolean } = {}): Promise<ReplayProxy> {
    // No draft fields: the server generated almost nothing, so there is nothing to report.
    const encoder = await startScriptedEngine({ drafter: false });
    const proxy = new ReplayProxy(upstream, encoder, options.generatedReplies ?? false);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy.url = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  push(...turns: ScriptedTurn[]): void {
    this.queue.push(...turns);
  }

  get remaining(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.encoder.close();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const raw = await readBody(req);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) {
        await this.chat(path, raw, res);
      } else {
        await this.passThrough(req.method ?? 'GET', req.url ?? '/', raw, res);
      }
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      this.failure ??= err;
      if (!res.headersSent) {
        // 400: the client does not retry it, so the run ends at once with this message.
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 400, message: `bench proxy: ${err.message}`, type: 'invalid_request_error' } }));
      } else {
        res.destroy();
      }
    }
  }

  private async chat(path: string, raw: string, res: http.ServerResponse): Promise<void> {
    const body = JSON.parse(raw) as Record<string, unknown>;
    const turn = this.queue.shift();
    if (!turn) throw new Error(`chat request #${this.records.length} has no scripted reply left (did the agent compact or retry?)`);
    const rendered = this.generatedReplies ? await renderPrompt(this.upstream, body) : undefined;
    if (rendered !== undefined && this.previousPrompt !== undefined) await this.prefillPreviousReply(this.previousPrompt, rendered, body);
    this.previousPrompt = rendered;
    const started = performance.now();
    const { timings, endedAt } = await this.forward(body, turn.forward ?? {});
    const record: ForwardRecord = { index: this.records.length, body, timings, ms: endedAt - started, endedAt, ...(rendered !== undefined ? { rendered } : {}) };
    this.records.push(record);
    this.onRecord?.(record);
    this.encoder.push({
      ...turn.reply,
      timings: { cache_n: timings.cache_n, prompt_n: timings.prompt_n, prompt_ms: timings.prompt_ms, prompt_per_token_ms: timings.prompt_ms / Math.max(1, timings.prompt_n) },
    });
    await pipeTo(`${this.encoder.url}${path}`, raw, res);
  }

  /** Sends the agent's request to llama-server with generation cut short; resolves with its timings. */
  private async forward(body: Record<string, unknown>, options: ForwardOptions): Promise<{ timings: PromptTimings; endedAt: number }> {
    const maxTokens = options.maxTokens ?? 1;
    // Not streamed: in streaming mode the server re-parses the partial output for tool calls at
    // every token, and on some random texts that is ten times slower than generating them.
    const wire: Record<string, unknown> = { ...body, max_tokens: maxTokens, stream: false };
    delete wire.return_progress;
    delete wire.stream_options;
    if (maxTokens > 1) {
      // A step that must take a while generates all its tokens (random weights may pick EOS early).
      wire.ignore_eos = true;
      wire.temperature = 0;
    }
    let ended = false;
    const answer = (async () => {
      try {
        const answer = await postJson(this.upstream, '/v1/chat/completions', wire);
        return { timings: timingsOf(answer as { timings?: Partial<PromptTimings> }), endedAt: performance.now() };
      } finally {
        ended = true;
      }
    })();
    if (!options.whileGenerating) return answer;
    answer.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    // The server says in /slots when a slot has read its prompt and decodes.
    while (!ended && !(await this.generating())) await new Promise((resolve) => setTimeout(resolve, 20));
    if (ended) {
      await answer;
      throw new Error('the step ended before /slots showed it generating; raise its maxTokens');
    }
    const during = options.whileGenerating();
    const result = await answer;
    await during;
    return result;
  }

  /**
   * Puts the previous prompt and the reply that followed it into the server's cache, as its
   * generation would have (what `generatedPrefix` gives; nothing when it gives nothing).
   */
  private async prefillPreviousReply(before: string, now: string, current: Record<string, unknown>): Promise<void> {
    const generated = generatedPrefix(before, now);
    if (generated === undefined) return;
    const images = imageData(current);
    const prompt = images.length > 0 ? { prompt_string: generated, multimodal_data: images } : generated;
    const answer = await postJson(this.upstream, '/completion', { prompt, n_predict: 1, cache_prompt: true, temperature: 0 });
    const timings = timingsOf(answer as { timings?: Partial<PromptTimings> });
    this.replyTokensPrefilled += timings.prompt_n;
  }

  private async generating(): Promise<boolean> {
    const response = await fetch(`${this.upstream.url}/slots`, { headers: { Authorization: `Bearer ${this.upstream.apiKey}` } });
    if (!response.ok) throw new Error(`GET /slots answered ${response.status}; the bench needs it (do not pass --no-slots)`);
    const slots = (await response.json()) as Array<{ is_processing?: boolean; next_token?: Array<{ n_decoded?: number }> }>;
    return slots.some((slot) => slot.is_processing === true && (slot.next_token?.[0]?.n_decoded ?? 0) > 0);
  }

  private async passThrough(method: string, url: string, raw: string, res: http.ServerResponse): Promise<void> {
    const init: RequestInit = { method, headers: { Authorization: `Bearer ${this.upstream.apiKey}`, 'Content-Type': 'application/json' } };
    if (method !== 'GET' && method !== 'HEAD') init.body = raw;
    const response = await fetch(`${this.upstream.url}${url}`, init);
    const text = await response.text();
    res.writeHead(response.status, { 'Content-Type': response.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  }
}

/** A chat request's prompt as the server's own template renders it (/apply-template). */
export async function renderPrompt(upstream: Upstream, body: Record<string, unknown>): Promise<string> {
  const { prompt } = (await postJson(upstream, '/apply-template', { messages: body.messages, tools: body.tools, chat_template_kwargs: body.chat_template_kwargs })) as { prompt?: unknown };
  if (typeof prompt !== 'string') throw new Error('/apply-template sent no prompt');
  return prompt;
}

/**
 * What the server holds after generating the reply to the prompt `before`, given the next
 * prompt `now` that carries that reply: `now` up to the reply's first tool result
 * (`<|tool_response>` in the Gemma 4 format). Undefined when `now` does not extend `before`
 * (the history was rewritten) or the reply ended the turn (its thinking is not sent back, so
 * a real run's cache parts from `now` at the reply's first token anyway).
 */
export function generatedPrefix(before: string, now: string): string | undefined {
  if (!now.startsWith(before)) return undefined;
  const end = now.indexOf('<|tool_response>', before.length);
  return end < 0 ? undefined : now.slice(0, end);
}

/** POSTs JSON to llama-server and parses its answer; a non-2xx answer throws with its text. */
export async function postJson(upstream: Upstream, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${upstream.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${upstream.apiKey}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`llama-server ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

export interface SseEvent {
  choices?: Array<{ delta?: Record<string, unknown>; finish_reason?: string | null }>;
  timings?: Partial<PromptTimings>;
  error?: unknown;
}

/** The JSON payloads of an SSE body, up to [DONE]. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, cut).trim();
      buffer = buffer.slice(cut + 1);
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') return;
      yield JSON.parse(data) as SseEvent;
    }
  }
}

/** The base64 data of every image in the request, in the order the template places them. */
function imageData(body: Record<string, unknown>): string[] {
  const images: string[] = [];
  for (const message of (body.messages ?? []) as Array<{ content?: unknown }>) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content as Array<{ type?: string; image_url?: { url?: string } }>) {
      const url = part.type === 'image_url' ? part.image_url?.url : undefined;
      if (url) images.push(url.slice(url.indexOf(',') + 1));
    }
  }
  return images;
}

function timingsOf(payload: { timings?: Partial<PromptTimings> }): PromptTimings {
  const t = payload.timings;
  if (!t || typeof t.prompt_n !== 'number' || typeof t.cache_n !== 'number') throw new Error('llama-server sent no prompt timings');
  return { cache_n: t.cache_n, prompt_n: t.prompt_n, prompt_ms: t.prompt_ms ?? 0, predicted_n: t.predicted_n ?? 0, predicted_ms: t.predicted_ms ?? 0 };
}

/** Sends `raw` to `url` and streams the answer back unchanged. */
function pipeTo(url: string, raw: string, res: http.ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(raw) } }, (answer) => {
      res.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(res);
      answer.on('end', () => resolve());
      answer.on('error', reject);
    });
    request.on('error', reject);
    request.end(raw);
  });
}
