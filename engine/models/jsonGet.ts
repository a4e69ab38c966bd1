import type { ErrorFacts } from '../errors';
import { DownloadCancelledError, DownloadHttpError, ModelNotFoundError } from './errors';
import { httpGet, readSmallBody } from './httpGet';
import { networkError } from './networkErrors';

export interface JsonGetOptions {
  /** Names the thing looked up in every message, e.g. "hf:owner/repo". */
  readonly what: string;
  /** The message of a not-found answer. */
  readonly notFound: string;
  /** Statuses that mean "not found" (default 404). */
  readonly notFoundStatuses?: readonly number[];
  /** The message of a 401 or 403, when the caller knows what to do about it. */
  readonly refused?: (status: number) => string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly idleTimeoutMs?: number;
  /** What the user can do instead, appended to "no network" errors. */
  readonly offlineHint?: string;
  /** Facts for "no network" errors, such as what the document was for. */
  readonly offlineFacts?: ErrorFacts;
}

/**
 * GETs a small JSON document (a hub manifest or listing, a release's metadata) and says what
 * went wrong in words about `what`: cancelled, offline, not found, refused, other HTTP, not JSON.
 */
export async function getJson<T>(url: string, options: JsonGetOptions): Promise<T> {
  const { what } = options;
  let body: string;
  let status: number;
  try {
    const { response } = await httpGet(url, {
      headers: { accept: 'application/json', ...options.headers },
      signal: options.signal,
      idleTimeoutMs: options.idleTimeoutMs,
    });
    status = response.statusCode ?? 0;
    body = await readSmallBody(response, 8 << 20);
  } catch (error) {
    if (options.signal?.aborted) throw new DownloadCancelledError(`Resolving ${what} was cancelled.`, { cause: error });
    throw networkError(error, new URL(url).host, `look up ${what}`, options.offlineHint, options.offlineFacts);
  }
  if ((options.notFoundStatuses ?? [404]).includes(status)) throw new ModelNotFoundError(options.notFound);
  if ((status === 401 || status === 403) && options.refused) throw new DownloadHttpError(options.refused(status), status);
  if (status < 200 || status >= 300) {
    throw new DownloadHttpError(`Looking up ${what} failed with HTTP ${status}. Try again later.`, status);
  }
  try {
    return JSON.parse(body) as T;
  } catch (error) {
    throw new DownloadHttpError(`Looking up ${what} returned something other than JSON. Try again later.`, status, { cause: error });
  }
}
