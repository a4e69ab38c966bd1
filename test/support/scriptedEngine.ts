/**
 * A stand-in for llama-server on 127.0.0.1 that replays scripted turns, for tests of the
 * engine client and of the agent loop. Each POST /v1/chat/completions consumes the next
 * step. Replies are laid out like llama-server's own, down to the key order (compare
 * streams/llama-server-tool-call.sse, taken from the real server), so code that works
 * here works against the real server. With `profile` it plays another OpenAI-compatible
 * server instead (vLLM, SGLang, Ollama, LM Studio: see serverProfiles.ts): its model list,
 * health route, error shapes, thinking field and whether a request must name the model.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatRequest, PropsResponse, Usage, WireError, WireTimings } from '../../engine/protocol';
import { serverProfile, type HttpReply, type ServerProfile, type ServerProfileName } from './serverProfiles';

export interface ScriptedToolCall {
  name: string;
  /** An object is serialised with JSON.stringify; a string is sent as is (e.g. broken JSON). */
  arguments?: Record<string, unknown> | string;
  /** Defaults to a random 32-character id, as llama-server generates. */
  id?: string;
}

/** What the model "generates": thinking first, then text, then calls, as Gemma 4 orders them. */
export interface StreamContent {
  reasoning?: string;
  text?: string;
  toolCalls?: ScriptedToolCall[];
}

export interface Pacing {
  /** Characters per streamed delta (default 6). Tool arguments are cut the same way. */
  chunkSize?: number;
  /** Pause between streamed chunks, in ms (default 0). */
  delayMs?: number;
  /** Pause before the response starts, like prompt processing (default 0). */
  startDelayMs?: number;
}

/** A normal completed turn. */
export interface ReplyStep extends StreamContent, Pacing {
  kind: 'reply';
  /** Default: 'tool_calls' when there are calls, else 'stop'. */
  finishReason?: 'stop' | 'length' | 'tool_calls';
  /** Replaces computed timing fields (set draft_n: 0 to send no draft fields). */
  timings?: Partial<WireTimings>;
  usage?: Partial<Usage>;
}

/**
 * The tool-call parser rejects the model's output. A streamed request already has its
 * headers when the final parse fails, so llama-server sends the partial content and then
 * a `data: {"error":...}` event (the default for streamed requests); a non-streamed one
 * gets HTTP 500. delivery: 'http' forces the HTTP 500 for a streamed request too.
 */
export interface ParseErrorStep extends StreamContent, Pacing {
  kind: 'parse-error';
  delivery?: 'http' | 'stream';
  /** Default 'peg-gemma4'. */
  format?: string;
}

export interface HttpErrorStep {
  kind: 'http-error';
  status: number;
  message: string;
  /** llama-server's error type; derived from the status when absent. */
  type?: string;
}

export interface ContextOverflowStep {
  kind: 'context-overflow';
  promptTokens?: number;
  nCtx?: number;
}

/** Streams the partial content, then destroys the socket (a crash or a killed engine). */
export interface ResetStep extends StreamContent, Pacing {
  kind: 'reset';
  /** Destroy the socket before any response byte, as a crash during prompt processing does. */
  beforeHeaders?: boolean;
}

/** Streams the partial content, then ends the response cleanly with no finish and no [DONE]. */
export interface EndEarlyStep extends StreamContent, Pacing {
  kind: 'end-early';
}

/** Streams the partial content (if any), then sends nothing until the client goes away. */
export interface StallStep extends StreamContent, Pacing {
  kind: 'stall';
  /** false: not even the response headers are sent (a queued or hung server). Default true. */
  headers?: boolean;
  /** Sends llama-server's ":" keepalive comment at this interval while stalled. */
  keepAliveMs?: number;
}

/** Sends bytes verbatim, e.g. a stream kept in test/support/streams. */
export interface RawStep {
  kind: 'raw';
  status?: number;
  contentType?: string;
  chunks: Array<string | Uint8Array>;
  delayMs?: number;
  /** 'reset' destroys the socket after the last chunk instead of ending the response. */
  end?: 'end' | 'reset';
}

export type ScriptStep =
  | ReplyStep
  | ParseErrorStep
  | HttpErrorStep
  | ContextOverflowStep
  | ResetStep
  | EndEarlyStep
  | StallStep
  | RawStep;

/** A step computed from the request it answers, e.g. to echo a tool result back. */
export type ScriptEntry = ScriptStep | ((request: RecordedRequest) => ScriptStep);

export interface RecordedRequest {
  /** Position among chat requests, from 0. */
  index: number;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: ChatRequest;
  /** The step that answered; undefined when the script had run out. */
  step: ScriptStep | undefined;
  /** Resolves when the connection of this request has closed, for whatever reason. */
  closed: Promise<void>;
  /** True when the client went away before the reply was complete. */
  abortedByClient: boolean;
}

export interface HttpLogEntry {
  method: string;
  path: string;
  status: number;
}

export interface ScriptedEngineOptions {
  /** Which server to play (default llama-server). */
  profile?: ServerProfileName;
  /** The profile's older release: for vLLM, flat errors, `reasoning_content` and a required `model`. */
  legacy?: boolean;
  /** What GET /v1/models lists (default: the one model). */
  models?: string[];
  /** When set, every endpoint but /health requires `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  steps?: ScriptEntry[];
  /** Shown as `model` in replies and /props, and listed by /v1/models (llama-server: --alias, else the model path). */
  model?: string;
  props?: {
    vision?: boolean;
    audio?: boolean;
    nCtx?: number;
    chatTemplate?: string;
    modelPath?: string;
    totalSlots?: number;
  };
  /** false: GET /metrics answers 501 as llama-server does without --metrics. Default true. */
  metrics?: boolean;
  /** Include draft_n / draft_n_accepted as with an MTP drafter loaded. Default true. */
  drafter?: boolean;
  /** Share of drafted tokens accepted (default 0.72). */
  draftAcceptance?: number;
  /** Generation speed reported in timings (default 24 tokens/s). */
  tokensPerSecond?: number;
  /** Prompt speed reported in timings (default 180 tokens/s). */
  promptTokensPerSecond?: number;
}

export interface ScriptedEngine {
  /** Base URL, e.g. http://127.0.0.1:41234 (no /v1). */
  url: string;
  /** Every chat request that passed authentication, in arrival order (warm-ups apart). */
  requests: RecordedRequest[];
  /**
   * Warm-up requests (the system prompt alone, one token asked for), as the extension sends
   * when the engine becomes ready: answered at once, without taking a step of the script.
   */
  warmUps: ChatRequest[];
  /** Every HTTP request with the status it got. */
  log: HttpLogEntry[];
  /** Appends steps to the script. */
  push(...steps: ScriptEntry[]): void;
  /** Steps not yet consumed. */
  readonly remainingSteps: number;
  /** Resolves with the chat request at `index` once it has arrived. */
  waitForRequest(index: number): Promise<RecordedRequest>;
  /** Switches /health (and every other endpoint) between ready and "Loading model". */
  setLoading(loading: boolean): void;
  /** Current Prometheus counters as the server would render them. */
  metricsText(): string;
  /** Closes every connection, including stalled ones, and stops listening. */
  close(): Promise<void>;
}

const BUILD_INFO = 'b1-de3ff81';
// llama-server names the model by its file path unless started with --alias.
const DEFAULT_MODEL = '/models/gemma-4-12B-it-Q4_K_M.gguf';
const PEG_FORMAT = 'peg-gemma4';

// ---------- step builders: short names for the common cases in tests ----------

export function reply(content: StreamContent & Pacing & Omit<Partial<ReplyStep>, 'kind'>): ReplyStep;
export function reply(text: string, extra?: Omit<Partial<ReplyStep>, 'kind' | 'text'>): ReplyStep;
export function reply(
  content: string | (StreamContent & Pacing & Omit<Partial<ReplyStep>, 'kind'>),
  extra: Omit<Partial<ReplyStep>, 'kind' | 'text'> = {},
): ReplyStep {
  return typeof content === 'string' ? { ...extra, kind: 'reply', text: content } : { ...content, kind: 'reply' };
}

export function toolCallReply(
  calls: ScriptedToolCall | ScriptedToolCall[],
  extra: Omit<Partial<ReplyStep>, 'kind' | 'toolCalls'> = {},
): ReplyStep {
  return { ...extra, kind: 'reply', toolCalls: Array.isArray(calls) ? calls : [calls] };
}

export function parseError(extra: Omit<ParseErrorStep, 'kind'> = {}): ParseErrorStep {
  return { ...extra, kind: 'parse-error' };
}

export function httpError(status: number, message: string, type?: string): HttpErrorStep {
  return type === undefined ? { kind: 'http-error', status, message } : { kind: 'http-error', status, message, type };
}

export function contextOverflow(extra: Omit<ContextOverflowStep, 'kind'> = {}): ContextOverflowStep {
  return { ...extra, kind: 'context-overflow' };
}

export function resetMidStream(partial: Omit<ResetStep, 'kind'> = {}): ResetStep {
  return { ...partial, kind: 'reset' };
}

export function endEarly(partial: Omit<EndEarlyStep, 'kind'> = {}): EndEarlyStep {
  return { ...partial, kind: 'end-early' };
}

export function stall(partial: Omit<StallStep, 'kind'> = {}): StallStep {
  return { ...partial, kind: 'stall' };
}

export function rawStream(chunks: Array<string | Uint8Array>, extra: Omit<RawStep, 'kind' | 'chunks'> = {}): RawStep {
  return { ...extra, kind: 'raw', chunks };
}

// ---------- server ----------

export async function startScriptedEngine(options: ScriptedEngineOptions = {}): Promise<ScriptedEngine> {
  const engine = new Engine(options);
  await engine.listen();
  return engine;
}

interface Counters {
  promptTokens: number;
  promptCached: number;
  promptSeconds: number;
  predictedTokens: number;
  predictedSeconds: number;
  decodes: number;
  maxTokens: number;
  draftTokens: number;
  draftAccepted: number;
  drafts: number;
  acceptedPerPosition: number[];
}

/** State of one response while it is written; `gone` once its connection closed. */
interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  record: RecordedRequest | undefined;
  gone: boolean;
  serverDestroyed: boolean;
}

class Engine implements ScriptedEngine {
  url = '';
  private readonly profile: ServerProfile;
  readonly requests: RecordedRequest[] = [];
  readonly warmUps: ChatRequest[] = [];
  readonly log: HttpLogEntry[] = [];
  private readonly script: ScriptEntry[];
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly timers = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();
  private readonly waiters = new Map<number, Array<(request: RecordedRequest) => void>>();
  private loading = false;
  private closing = false;
  private previousPrompt = '';
  private readonly counters: Counters = {
    promptTokens: 0,
    promptCached: 0,
    promptSeconds: 0,
    predictedTokens: 0,
    predictedSeconds: 0,
    decodes: 0,
    maxTokens: 0,
    draftTokens: 0,
    draftAccepted: 0,
    drafts: 0,
    acceptedPerPosition: [],
  };

  constructor(private readonly options: ScriptedEngineOptions) {
    this.script = [...(options.steps ?? [])];
    this.profile = serverProfile(options.profile ?? 'llama-server', { legacy: options.legacy === true });
  }

  private get model(): string {
    if (this.profile.name !== 'llama-server') return this.options.model ?? this.profile.defaultModel;
    return this.options.model ?? this.options.props?.modelPath ?? DEFAULT_MODEL;
  }

  /** What GET /v1/models lists: llama-server names its one model by --alias, else by -hf's repository, else by -m's path as given. */
  private get modelIds(): string[] {
    return this.options.models ?? [this.model];
  }

  get remainingSteps(): number {
    return this.script.length;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${address.port}`;
  }

  push(...steps: ScriptEntry[]): void {
    this.script.push(...steps);
  }

  waitForRequest(index: number): Promise<RecordedRequest> {
    const existing = this.requests[index];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const list = this.waiters.get(index) ?? [];
      list.push(resolve);
      this.waiters.set(index, list);
    });
  }

  setLoading(loading: boolean): void {
    this.loading = loading;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const pending of this.timers) {
      clearTimeout(pending.timer);
      pending.resolve();
    }
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const exchange: Exchange = { req, res, record: undefined, gone: false, serverDestroyed: false };
    res.on('close', () => {
      exchange.gone = true;
    });
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    res.on('finish', () => this.log.push({ method: req.method ?? 'GET', path, status: res.statusCode }));
    if (this.profile.serverHeader) res.setHeader('Server', this.profile.serverHeader);
    try {
      const body = await readBody(req);
      const method = req.method ?? 'GET';
      if (path === '/health' || path === '/v1/health') return this.health(res, method, path);
      if (!this.authorized(req)) return sendReply(res, this.profile.unauthorized());
      if (this.loading) return sendJson(res, 503, errorBody('Loading model', 503, 'unavailable_error'));
      const route = `${method} ${path}`;
      switch (route) {
        case 'POST /v1/chat/completions':
        case 'POST /chat/completions':
          return await this.chat(exchange, path, body);
        case 'GET /v1/models':
        case 'GET /models':
          return sendJson(res, 200, this.profile.modelList({ ids: this.modelIds, nCtx: this.options.props?.nCtx ?? 8192, created: Math.floor(Date.now() / 1000) }));
      }
      if (!this.profile.nativeEndpoints) return sendReply(res, this.profile.notFound(method, path));
      switch (route) {
        case 'GET /props':
          return sendJson(res, 200, this.props());
        case 'GET /metrics':
          if (this.options.metrics === false) {
            return sendJson(
              res,
              501,
              errorBody('This server does not support metrics endpoint. Start it with `--metrics`', 501, 'not_supported_error'),
            );
          }
          res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
          res.end(this.metricsText());
          return;
        case 'POST /tokenize':
          return sendJson(res, 200, tokenizeReply(body));
        default:
          return sendReply(res, this.profile.notFound(method, path));
      }
    } catch (error) {
      if (!res.headersSent && !exchange.gone) {
        sendJson(res, 500, errorBody(error instanceof Error ? error.message : String(error), 500, 'server_error'));
      } else if (!exchange.gone) {
        res.destroy();
      }
    }
  }

  private health(res: http.ServerResponse, method: string, path: string): void {
    const ready = this.profile.health();
    if (!ready) sendReply(res, this.profile.notFound(method, path));
    else if (this.loading) sendJson(res, 503, errorBody('Loading model', 503, 'unavailable_error'));
    else sendReply(res, ready);
  }

  private authorized(req: http.IncomingMessage): boolean {
    if (!this.options.apiKey) return true;
    let key = req.headers.authorization ?? (req.headers['x-api-key'] as string | undefined) ?? '';
    if (key.startsWith('Bearer ')) key = key.slice('Bearer '.length);
    return key === this.options.apiKey;
  }

  private async chat(exchange: Exchange, path: string, rawBody: string): Promise<void> {
    let body: ChatRequest;
    try {
      body = JSON.parse(rawBody) as ChatRequest;
    } catch {
      return sendJson(exchange.res, 400, errorBody('Failed to parse the request body as JSON', 400, 'invalid_request_error'));
    }
    let markClosed: () => void = () => undefined;
    const record: RecordedRequest = {
      index: this.requests.length,
      path,
      headers: exchange.req.headers,
      body,
      step: undefined,
      closed: new Promise<void>((resolve) => (markClosed = resolve)),
      abortedByClient: false,
    };
    exchange.record = record;
    exchange.res.on('close', () => {
      record.abortedByClient = !exchange.res.writableFinished && !exchange.serverDestroyed && !this.closing;
      markClosed();
    });
    const warmUp = body.max_tokens === 1 && body.messages.length > 0 && body.messages.every((m) => m.role === 'system');
    if (warmUp) this.warmUps.push(body);
    else this.requests.push(record);
    // A server that checks the model refuses before it reads the prompt: no step is used.
    const refused = typeof body.model === 'string' && body.model !== '' ? this.profile.unknownModel(body.model, this.modelIds) : this.profile.missingModel();
    if (refused) {
      if (!warmUp) {
        for (const resolve of this.waiters.get(record.index) ?? []) resolve(record);
        this.waiters.delete(record.index);
      }
      return sendReply(exchange.res, refused);
    }
    const entry = warmUp ? reply('.') : this.script.shift();
    const step = typeof entry === 'function' ? entry(record) : entry;
    record.step = step;
    if (!warmUp) {
      for (const resolve of this.waiters.get(record.index) ?? []) resolve(record);
      this.waiters.delete(record.index);
    }

    if (!step) {
      return sendJson(
        exchange.res,
        500,
        errorBody(`scripted engine: no step left for chat request #${record.index}; push() more steps`, 500, 'server_error'),
      );
    }
    const stream = body.stream === true;
    switch (step.kind) {
      case 'http-error':
        return sendJson(exchange.res, step.status, errorBody(step.message, step.status, step.type ?? errorTypeFor(step.status)));
      case 'context-overflow': {
        const nCtx = step.nCtx ?? this.options.props?.nCtx ?? 8192;
        const promptTokens = step.promptTokens ?? nCtx + 1024;
        const overflow = this.profile.overflow(promptTokens, nCtx, typeof body.max_tokens === 'number' ? body.max_tokens : undefined, stream);
        if (overflow.delivery === 'http') return sendReply(exchange.res, overflow.reply);
        exchange.res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        exchange.res.end(overflow.chunk);
        return;
      }
      case 'raw':
        return this.raw(exchange, step);
      case 'parse-error':
        if (step.delivery === 'http' || !stream) {
          await this.sleep(step.startDelayMs);
          return sendJson(exchange.res, 500, errorBody(parseErrorMessage(step.format), 500, 'server_error'));
        }
        return this.streamTurn(exchange, body, step);
      case 'stall':
        if (step.headers === false) return; // never answer; the connection stays open until someone closes it
        return stream ? this.streamTurn(exchange, body, step) : undefined;
      case 'reset':
      case 'end-early':
        if (!stream || (step.kind === 'reset' && step.beforeHeaders)) {
          await this.sleep(step.startDelayMs);
          return step.kind === 'reset' ? this.destroy(exchange) : void exchange.res.end();
        }
        return this.streamTurn(exchange, body, step);
      case 'reply':
        return stream ? this.streamTurn(exchange, body, step) : this.completeTurn(exchange, body, step);
    }
  }

  /** Streams a turn exactly as llama-server lays out its chunks. */
  private async streamTurn(
    exchange: Exchange,
    body: ChatRequest,
    step: ReplyStep | ParseErrorStep | ResetStep | EndEarlyStep | StallStep,
  ): Promise<void> {
    const { res } = exchange;
    await this.sleep(step.startDelayMs);
    if (exchange.gone) return;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Keep-Alive': 'timeout=5, max=100' });
    res.flushHeaders();
    const meta = chunkMeta(this.model, this.profile.name === 'llama-server');
    const send = async (payload: object, pause = true): Promise<boolean> => {
      if (pause) await this.sleep(step.delayMs);
      if (exchange.gone) return false;
      await write(res, `data: ${JSON.stringify(payload)}\n\n`);
      return true;
    };
    const delta = (d: object): object => ({ choices: [{ finish_reason: null, index: 0, delta: d }], ...meta });

    if (!(await send(delta({ role: 'assistant', content: null }), false))) return;
    const size = Math.max(1, step.chunkSize ?? 6);
    for (const piece of pieces(step.reasoning, size)) if (!(await send(delta({ [this.profile.reasoningField]: piece })))) return;
    for (const piece of pieces(step.text, size)) if (!(await send(delta({ content: piece })))) return;
    const calls = (step.toolCalls ?? []).map(normaliseCall);
    for (const [index, call] of calls.entries()) {
      // The first fragment of the arguments rides along with the call's id and name.
      const [first = '', ...rest] = pieces(call.arguments, size);
      const header = { index, id: call.id, type: 'function', function: { name: call.name, arguments: first } };
      if (!(await send(delta({ tool_calls: [header] })))) return;
      for (const piece of rest) {
        if (!(await send(delta({ tool_calls: [{ index, function: { arguments: piece } }] })))) return;
      }
    }

    switch (step.kind) {
      case 'reset':
        await this.sleep(step.delayMs);
        return this.destroy(exchange);
      case 'end-early':
        await this.sleep(step.delayMs);
        if (!exchange.gone) res.end();
        return;
      case 'stall':
        return this.keepAlive(exchange, step.keepAliveMs);
      case 'parse-error':
        await send({ error: errorBody(parseErrorMessage(step.format), 500, 'server_error').error });
        if (!exchange.gone) res.end();
        return;
      case 'reply': {
        const { timings, usage } = this.account(body, step, calls);
        const finishReason = step.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop');
        const finish: Record<string, unknown> = { choices: [{ finish_reason: finishReason, index: 0, delta: {} }], ...meta };
        const includeUsage = body.stream_options?.include_usage === true;
        const withTimings = this.profile.timings;
        if (!includeUsage && withTimings) finish.timings = timings;
        if (!(await send(finish))) return;
        if (includeUsage && !(await send({ choices: [], ...meta, usage, ...(withTimings ? { timings } : {}) }, false))) return;
        res.end('data: [DONE]\n\n');
        return;
      }
    }
  }

  /** A non-streamed reply: one chat.completion object. */
  private async completeTurn(exchange: Exchange, body: ChatRequest, step: ReplyStep): Promise<void> {
    await this.sleep(step.startDelayMs);
    if (exchange.gone) return;
    const calls = (step.toolCalls ?? []).map(normaliseCall);
    const { timings, usage } = this.account(body, step, calls);
    const message: Record<string, unknown> = { role: 'assistant', content: step.text ?? '' };
    if (step.reasoning) message[this.profile.reasoningField] = step.reasoning;
    if (calls.length > 0) {
      message.tool_calls = calls.map((call) => ({ type: 'function', function: { name: call.name, arguments: call.arguments }, id: call.id }));
    }
    const { id, ...meta } = chunkMeta(this.model, this.profile.name === 'llama-server');
    sendJson(exchange.res, 200, {
      choices: [{ finish_reason: step.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop'), index: 0, message }],
      created: meta.created,
      model: meta.model,
      system_fingerprint: meta.system_fingerprint,
      object: 'chat.completion',
      usage,
      id,
      ...(this.profile.timings ? { timings } : {}),
    });
  }

  private async raw(exchange: Exchange, step: RawStep): Promise<void> {
    const { res } = exchange;
    res.writeHead(step.status ?? 200, { 'Content-Type': step.contentType ?? 'text/event-stream' });
    res.flushHeaders();
    for (const chunk of step.chunks) {
      await this.sleep(step.delayMs);
      if (exchange.gone) return;
      await write(res, chunk);
    }
    await this.sleep(step.delayMs);
    if (step.end === 'reset') this.destroy(exchange);
    else if (!exchange.gone) res.end();
  }

  private async keepAlive(exchange: Exchange, intervalMs: number | undefined): Promise<void> {
    if (!intervalMs) return;
    while (!exchange.gone && !this.closing) {
      await this.sleep(intervalMs);
      if (!exchange.gone) exchange.res.write(':\n\n');
    }
  }

  private destroy(exchange: Exchange): void {
    exchange.serverDestroyed = true;
    exchange.res.destroy();
  }

  /** Computes llama-server-like timings and usage, and adds them to the /metrics counters. */
  private account(body: ChatRequest, step: ReplyStep, calls: NormalisedCall[]): { timings: WireTimings; usage: Usage } {
    const prompt = promptText(body);
    const promptTotal = Math.max(1, estimateTokens(prompt) + mediaTokens(body));
    const common = commonPrefixLength(prompt, this.previousPrompt);
    this.previousPrompt = prompt;
    // The server always evaluates at least the last prompt token again.
    const cache_n = body.cache_prompt === false ? 0 : Math.min(promptTotal - 1, Math.floor(common / 4));
    const prompt_n = promptTotal - cache_n;
    const generated = (step.reasoning ?? '') + (step.text ?? '') + calls.map((call) => call.name + call.arguments).join('');
    const predicted_n = Math.max(1, estimateTokens(generated) + calls.length * 3);
    const promptTps = this.options.promptTokensPerSecond ?? 180;
    const genTps = this.options.tokensPerSecond ?? 24;
    const prompt_ms = (prompt_n / promptTps) * 1000;
    const predicted_ms = (predicted_n / genTps) * 1000;
    const computed: WireTimings = {
      cache_n,
      prompt_n,
      prompt_ms,
      prompt_per_token_ms: prompt_ms / prompt_n,
      prompt_per_second: promptTps,
      predicted_n,
      predicted_ms,
      predicted_per_token_ms: predicted_ms / predicted_n,
      predicted_per_second: genTps,
    };
    if (this.options.drafter !== false && predicted_n > 1) {
      // --spec-draft-n-max 2: every verification step proposes two tokens.
      const drafts = Math.ceil((predicted_n - 1) / 2);
      computed.draft_n = drafts * 2;
      computed.draft_n_accepted = Math.round(computed.draft_n * (this.options.draftAcceptance ?? 0.72));
    }
    const timings: WireTimings = { ...computed, ...step.timings };
    if (timings.draft_n === 0) {
      delete timings.draft_n;
      delete timings.draft_n_accepted;
    }
    const usage: Usage = {
      completion_tokens: timings.predicted_n,
      prompt_tokens: timings.prompt_n + timings.cache_n,
      total_tokens: timings.predicted_n + timings.prompt_n + timings.cache_n,
      prompt_tokens_details: { cached_tokens: timings.cache_n },
      ...step.usage,
    };

    const c = this.counters;
    c.promptTokens += timings.prompt_n;
    c.promptCached += timings.cache_n;
    c.promptSeconds += timings.prompt_ms / 1000;
    c.predictedTokens += timings.predicted_n;
    c.predictedSeconds += timings.predicted_ms / 1000;
    c.maxTokens = Math.max(c.maxTokens, usage.total_tokens);
    if (timings.draft_n) {
      const steps = Math.ceil(timings.draft_n / 2);
      c.drafts += steps;
      c.decodes += 1 + timings.predicted_n - (timings.draft_n_accepted ?? 0);
      c.draftTokens += timings.draft_n;
      c.draftAccepted += timings.draft_n_accepted ?? 0;
      const first = Math.min(steps, timings.draft_n_accepted ?? 0);
      c.acceptedPerPosition[0] = (c.acceptedPerPosition[0] ?? 0) + first;
      c.acceptedPerPosition[1] = (c.acceptedPerPosition[1] ?? 0) + (timings.draft_n_accepted ?? 0) - first;
    } else {
      c.decodes += 1 + timings.predicted_n;
    }
    return { timings, usage };
  }

  private props(): PropsResponse {
    const p = this.options.props ?? {};
    const nCtx = p.nCtx ?? 8192;
    return {
      default_generation_settings: { params: { n_predict: -1, temperature: 1, top_k: 64, top_p: 0.95 }, n_ctx: nCtx },
      total_slots: p.totalSlots ?? 1,
      model_alias: this.model,
      model_path: p.modelPath ?? this.model,
      modalities: { vision: p.vision ?? true, video: false, audio: p.audio ?? true },
      chat_template: p.chatTemplate ?? "{{ bos_token }}{%- for message in messages -%}<|turn>{{ message['role'] }}\n{{ message['content'] }}<turn|>\n{%- endfor -%}",
      bos_token: '<bos>',
      eos_token: '<eos>',
      build_info: BUILD_INFO,
      is_sleeping: false,
    };
  }

  metricsText(): string {
    const c = this.counters;
    const counters: Array<[string, string, number]> = [
      ['prompt_tokens_total', 'Number of prompt tokens processed, excluding cached tokens', c.promptTokens],
      ['prompt_tokens_cached_total', 'Number of prompt tokens reused from the cache', c.promptCached],
      ['prompt_seconds_total', 'Total time spent processing prompts', c.promptSeconds],
      ['tokens_predicted_total', 'Number of generation tokens processed', c.predictedTokens],
      ['tokens_predicted_seconds_total', 'Total time spent generating tokens', c.predictedSeconds],
      ['n_decode_total', 'Total number of llama_decode() calls, excluding speculative decoding and multimodal decoding', c.decodes],
      ['n_tokens_max', 'Largest observed sequence length (prompt + generation)', c.maxTokens],
      ['spec_decode_num_draft_tokens_total', 'Speculative: Total draft tokens generated', c.draftTokens],
      ['spec_decode_num_accepted_tokens_total', 'Speculative: Total draft tokens accepted by the target model', c.draftAccepted],
      ['spec_decode_num_drafts_total', 'Speculative: Total speculative decoding verification steps', c.drafts],
    ];
    const gauges: Array<[string, string, number]> = [
      ['prompt_tokens_seconds', 'Average prompt throughput in tokens/s', c.promptSeconds > 0 ? c.promptTokens / c.promptSeconds : 0],
      ['predicted_tokens_seconds', 'Average generation throughput in tokens/s', c.predictedSeconds > 0 ? c.predictedTokens / c.predictedSeconds : 0],
      ['requests_processing', 'Number of requests processing', 0],
      ['requests_deferred', 'Number of requests deferred', 0],
      ['n_busy_slots_per_decode', 'Average number of busy slots per llama_decode() call', c.decodes > 0 ? 1 : 0],
    ];
    let text = '';
    for (const [type, items] of [['counter', counters], ['gauge', gauges]] as const) {
      for (const [name, help, value] of items) {
        text += `# HELP llamacpp:${name} ${help}\n# TYPE llamacpp:${name} ${type}\nllamacpp:${name} ${formatCppDouble(value)}\n`;
      }
    }
    if (c.acceptedPerPosition.length > 0) {
      text +=
        '# HELP llamacpp:spec_decode_num_accepted_tokens_per_pos_total Accepted tokens per draft position\n' +
        '# TYPE llamacpp:spec_decode_num_accepted_tokens_per_pos_total counter\n';
      c.acceptedPerPosition.forEach((value, position) => {
        text += `llamacpp:spec_decode_num_accepted_tokens_per_pos_total{position="${position}"} ${value}\n`;
      });
    }
    return text;
  }

  /** A pause that close() cuts short, so no test waits on a stalled script. */
  private sleep(ms: number | undefined): Promise<void> {
    if (!ms || ms <= 0 || this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          this.timers.delete(pending);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(pending);
    });
  }
}

// ---------- llama-server formats ----------

interface NormalisedCall {
  id: string;
  name: string;
  arguments: string;
}

function normaliseCall(call: ScriptedToolCall): NormalisedCall {
  return {
    id: call.id ?? randomString(),
    name: call.name,
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
  };
}

interface ChunkMeta {
  created: number;
  id: string;
  model: string;
  /** llama-server's build; the other servers send none. */
  system_fingerprint?: string;
  object: string;
}

function chunkMeta(model: string, fingerprint: boolean): ChunkMeta {
  const meta: ChunkMeta = {
    created: Math.floor(Date.now() / 1000),
    id: `chatcmpl-${randomString()}`,
    model,
    system_fingerprint: BUILD_INFO,
    object: 'chat.completion.chunk',
  };
  if (!fingerprint) delete meta.system_fingerprint;
  return meta;
}

function parseErrorMessage(format = PEG_FORMAT): string {
  return `The model produced output that does not match the expected ${format} format`;
}

function errorBody(message: string, code: number, type: string): { error: WireError } {
  return { error: { code, message, type } };
}

function errorTypeFor(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 501:
      return 'not_supported_error';
    case 503:
      return 'unavailable_error';
    default:
      return 'server_error';
  }
}

function sendReply(res: http.ServerResponse, reply: HttpReply): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(reply.status, { 'Content-Type': reply.contentType, 'Content-Length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Resolves once the bytes are handed to the kernel, so a reset that follows cannot swallow them. */
function write(res: http.ServerResponse, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) resolve();
    else res.write(data, () => resolve());
  });
}

/** The whole body of a request, as text. */
export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function pieces(text: string | undefined, size: number): string[] {
  if (!text) return [];
  // Split by code point so a delta never ends inside a surrogate pair, as the server's UTF-8 check ensures.
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

function randomString(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let out = '';
  for (let i = 0; i < 32; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

/** C++ `ostream << double` (6 significant digits, %g style), as /metrics prints values. */
export function formatCppDouble(value: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  const exponent = Math.floor(Math.log10(Math.abs(Number(value.toPrecision(6)))));
  if (exponent < -4 || exponent >= 6) {
    const [mantissa = '0', exp = '0'] = value.toExponential(5).split('e');
    const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const expNumber = Number(exp);
    return `${trimmed}e${expNumber < 0 ? '-' : '+'}${String(Math.abs(expNumber)).padStart(2, '0')}`;
  }
  const fixed = value.toPrecision(6);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

// ---------- plausible token counts ----------

function promptText(body: ChatRequest): string {
  const messages = body.messages.map((message) => {
    if (typeof message.content === 'string' || message.content === null) return { ...message };
    // Media are counted separately; keep only their position in the prefix.
    return { ...message, content: message.content.map((part) => (part.type === 'text' ? part : { type: part.type })) };
  });
  return JSON.stringify({ tools: body.tools ?? [], messages });
}

/** Gemma 4's 48 px patch grid: 70..1120 tokens per image plus 2 wrapper tokens; audio 25 per second. */
function mediaTokens(body: ChatRequest): number {
  let tokens = 0;
  for (const message of body.messages) {
    if (typeof message.content === 'string' || message.content === null) continue;
    for (const part of message.content) {
      if (part.type === 'image_url') tokens += imageTokens(part.image_url.url);
      else if (part.type === 'input_audio') {
        const bytes = Math.floor((part.input_audio.data.length * 3) / 4);
        tokens += Math.max(1, Math.round(((bytes - 44) / 32000) * 25)); // 16 kHz, 16-bit mono
      }
    }
  }
  return tokens;
}

function imageTokens(url: string): number {
  const comma = url.indexOf(',');
  const header = Buffer.from(url.slice(comma + 1, comma + 1 + 64), 'base64');
  // PNG: width and height are big-endian at bytes 16..24 of the IHDR chunk.
  const isPng = header.length >= 24 && header.readUInt32BE(0) === 0x89504e47;
  const width = isPng ? header.readUInt32BE(16) : 768;
  const height = isPng ? header.readUInt32BE(20) : 768;
  const patches = Math.ceil(width / 48) * Math.ceil(height / 48);
  return Math.min(1120, Math.max(70, patches)) + 2;
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Word-ish pieces with ids from a hash: stable, and about one token per 4 characters of prose. */
function tokenizeReply(rawBody: string): { tokens: Array<number | { id: number; piece: string }> } {
  let request: { content?: unknown; add_special?: boolean; with_pieces?: boolean };
  try {
    request = JSON.parse(rawBody) as typeof request;
  } catch {
    request = {};
  }
  const content = typeof request.content === 'string' ? request.content : '';
  const pieceList = content.match(/<\|?[a-z_"]+\|?>|\s?[A-Za-z]{1,6}|\s?\d{1,3}|\s?[^\sA-Za-z\d]|\s+/g) ?? [];
  const tokens = pieceList.map((piece) => ({ id: 1000 + (hash(piece) % 260_000), piece }));
  if (request.add_special) tokens.unshift({ id: 2, piece: '<bos>' });
  return { tokens: request.with_pieces ? tokens : tokens.map((token) => token.id) };
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
