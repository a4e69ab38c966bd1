/**
 * The one shape of a failure, in every layer: a `code` that names what failed, `facts` that
 * the layer on top words its advice from (a URL, a path, a token count), and a message that
 * states what failed in neutral terms. The message never names a place to fix it (a setting,
 * a command, a flag): each front end knows its own, and adds them from the code and facts.
 * The message alone is still a full sentence, so a log or a test never shows an empty string.
 */

/** What a fact may hold: plain values, so a problem can travel as JSON (events, CLI output). */
export type FactValue = string | number | boolean | readonly string[] | undefined;

export type ErrorFacts = Readonly<Record<string, FactValue>>;

export class CodedError<Code extends string = string, Facts extends ErrorFacts = ErrorFacts> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly facts: Facts,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isCodedError(value: unknown): value is CodedError {
  return value instanceof CodedError;
}

/** A failure as data: what an event or a run result carries so the top layer can word it. */
export interface Problem {
  readonly code: string;
  readonly facts: ErrorFacts;
}

/**
 * The code and facts of the first coded error in `error`'s cause chain (a wrapper such as
 * "could not reach the remote engine" keeps the engine's own error as its cause).
 */
export function problemOf(error: unknown): Problem | undefined {
  const seen = new Set<unknown>();
  for (let current = error; current !== undefined && current !== null && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    if (current instanceof CodedError) return { code: current.code, facts: current.facts };
    if (typeof current !== 'object') return undefined;
  }
  return undefined;
}

/** The message of anything thrown: an Error's message, else the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether a failure is a cancellation rather than something to report: the platform's
 * AbortError (fetch, AbortController, DOMException), Node's ABORT_ERR (child_process,
 * events, streams), or anything at all once `signal` has fired, since what fails after a
 * cancel is the cancel. A timeout (TimeoutError, AbortSignal.timeout) is a failure, not a
 * cancellation.
 */
export function isAbortError(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'AbortError' || code === 'ABORT_ERR';
}

/** A cancellation as the platform reports it, so callers treat it like fetch's. */
export function abortError(message = 'The operation was cancelled.'): DOMException {
  return new DOMException(message, 'AbortError');
}
