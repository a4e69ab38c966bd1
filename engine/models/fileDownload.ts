import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as http from 'node:http';
import type { ErrorFacts } from '../errors';
import {
  CorruptModelFileError,
  DownloadCancelledError,
  DownloadHttpError,
  ModelNotFoundError,
  NoNetworkError,
  classifyFsError,
  errnoCode,
  isNoNetworkCode,
} from './errors';
import { GGUF_MAGIC, readGgufHeader } from './ggufHeader';
import { httpGet } from './httpGet';
import { networkError } from './networkErrors';

/**
 * Resumable download of one GGUF file. Bytes go to `<destination>.partial`; a sidecar
 * `<destination>.partial.json` remembers the URL and validator so a later attempt asks
 * only for the missing range, and a file that changed on the server starts over. The file
 * gets its final name only once it is complete and reads as GGUF.
 */

export interface DownloadProgress {
  /** Bytes on disk so far, including those from earlier attempts. */
  readonly receivedBytes: number;
  readonly totalBytes?: number;
  /** Average over the current connection. */
  readonly bytesPerSecond: number;
}

export interface DownloadOptions {
  readonly url: string;
  readonly destination: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Reconnections after a dropped connection or a server error. Default 3. */
  readonly retries?: number;
  /** Wait before a reconnection, doubled each time. Default 1000 ms. */
  readonly retryDelayMs?: number;
  /** Give up on a connection that sends nothing for this long. Default 60 s. */
  readonly idleTimeoutMs?: number;
  /** Minimum time between progress calls. Default 250 ms. */
  readonly progressIntervalMs?: number;
  /** Names the file in messages, e.g. "the model hf:owner/repo:Q4_K_M". */
  readonly label?: string;
  /** What the user can do instead, appended to "no network" errors. */
  readonly offlineHint?: string;
  /** Facts for "no network" errors, such as which file it was for. */
  readonly offlineFacts?: ErrorFacts;
  /**
   * Checks the finished download before it is moved into place; throwing discards it so the
   * next attempt fetches it afresh. Default: it must be a GGUF model file.
   */
  readonly validate?: (file: string) => Promise<void>;
}

interface PartialState {
  readonly url: string;
  readonly validator?: string;
  readonly totalBytes?: number;
}

/** Failure that another attempt may cure: a dropped connection, a 5xx, a short body. */
class RetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    this.status = options?.status;
  }

  readonly status?: number;
}

export function partialPath(destination: string): string {
  return `${destination}.partial`;
}

function statePath(destination: string): string {
  return `${destination}.partial.json`;
}

async function fileSize(filePath: string): Promise<number> {
  try {
    return (await fs.promises.stat(filePath)).size;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 0;
    throw classifyFsError(error, filePath, 'reading');
  }
}

async function readState(destination: string): Promise<PartialState | undefined> {
  try {
    const parsed = JSON.parse(await fs.promises.readFile(statePath(destination), 'utf8')) as Partial<PartialState>;
    return typeof parsed.url === 'string' ? (parsed as PartialState) : undefined;
  } catch {
    return undefined;
  }
}

async function writeState(destination: string, state: PartialState): Promise<void> {
  try {
    await fs.promises.writeFile(statePath(destination), JSON.stringify(state));
  } catch (error) {
    throw classifyFsError(error, statePath(destination), 'writing');
  }
}

async function removeQuietly(filePath: string): Promise<void> {
  await fs.promises.rm(filePath, { force: true });
}

async function discardPartial(destination: string): Promise<void> {
  await removeQuietly(partialPath(destination));
  await removeQuietly(statePath(destination));
}

/** A strong ETag, else Last-Modified: what If-Range accepts to guard a resumed range. */
function validatorOf(headers: NodeJS.Dict<string | string[]>): string | undefined {
  const etag = headers.etag;
  if (typeof etag === 'string' && !etag.startsWith('W/')) return etag;
  const modified = headers['last-modified'];
  return typeof modified === 'string' ? modified : undefined;
}

function parseContentRange(value: string | undefined): { start: number; total?: number } | undefined {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value ?? '');
  if (!m) return undefined;
  return { start: Number(m[1]), total: m[2] === '*' ? undefined : Number(m[2]) };
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class ProgressReporter {
  private readonly started = Date.now();
  private sessionBytes = 0;
  private lastReport = 0;

  constructor(
    private received: number,
    private readonly total: number | undefined,
    private readonly intervalMs: number,
    private readonly report?: (progress: DownloadProgress) => void,
  ) {}

  get receivedBytes(): number {
    return this.received;
  }

  add(bytes: number): void {
    this.received += bytes;
    this.sessionBytes += bytes;
    const now = Date.now();
    if (now - this.lastReport >= this.intervalMs) {
      this.lastReport = now;
      this.emit(now);
    }
  }

  emit(now = Date.now()): void {
    if (!this.report) return;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    this.report({ receivedBytes: this.received, totalBytes: this.total, bytesPerSecond: this.sessionBytes / seconds });
  }
}

/** Pause the network only when this much is waiting for the disk. */
const MAX_WRITE_BACKLOG = 8 * 1024 * 1024;

/**
 * Writes the body to the file and resolves once every received byte is on disk, also when
 * the connection drops or is cancelled (then with the network error). A stream pipeline
 * would throw away the writes still queued at that moment, and the resume would fetch
 * them again. The response stays flowing so nothing sits in its buffer when it is torn
 * down; it pauses only when the disk falls far behind. Rejects only for file errors.
 */
function receiveInto(
  response: http.IncomingMessage,
  filePath: string,
  append: boolean,
  onBytes: (n: number) => void,
): Promise<Error | undefined> {
  return new Promise((resolve, reject) => {
    const out = fs.createWriteStream(filePath, { flags: append ? 'a' : 'w' });
    let readError: Error | undefined;
    let writeError: Error | undefined;
    let ending = false;
    const finish = (): void => {
      if (ending || writeError) return;
      ending = true;
      out.end();
    };
    out.on('error', (error) => {
      writeError = error;
      response.destroy();
    });
    out.on('close', () => (writeError ? reject(writeError) : resolve(readError)));
    out.on('drain', () => response.resume());
    response.on('data', (chunk: Buffer) => {
      if (writeError) return;
      onBytes(chunk.length);
      if (!out.write(chunk) && out.writableLength > MAX_WRITE_BACKLOG) response.pause();
    });
    response.on('error', (error) => {
      readError ??= error;
    });
    response.on('close', () => {
      if (!response.complete) readError ??= new Error('the connection closed before the end of the file');
      finish();
    });
  });
}

/** One connection: asks for what is missing and appends it. Resolves when the body ended. */
async function attempt(options: DownloadOptions, label: string): Promise<{ received: number; total?: number }> {
  const { destination } = options;
  const partial = partialPath(destination);
  let state = await readState(destination);
  let have = await fileSize(partial);
  if (have > 0 && state?.url !== options.url) {
    await discardPartial(destination);
    state = undefined;
    have = 0;
  }
  if (have > 0 && state?.totalBytes === have) return { received: have, total: have };

  const headers: Record<string, string> = { ...options.headers };
  if (have > 0) {
    headers.range = `bytes=${have}-`;
    if (state?.validator) headers['if-range'] = state.validator;
  }
  const host = new URL(options.url).host;
  let response;
  try {
    ({ response } = await httpGet(options.url, { headers, signal: options.signal, idleTimeoutMs: options.idleTimeoutMs }));
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const code = errnoCode(error);
    // Offline is not cured by asking again a second later: say so at once.
    if (isNoNetworkCode(code) && code !== 'ETIMEDOUT') {
      throw networkError(error, host, `download ${label}`, options.offlineHint, options.offlineFacts);
    }
    throw new RetryableError(`Could not connect to ${host}: ${(error as Error).message}`, { cause: error });
  }

  const status = response.statusCode ?? 0;
  if (status === 404 || status === 410) {
    response.resume();
    throw new ModelNotFoundError(
      `${capitalized(label)} was not found at ${options.url} (HTTP ${status}). Check the name or URL.`,
    );
  }
  if (status === 416) {
    response.resume();
    // The range starts at or past the end: the partial file is complete, or the remote file shrank.
    const total = /\/(\d+)$/.exec(response.headers['content-range'] ?? '')?.[1];
    if (total !== undefined && Number(total) === have) return { received: have, total: have };
    await discardPartial(destination);
    throw new RetryableError(`The server rejected the resume range for ${label}; starting over.`);
  }
  if (status === 401 || status === 403) {
    response.resume();
    throw new DownloadHttpError(
      `Access to ${label} was refused (HTTP ${status}). If it is in a gated repository, accept its license on the ` +
        'hub and set the HF_TOKEN environment variable to an access token.',
      status,
    );
  }
  if (status === 429 || status >= 500) {
    response.resume();
    throw new RetryableError(`The server answered HTTP ${status} for ${label}.`, { status });
  }
  if (status !== 200 && status !== 206) {
    response.resume();
    throw new DownloadHttpError(`Downloading ${label} failed with HTTP ${status}.`, status);
  }

  let start = 0;
  let total: number | undefined;
  if (status === 206) {
    const range = parseContentRange(response.headers['content-range']);
    if (!range || range.start !== have) {
      response.resume();
      await discardPartial(destination);
      throw new RetryableError(`The server sent an unexpected range for ${label}; starting over.`);
    }
    start = have;
    total = range.total;
  } else {
    const length = Number(response.headers['content-length']);
    total = Number.isFinite(length) && response.headers['content-length'] !== undefined ? length : undefined;
  }
  await writeState(destination, { url: options.url, validator: validatorOf(response.headers), totalBytes: total });

  const progress = new ProgressReporter(start, total, options.progressIntervalMs ?? 250, options.onProgress);
  let dropped: Error | undefined;
  try {
    dropped = await receiveInto(response, partial, start > 0, (n) => progress.add(n));
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw classifyFsError(error, partial, 'writing');
  } finally {
    progress.emit();
  }
  if (options.signal?.aborted) throw options.signal.reason;
  if (dropped) {
    throw new RetryableError(
      `The connection to ${host} dropped after ${progress.receivedBytes} bytes of ${label}: ${dropped.message}`,
      { cause: dropped },
    );
  }
  const received = await fileSize(partial);
  if (total !== undefined && received < total) {
    throw new RetryableError(`The connection to ${host} ended after ${received} of ${total} bytes of ${label}.`);
  }
  return { received, total };
}

/** Reads the first bytes, to tell a web page or error text apart from a model. */
async function describeNonGguf(filePath: string): Promise<string> {
  const fh = await fs.promises.open(filePath, 'r');
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    const head = buf.subarray(0, bytesRead);
    if (bytesRead >= 4 && head.readUInt32LE(0) === GGUF_MAGIC) return '';
    const text = head.toString('utf8').trimStart().toLowerCase();
    if (text.startsWith('<')) return ' It looks like a web page: the URL may need a login or lead to a page about the file.';
    if (text.startsWith('{')) return ' It looks like a JSON error message from the server.';
    return '';
  } finally {
    await fh.close();
  }
}

async function validateDownloaded(options: DownloadOptions, label: string): Promise<void> {
  const partial = partialPath(options.destination);
  try {
    await readGgufHeader(partial, { maxArrayItems: 0 });
  } catch (error) {
    if (!(error instanceof CorruptModelFileError)) throw error;
    const hint = await describeNonGguf(partial);
    const reason = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    await discardPartial(options.destination);
    throw new CorruptModelFileError(
      `The file downloaded for ${label} from ${options.url} is not a usable GGUF model file${reason}.${hint} ` +
        'It was deleted; check the URL or try again.',
      { cause: error },
    );
  }
}

/**
 * Downloads `url` to `destination`, resuming a previous partial download of the same URL.
 * Cancelling through `signal` keeps the partial file, so calling again continues where it
 * stopped.
 */
export async function downloadFile(options: DownloadOptions): Promise<void> {
  const label = options.label ?? path.basename(options.destination);
  const retries = options.retries ?? 3;
  const cancelled = (error?: unknown): DownloadCancelledError =>
    new DownloadCancelledError(
      `Downloading ${label} was cancelled. The part already downloaded is kept, and the next attempt resumes from it.`,
      { cause: error },
    );
  if (options.signal?.aborted) throw cancelled();
  try {
    await fs.promises.mkdir(path.dirname(options.destination), { recursive: true });
  } catch (error) {
    throw classifyFsError(error, path.dirname(options.destination), 'creating the folder');
  }

  let lastFailure: RetryableError | undefined;
  for (let tryIndex = 0; tryIndex <= retries; tryIndex++) {
    if (tryIndex > 0) {
      try {
        await sleep((options.retryDelayMs ?? 1000) * 2 ** (tryIndex - 1), options.signal);
      } catch (error) {
        throw cancelled(error);
      }
    }
    try {
      await attempt(options, label);
      lastFailure = undefined;
      break;
    } catch (error) {
      if (options.signal?.aborted) throw cancelled(error);
      if (!(error instanceof RetryableError)) throw error;
      lastFailure = error;
    }
  }
  if (lastFailure) {
    const have = await fileSize(partialPath(options.destination));
    const message =
      `${lastFailure.message} Gave up after ${retries + 1} attempts; ${have} bytes are kept and the next attempt ` +
      'resumes from there.';
    if (lastFailure.status !== undefined) {
      throw new DownloadHttpError(`${message} Try again later.`, lastFailure.status, { cause: lastFailure });
    }
    throw new NoNetworkError(`${message}${options.offlineHint ? ` ${options.offlineHint}` : ''}`, { cause: lastFailure, facts: { host: new URL(options.url).host, ...options.offlineFacts } });
  }

  if (options.validate) {
    try {
      await options.validate(partialPath(options.destination));
    } catch (error) {
      await discardPartial(options.destination);
      throw error;
    }
  } else {
    await validateDownloaded(options, label);
  }
  try {
    await fs.promises.rename(partialPath(options.destination), options.destination);
  } catch (error) {
    throw classifyFsError(error, options.destination, 'moving into place');
  }
  await removeQuietly(statePath(options.destination));
}
