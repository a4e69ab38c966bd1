import { abortError, CodedError } from '../errors';

export { isAbortError } from '../errors';

export const ENGINE_ERROR_CODES = [
  'engine-auth',
  'engine-not-openai',
  'engine-model-missing',
  'engine-model-required',
  'engine-tools-unsupported',
  'engine-output-parse',
  'context-overflow',
  'engine-loading',
  'engine-http',
  'engine-unreachable',
  'engine-connection-lost',
  'engine-timeout',
  'engine-protocol',
] as const;

export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

/**
 * Failures talking to llama-server (or another OpenAI-compatible server). `message` says
 * what failed; `retryable` tells the agent loop whether sending the same request again can
 * succeed without changing anything. The engine may be local or remote, so nothing here
 * says how to start or configure it: the front end does, from `code` and `facts`.
 */
export abstract class EngineError extends CodedError<EngineErrorCode> {
  abstract readonly retryable: boolean;
}

export class EngineAuthError extends EngineError {
  readonly retryable = false;

  constructor(
    readonly detail?: string,
    /** 401 (no key or a wrong one) or 403 (a key without the right to this). */
    readonly status = 401,
  ) {
    super('engine-auth', `The engine refused the API key (HTTP ${status}).`, { status });
  }
}

/**
 * Something answers at the URL, but not as an OpenAI-compatible server: GET /v1/models is
 * missing (404) or is not a list of models (a web page, a proxy's error page, another service).
 */
export class EngineNotOpenAiError extends EngineError {
  readonly retryable = false;

  constructor(
    readonly url: string,
    readonly detail: string,
    readonly status?: number,
  ) {
    super('engine-not-openai', `The server at ${url} does not answer as an OpenAI-compatible engine (${detail}).`, { url, detail, status });
  }
}

const listOf = (models: readonly string[]): string => models.map((m) => `"${m}"`).join(', ');

/**
 * The server does not serve the model a request names (vLLM's 404 "does not exist", Ollama's
 * "not found", LM Studio's "Invalid model identifier"), or serves none at all.
 */
export class EngineModelMissingError extends EngineError {
  readonly retryable = false;

  constructor(
    /** The model asked for, when known. */
    readonly model: string | undefined,
    /** What the server says it serves, when it said. */
    readonly available: readonly string[],
    readonly detail?: string,
    /** True when the server serves nothing at all (nothing pulled or loaded). */
    readonly none = false,
  ) {
    super(
      'engine-model-missing',
      none
        ? 'The server serves no model: none is loaded or installed there.'
        : model === undefined
          ? 'The server does not serve the model the request names.'
          : `The server serves no model named "${model}"${available.length > 0 ? `; it serves ${listOf(available)}` : ''}.`,
      { model, available: [...available], none },
    );
  }
}

/**
 * A request must name its model and none is chosen: the server lists several (vLLM with
 * adapters, Ollama, LM Studio), or says "model is required".
 */
export class EngineModelRequiredError extends EngineError {
  readonly retryable = false;

  constructor(
    readonly available: readonly string[],
    readonly detail?: string,
  ) {
    super(
      'engine-model-required',
      available.length > 0
        ? `The server serves several models (${listOf(available)}) and none is chosen for the requests.`
        : 'The server needs a model named in every request, and none is chosen.',
      { available: [...available] },
    );
  }
}

/** The server refuses requests that offer tools: it was started without a tool-call parser (vLLM without --enable-auto-tool-choice). */
export class EngineToolsUnsupportedError extends EngineError {
  readonly retryable = false;

  constructor(readonly detail: string) {
    super('engine-tools-unsupported', 'The engine refuses requests that offer tools: it runs without tool calling.', { detail });
  }
}

/**
 * The model wrote text the server's tool-call parser rejects (usually a malformed
 * `<|tool_call>` block). Sampling again normally produces a valid call.
 */
export class EngineOutputParseError extends EngineError {
  readonly retryable = true;

  constructor(
    readonly detail: string,
    /** Parser that rejected the output, e.g. 'peg-gemma4'. */
    readonly format: string | undefined,
  ) {
    super('engine-output-parse', `The model produced a tool call the engine could not parse${format ? ` (${format} format)` : ''}.`, { format });
  }
}

export class EngineContextOverflowError extends EngineError {
  readonly retryable = false;

  constructor(
    readonly promptTokens: number | undefined,
    readonly contextSize: number | undefined,
    readonly detail: string,
  ) {
    super(
      'context-overflow',
      `The conversation${promptTokens ? ` (${promptTokens} tokens)` : ''} no longer fits the engine's context${contextSize ? ` of ${contextSize} tokens` : ''}.`,
      { promptTokens, contextSize },
    );
  }
}

/** 503 while llama-server is still loading the model. */
export class EngineLoadingError extends EngineError {
  readonly retryable = true;

  constructor(readonly detail?: string) {
    super('engine-loading', 'The engine is still loading the model.', {});
  }
}

export class EngineHttpError extends EngineError {
  readonly retryable: boolean;

  constructor(
    readonly status: number,
    /** Raw response body, for logs. */
    readonly body: string,
    /** The server's own error message when the body had one. */
    readonly detail?: string,
  ) {
    super('engine-http', `The engine answered HTTP ${status}${detail ? `: ${detail}` : ''}.`, { status, detail });
    // 501 means a feature is switched off at spawn (e.g. --metrics): retrying cannot help.
    this.retryable = status >= 500 && status !== 501;
  }
}

export class EngineUnavailableError extends EngineError {
  readonly retryable = true;

  constructor(readonly url: string, options?: { cause?: unknown }) {
    super('engine-unreachable', `Nothing answers at ${url}: no engine is listening there.`, { url }, options);
  }
}

export class EngineConnectionLostError extends EngineError {
  readonly retryable = true;

  constructor(reason: string, options?: { cause?: unknown }) {
    super('engine-connection-lost', `The connection to the engine broke before the reply finished (${reason}).`, { reason }, options);
  }
}

export type EngineTimeoutPhase = 'headers' | 'body' | 'turn';

export class EngineTimeoutError extends EngineError {
  readonly retryable = true;

  constructor(
    readonly timeoutMs: number,
    /** 'headers': no response started; 'body': the response went silent; 'turn': the whole reply took longer than its deadline. */
    readonly phase: EngineTimeoutPhase,
  ) {
    const seconds = Math.round(timeoutMs / 100) / 10;
    super(
      'engine-timeout',
      phase === 'headers'
        ? `The engine did not start answering within ${seconds} s.`
        : phase === 'turn'
          ? `The reply did not finish within ${seconds} s (keepalives without progress).`
          : `The engine went silent for ${seconds} s in the middle of a reply.`,
      { seconds, phase },
    );
  }
}

/** The server answered something that is not the llama-server API (wrong port, proxy, bug). */
export class EngineProtocolError extends EngineError {
  readonly retryable = false;

  constructor(detail: string, options?: { cause?: unknown }) {
    super('engine-protocol', `The engine sent a reply that is not llama-server's API (${detail}).`, { detail }, options);
  }
}

/** Cancellation is not a failure: it surfaces as the platform's AbortError so callers treat it like fetch's. */
export function createAbortError(): DOMException {
  return abortError('The request to the engine was cancelled.');
}
