import type { WireError } from '../protocol';
import { contextOverflowIn } from './contextOverflow';
import {
  EngineAuthError,
  EngineConnectionLostError,
  EngineContextOverflowError,
  EngineError,
  EngineHttpError,
  EngineLoadingError,
  EngineModelMissingError,
  EngineModelRequiredError,
  EngineOutputParseError,
  EngineTimeoutError,
  EngineToolsUnsupportedError,
  EngineUnavailableError,
} from './errors';

// common/chat.cpp: "The model produced output that does not match the expected <format> format"
const OUTPUT_PARSE_PATTERN = /does not match the expected (\S+) format/;

// vLLM: "The model `x` does not exist." (404 NotFoundError); Ollama: "model 'x' not found"
// (404); LM Studio: 'Model "x" not found. Please specify a valid model.\n\nYour models:\n\na\nb'
// (404) or 'Invalid model identifier "x". Please specify a valid downloaded model (e.g., a, b).'
// (400), both with code model_not_found.
const MODEL_NOT_FOUND = [/The model `([^`]*)` does not exist/i, /\bmodel ['"]([^'"]*)['"] not found/i, /Invalid model identifier "([^"]*)"/i];
// What LM Studio says it has: after "e.g.," or under "Your models:".
const LM_STUDIO_EXAMPLES = /valid downloaded model \(e\.g\., ([^)]*)\)/i;
const LM_STUDIO_MODELS = /Your models:\s*\n([\s\S]*)$/i;
// LM Studio: "No models loaded. Please load a model ..."
const NO_MODEL_LOADED = /No models loaded/i;
// Ollama: "model is required"; LM Studio: "'model' field is required"; older vLLM (model was a
// required field): a validation error naming ('body', 'model') with "Field required".
const MODEL_REQUIRED = [/\bmodel is required\b/i, /'model' field is required/i, /'loc': \('body', 'model'\)[^\]]*Field required/i];
// vLLM without --enable-auto-tool-choice: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set'
const TOOLS_OFF = /tool choice requires --enable-auto-tool-choice/i;

/**
 * The error of a body, in every shape the servers use: `{"error": {...}}` (llama-server, newer
 * vLLM, Ollama, LM Studio), the flat `{"object": "error", "message": ...}` (SGLang, older
 * vLLM) and `{"error": "text"}` (vLLM's and SGLang's 401, LM Studio's "No models loaded").
 */
export function wireErrorOf(payload: unknown): WireError | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { error, message, object } = payload as { error?: unknown; message?: unknown; object?: unknown };
  if (typeof error === 'string') return { message: error };
  if (typeof error === 'object' && error !== null) {
    const inner = error as Partial<WireError> & { object?: unknown };
    if (typeof inner.message === 'string') return inner as WireError;
    if (typeof message === 'string') return { ...inner, message } as WireError;
  }
  if (object === 'error' && typeof message === 'string') return payload as WireError;
  return undefined;
}

function readWireError(body: string): WireError | undefined {
  try {
    return wireErrorOf(JSON.parse(body));
  } catch {
    // Not JSON (e.g. "Internal Server Error" when the server failed to format its own error).
    return undefined;
  }
}

function modelMissing(message: string, code: unknown): EngineModelMissingError | undefined {
  if (NO_MODEL_LOADED.test(message)) return new EngineModelMissingError(undefined, [], message, true);
  for (const pattern of MODEL_NOT_FOUND) {
    const m = pattern.exec(message);
    if (!m) continue;
    const examples = LM_STUDIO_EXAMPLES.exec(message)?.[1]?.split(',') ?? LM_STUDIO_MODELS.exec(message)?.[1]?.split('\n') ?? [];
    const available = examples.map((s) => s.trim()).filter(Boolean);
    return new EngineModelMissingError(m[1] || undefined, available, message);
  }
  return code === 'model_not_found' ? new EngineModelMissingError(undefined, [], message) : undefined;
}

/**
 * Maps an error an engine reported, as an HTTP status or an in-stream error event, to a typed
 * error. A context overflow is recognised by llama-server's type or by the words of vLLM,
 * SGLang, Ollama and LM Studio (see contextOverflow.ts), whatever the status: LM Studio sends
 * it inside a stream that began with 200.
 */
export function errorFromWireError(status: number, wire: WireError | undefined, body: string): EngineError {
  const message = wire?.message ?? (body.trim() || undefined);
  if (status === 401 || status === 403 || wire?.type === 'authentication_error' || wire?.code === 'invalid_api_key') {
    return new EngineAuthError(message, status === 403 ? 403 : 401);
  }
  const parseFailure = message ? OUTPUT_PARSE_PATTERN.exec(message) : null;
  if (parseFailure && message) return new EngineOutputParseError(message, parseFailure[1]);
  if (wire?.type === 'exceed_context_size_error') {
    return new EngineContextOverflowError(wire.n_prompt_tokens, wire.n_ctx, wire.message);
  }
  const overflow = message && status !== 503 ? contextOverflowIn(message) : undefined;
  if (overflow && message) return new EngineContextOverflowError(overflow.promptTokens, overflow.contextSize, message);
  if (status === 503 || wire?.type === 'unavailable_error') return new EngineLoadingError(message);
  if (message) {
    const missing = modelMissing(message, wire?.code);
    if (missing) return missing;
    if (MODEL_REQUIRED.some((pattern) => pattern.test(message))) return new EngineModelRequiredError([], message);
    if (TOOLS_OFF.test(message)) return new EngineToolsUnsupportedError(message);
  }
  return new EngineHttpError(status, body, message);
}

export function errorFromResponseBody(status: number, body: string): EngineError {
  return errorFromWireError(status, readWireError(body), body);
}

interface ErrorWithCode {
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Collects `code`s through `cause` chains and AggregateErrors (Happy Eyeballs tries several addresses). */
function errorCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 5) return [];
  const { code, cause, errors } = error as ErrorWithCode;
  const codes = typeof code === 'string' ? [code] : [];
  codes.push(...errorCodes(cause, depth + 1));
  if (Array.isArray(errors)) for (const inner of errors) codes.push(...errorCodes(inner, depth + 1));
  return codes;
}

const NOT_LISTENING = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EADDRNOTAVAIL', 'EHOSTUNREACH', 'ENETUNREACH']);

// Node's fetch gives up on its own after 300 s without headers or body bytes.
const FETCH_BUILTIN_TIMEOUT_MS = 300_000;

/**
 * Maps a network failure of fetch (before or during the body) to a typed error; `url` is
 * what the user configured, shown when nothing listens there.
 */
export function errorFromNetworkFailure(error: unknown, url: string): EngineError {
  if (error instanceof EngineError) return error;
  const codes = errorCodes(error);
  if (codes.some((code) => NOT_LISTENING.has(code))) return new EngineUnavailableError(url, { cause: error });
  if (codes.includes('UND_ERR_HEADERS_TIMEOUT')) return new EngineTimeoutError(FETCH_BUILTIN_TIMEOUT_MS, 'headers');
  if (codes.includes('UND_ERR_BODY_TIMEOUT')) return new EngineTimeoutError(FETCH_BUILTIN_TIMEOUT_MS, 'body');
  const reason = codes.includes('ECONNRESET') || codes.includes('EPIPE') ? 'connection reset' : innermostMessage(error);
  return new EngineConnectionLostError(reason, { cause: error });
}

/** fetch wraps socket failures ("fetch failed", "terminated"); the useful words are in the cause. */
function innermostMessage(error: unknown): string {
  let current = error;
  let message = String(error);
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof Error && current.message) message = current.message;
    current = (current as ErrorWithCode).cause;
  }
  return message;
}
