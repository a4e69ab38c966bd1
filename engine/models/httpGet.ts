import * as http from 'node:http';
import * as https from 'node:https';

/**
 * GET with redirects over node:http rather than fetch: its response stream hands over every
 * byte that arrived before a connection dropped, which is what lets a download resume at
 * exactly the byte it reached. VS Code's proxy support also hooks these modules.
 */

export interface HttpGetOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Abort when no byte arrives for this long. */
  readonly idleTimeoutMs?: number;
  readonly maxRedirects?: number;
}

export interface HttpGetResponse {
  readonly response: http.IncomingMessage;
  /** The URL that answered, after redirects. */
  readonly url: string;
}

/** Raised by the idle timer; its code makes it read like any other lost connection. */
export class StalledConnectionError extends Error {
  readonly code = 'ETIMEDOUT';
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function getOnce(url: URL, options: HttpGetOptions, headers: Record<string, string>): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { headers, signal: options.signal }, resolve);
    request.on('error', reject);
    const idle = options.idleTimeoutMs;
    if (idle !== undefined && idle > 0) {
      request.setTimeout(idle, () => {
        request.destroy(new StalledConnectionError(`No data from ${url.host} for ${Math.round(idle / 1000)} s.`));
      });
    }
  });
}

export async function httpGet(url: string, options: HttpGetOptions = {}): Promise<HttpGetResponse> {
  let current = new URL(url);
  const firstOrigin = current.origin;
  const maxRedirects = options.maxRedirects ?? 10;
  for (let hop = 0; ; hop++) {
    if (current.protocol !== 'http:' && current.protocol !== 'https:') {
      throw new Error(`Cannot download from ${current.href}: only http and https are supported.`);
    }
    const headers: Record<string, string> = { 'user-agent': 'gemma-agent', ...options.headers };
    // Credentials are for the hub only, never for the storage host it redirects to.
    if (current.origin !== firstOrigin) {
      for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
    }
    const response = await getOnce(current, options, headers);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || !location) return { response, url: current.href };
    response.resume();
    if (hop >= maxRedirects) throw new Error(`Too many redirects while downloading ${url}.`);
    current = new URL(location, current);
  }
}

/** Reads a small response body (a JSON manifest), refusing anything unreasonably large. */
export async function readSmallBody(response: http.IncomingMessage, limitBytes = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) {
      response.destroy();
      throw new Error(`The server's answer is larger than the ${limitBytes} bytes expected of it.`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
