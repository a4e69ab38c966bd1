import type { AssistantMessage, ChatRequest, ModelEntry, PropsResponse, TokenizeRequest, TokenizeResponse } from '../protocol';
import type { ChatEvent, ChatResult } from './chatEvents';
import { readChatStream } from './chatStream';
import { errorFromNetworkFailure, errorFromResponseBody } from './errorClassification';
import { EngineProtocolError } from './errors';
import { parsePrometheusText } from './prometheus';
import { RequestGuard } from './requestGuard';
import { toStreamingWireRequest } from './wireRequest';

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export interface EngineClientOptions {
  /** Where llama-server listens, e.g. http://127.0.0.1:8080 (a trailing /v1 is accepted). */
  baseUrl: string;
  /** The key llama-server was started with (--api-key). */
  apiKey?: string;
  /**
   * The model every chat request names, unless the request names its own. llama-server
   * serves one model and ignores it; Ollama, LM Studio and older vLLM refuse a request
   * without it, and a server with several models needs it to choose.
   */
  model?: string;
  /** Replaces the global fetch, e.g. to log or to fake the network. */
  fetch?: FetchFunction;
  /**
   * Longest silence allowed inside a streamed reply. llama-server sends a keepalive
   * comment every 30 s by default while it works (prompt processing, image encoding).
   */
  idleTimeoutMs?: number;
  /** Longest wait for a chat reply to start; a busy single-slot server queues requests. */
  headersTimeoutMs?: number;
  /** Limit for the small endpoints: /health, /props, /metrics, /tokenize. */
  requestTimeoutMs?: number;
  /** Longest one streamed reply may take from request to end, keepalives or not. Default 20 min. */
  turnTimeoutMs?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface ChatOptions extends RequestOptions {
  /** Overrides the client's idleTimeoutMs for this call. */
  idleTimeoutMs?: number;
  /** Overrides the client's turnTimeoutMs for this call. */
  turnTimeoutMs?: number;
}

export type HealthStatus = 'ok' | 'loading';

/** A model GET /v1/models lists, with the context size where the server gives it. */
export interface ServedModel {
  id: string;
  /** `owned_by`: "llamacpp", "vllm", "sglang", an Ollama namespace, "organization_owner" (LM Studio). */
  ownedBy?: string;
  /** Tokens one request may hold: llama-server's meta.n_ctx, vLLM's and SGLang's max_model_len. */
  contextSize?: number;
}

/** The parts of GET /props the extension uses. */
export interface EngineProps {
  modalities: { vision: boolean; audio: boolean };
  /** Context size of one slot, in tokens. */
  n_ctx: number;
  chat_template: string;
  total_slots: number;
  model_path: string;
  build_info?: string;
}

export interface TokenizeOptions extends RequestOptions {
  /** Add BOS as the model would for a fresh prompt (default false: count only the text). */
  addSpecial?: boolean;
  /** Read markers such as <|turn> as the special tokens they are (server default true). */
  parseSpecial?: boolean;
}

// With return_progress the engine reports while it reads a prompt, so a minute of silence
// means it is stuck, not busy.
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** A 32k prompt at 300 tokens/s and a long answer at 20 tokens/s fit well inside it. */
const DEFAULT_TURN_TIMEOUT_MS = 20 * 60_000;

/**
 * Talks to one llama-server over its OpenAI-compatible and native HTTP endpoints, or to another
 * OpenAI-compatible server (vLLM, SGLang, Ollama, LM Studio) over the endpoints they share.
 */
export class EngineClient {
  readonly baseUrl: string;
  /** The model chat requests name; undefined: they name none. */
  readonly model: string | undefined;
  private readonly options: EngineClientOptions;
  private readonly apiKey: string | undefined;
  private readonly fetchImpl: FetchFunction;
  private readonly idleTimeoutMs: number;
  private readonly headersTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly turnTimeoutMs: number;

  constructor(options: EngineClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.model = options.model || undefined;
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.headersTimeoutMs = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.turnTimeoutMs = options.turnTimeoutMs ?? DEFAULT_TURN_TIMEOUT_MS;
  }

  /** The same engine, with `model` named in every chat request (undefined: none). */
  withModel(model: string | undefined): EngineClient {
    const options: EngineClientOptions = { ...this.options };
    if (model) options.model = model;
    else delete options.model;
    return new EngineClient(options);
  }

  /**
   * Streams one assistant turn. The iterator throws an EngineError on failure and an
   * AbortError when `signal` fires; leaving the loop early closes the connection, which
   * makes llama-server stop generating.
   */
  streamChat(request: ChatRequest, options: ChatOptions = {}): AsyncGenerator<ChatEvent, void, undefined> {
    // Built here, not inside the generator, so a malformed request throws at the call site.
    const named = request.model === undefined && this.model !== undefined ? { ...request, model: this.model } : request;
    return this.runStream(JSON.stringify(toStreamingWireRequest(named)), options);
  }

  private async *runStream(body: string, options: ChatOptions): AsyncGenerator<ChatEvent, void, undefined> {
    const guard = new RequestGuard(options.signal);
    try {
      guard.deadline(options.turnTimeoutMs ?? this.turnTimeoutMs);
      guard.arm(this.headersTimeoutMs, 'headers');
      const response = await this.send(guard, '/v1/chat/completions', {
        method: 'POST',
        headers: { ...this.headers(), 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body,
      });
      const contentType = response.headers.get('content-type') ?? '';
      if (!contentType.includes('text/event-stream') || !response.body) {
        const text = await this.readText(guard, response);
        throw new EngineProtocolError(`expected an event stream, got "${contentType}": ${text.slice(0, 120)}`);
      }
      yield* readChatStream(response.body, guard, options.idleTimeoutMs ?? this.idleTimeoutMs, this.baseUrl);
    } finally {
      guard.dispose();
    }
  }

  /** One whole assistant turn. Streams underneath so the idle timeout and cancellation work the same. */
  async chat(request: ChatRequest, options: ChatOptions = {}): Promise<ChatResult> {
    let text = '';
    let reasoning = '';
    let result: ChatResult | undefined;
    let toolCalls: ChatResult['toolCalls'] = [];
    for await (const event of this.streamChat(request, options)) {
      if (event.type === 'text') text += event.delta;
      else if (event.type === 'reasoning') reasoning += event.delta;
      else if (event.type === 'tool-calls') toolCalls = event.calls;
      else if (event.type === 'done') {
        const message: AssistantMessage = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
        // The Gemma 4 template shows earlier thinking to the model within a chain of tool calls.
        if (reasoning !== '') message.reasoning_content = reasoning;
        if (toolCalls.length > 0) {
          message.tool_calls = toolCalls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          }));
        }
        result = { message, text, reasoning, toolCalls, finishReason: event.finishReason };
        if (event.timings) result.timings = event.timings;
        if (event.usage) result.usage = event.usage;
      }
    }
    if (!result) throw new EngineProtocolError('the reply ended without a final event');
    return result;
  }

  /**
   * 'loading' while the model loads; throws EngineUnavailableError when nothing listens.
   * llama-server answers `{"status":"ok"}`, vLLM and SGLang an empty 200.
   */
  async health(options: RequestOptions = {}): Promise<HealthStatus> {
    return this.exchange(options, '/health', { method: 'GET', headers: this.headers() }, async (response) => {
      if (response.status === 503) {
        await response.text();
        return 'loading';
      }
      const text = await response.text();
      if (text.trim() === '') return 'ok';
      let body: { status?: unknown };
      try {
        body = JSON.parse(text) as { status?: unknown };
      } catch (error) {
        throw new EngineProtocolError(`/health is not JSON: ${text.slice(0, 120)}`, { cause: error });
      }
      if (body?.status !== 'ok') throw new EngineProtocolError(`unexpected /health reply ${JSON.stringify(body)}`);
      return 'ok';
    });
  }

  /** GET /v1/models: what the server serves. Throws EngineProtocolError when the answer is not a list of models. */
  async models(options: RequestOptions = {}): Promise<ServedModel[]> {
    return this.exchange(options, '/v1/models', { method: 'GET', headers: this.headers() }, async (response) => {
      const raw = await this.json<{ data?: unknown }>(response);
      if (typeof raw !== 'object' || raw === null || !Array.isArray(raw.data)) throw new EngineProtocolError('/v1/models has no list of models');
      const served: ServedModel[] = [];
      for (const entry of raw.data as Partial<ModelEntry>[]) {
        if (typeof entry !== 'object' || entry === null || typeof entry.id !== 'string') continue;
        const model: ServedModel = { id: entry.id };
        if (typeof entry.owned_by === 'string') model.ownedBy = entry.owned_by;
        const contextSize = entry.meta?.n_ctx ?? entry.max_model_len;
        if (typeof contextSize === 'number' && contextSize > 0) model.contextSize = contextSize;
        served.push(model);
      }
      return served;
    });
  }

  async props(options: RequestOptions = {}): Promise<EngineProps> {
    return this.exchange(options, '/props', { method: 'GET', headers: this.headers() }, async (response) => {
      const raw = await this.json<Partial<PropsResponse>>(response);
      const n_ctx = raw.default_generation_settings?.n_ctx;
      if (typeof n_ctx !== 'number') throw new EngineProtocolError('/props has no default_generation_settings.n_ctx');
      const props: EngineProps = {
        modalities: { vision: raw.modalities?.vision === true, audio: raw.modalities?.audio === true },
        n_ctx,
        chat_template: raw.chat_template ?? '',
        total_slots: raw.total_slots ?? 1,
        model_path: raw.model_path ?? '',
      };
      if (raw.build_info !== undefined) props.build_info = raw.build_info;
      return props;
    });
  }

  /**
   * GET /metrics as `name -> value` (see prometheus.ts for speculativeStats and
   * promptCacheStats). Needs llama-server started with --metrics; otherwise HTTP 501.
   */
  async metrics(options: RequestOptions = {}): Promise<Record<string, number>> {
    return this.exchange(options, '/metrics', { method: 'GET', headers: this.headers() }, async (response) =>
      parsePrometheusText(await response.text()),
    );
  }

  /** Token ids of `text` under the loaded model's vocabulary. */
  async tokenize(text: string, options: TokenizeOptions = {}): Promise<number[]> {
    const request: TokenizeRequest = { content: text, add_special: options.addSpecial ?? false };
    if (options.parseSpecial !== undefined) request.parse_special = options.parseSpecial;
    const init: RequestInit = {
      method: 'POST',
      headers: { ...this.headers(), 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    };
    return this.exchange(options, '/tokenize', init, async (response) => {
      const body = await this.json<Partial<TokenizeResponse>>(response);
      if (!Array.isArray(body.tokens)) throw new EngineProtocolError('/tokenize reply has no tokens');
      return body.tokens.map((token) => (typeof token === 'number' ? token : token.id));
    });
  }

  async countTokens(text: string, options: TokenizeOptions = {}): Promise<number> {
    return (await this.tokenize(text, options)).length;
  }

  private headers(): Record<string, string> {
    return this.apiKey ? { Authorization: `Bearer ${this.apiKey}` } : {};
  }

  /** Sends the request and turns any non-2xx answer into a typed error. */
  private async send(guard: RequestGuard, path: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await guard.race(this.fetchImpl(`${this.baseUrl}${path}`, { ...init, signal: guard.signal }));
    } catch (error) {
      if (guard.failure || !isStaleKeepAlive(error)) throw guard.failure ?? errorFromNetworkFailure(error, this.baseUrl);
      // The server closed an idle keep-alive socket just as this request went out on it: no
      // answer was started, so sending it once more on a fresh connection is safe.
      try {
        response = await guard.race(this.fetchImpl(`${this.baseUrl}${path}`, { ...init, signal: guard.signal }));
      } catch (retryError) {
        throw guard.failure ?? errorFromNetworkFailure(retryError, this.baseUrl);
      }
    }
    if (response.ok || (path === '/health' && response.status === 503)) return response;
    const text = await this.readText(guard, response);
    guard.markSettled();
    throw errorFromResponseBody(response.status, text);
  }

  private async readText(guard: RequestGuard, response: Response): Promise<string> {
    try {
      return await guard.race(response.text());
    } catch (error) {
      throw guard.failure ?? errorFromNetworkFailure(error, this.baseUrl);
    }
  }

  /** One short request/response exchange bounded by requestTimeoutMs. */
  private async exchange<T>(
    options: RequestOptions,
    path: string,
    init: RequestInit,
    read: (response: Response) => Promise<T>,
  ): Promise<T> {
    const guard = new RequestGuard(options.signal);
    try {
      guard.arm(this.requestTimeoutMs, 'headers');
      const response = await this.send(guard, path, init);
      guard.arm(this.requestTimeoutMs, 'body');
      let result: T;
      try {
        result = await guard.race(read(response));
      } catch (error) {
        throw guard.failure ?? errorFromNetworkFailure(error, this.baseUrl);
      }
      guard.markSettled();
      return result;
    } finally {
      guard.dispose();
    }
  }

  private async json<T>(response: Response): Promise<T> {
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new EngineProtocolError(`${new URL(response.url || this.baseUrl).pathname} is not JSON: ${text.slice(0, 120)}`, {
        cause: error,
      });
    }
  }
}

/** A socket the server had already closed when the request was written on it (before any answer). */
function isStaleKeepAlive(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: string; message?: string };
    if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || /other side closed/.test(message ?? '')) return true;
  }
  return false;
}
