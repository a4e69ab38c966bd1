/**
 * What every layer needs to know about a failure, in one place: its message, and whether it
 * is a cancellation rather than something to report.
 */

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
