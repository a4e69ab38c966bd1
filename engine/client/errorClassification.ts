import type { WireError } from '../protocol';
import {
  EngineAuthError,
  EngineConnectionLostError,
  EngineContextOverflowError,
  EngineError,
  EngineHttpError,
  EngineLoadingError,
  EngineOutputParseError,
  EngineTimeoutError,
  EngineUnavailableError,
} from './errors';

// common/chat.cpp: "The model produced output that does not match the expected <format> format"
const OUTPUT_PARSE_PATTERN = /does not match the expected (\S+) format/;

function readWireError(body: string): WireError | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const error = (parsed as { error?: unknown }).error;
    if (typeof error === 'object' && error !== null && typeof (error as WireError).message === 'string') {
      return error as WireError;
    }
  } catch {
    // Not JSON (e.g. "Internal Server Error" when the server failed to format its own error).
  }
  return undefined;
}

/** Maps an error reported by llama-server, as an HTTP status or an in-stream error event, to a typed error. */
export function errorFromWireError(status: number, wire: WireError | undefined, body: string): EngineError {
  const message = wire?.message ?? (body.trim() || undefined);
  if (status === 401 || wire?.type === 'authentication_error') return new EngineAuthError(message);
  const parseFailure = message ? OUTPUT_PARSE_PATTERN.exec(message) : null;
  if (parseFailure && message) return new EngineOutputParseError(message, parseFailure[1]);
  if (wire?.type === 'exceed_context_size_error') {
    return new EngineContextOverflowError(wire.n_prompt_tokens, wire.n_ctx, wire.message);
  }
  if (status === 503 || wire?.type === 'unavailable_error') return new EngineLoadingError(message);
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
