import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP file server for download tests: serves byte ranges like a CDN, and can
 * answer with an error status, drop the connection part way through, or send slowly.
 */

export interface ServedFile {
  readonly body: Buffer;
  /** Sent as ETag; a change makes a resumed download start over. */
  readonly etag?: string;
  readonly contentType?: string;
  /** Answer with this status and no body instead of the file. */
  readonly status?: number;
  /** Ignore Range headers and always send the whole file (some servers do). */
  readonly ignoreRange?: boolean;
  /** Redirect to this path instead of serving (the hub redirects to its storage host). */
  readonly redirectTo?: string;
}

export interface RecordedRequest {
  readonly path: string;
  readonly range?: string;
  readonly ifRange?: string;
  readonly authorization?: string;
  readonly userAgent?: string;
}

interface Drop {
  afterBytes: number;
  times: number;
  /** Keep the connection open and silent instead of closing it. */
  stall: boolean;
}

interface Failure {
  status: number;
  times: number;
}

export class FileServer {
  readonly requests: RecordedRequest[] = [];
  private readonly files = new Map<string, ServedFile>();
  private readonly drops = new Map<string, Drop>();
  private readonly failures = new Map<string, Failure>();
  private readonly sent = new Map<string, number>();
  /** Bytes per second for every response; undefined sends at full speed. */
  bytesPerSecond: number | undefined;

  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(): Promise<FileServer> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fileServer = new FileServer(server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => fileServer.handle(req, res));
    return fileServer;
  }

  serve(urlPath: string, file: ServedFile | Buffer): void {
    this.files.set(urlPath, Buffer.isBuffer(file) ? { body: file } : file);
  }

  serveJson(urlPath: string, value: unknown): void {
    this.serve(urlPath, { body: Buffer.from(JSON.stringify(value)), contentType: 'application/json' });
  }

  /** The next `times` responses for this path are cut after `afterBytes` bytes of body. */
  dropAfter(urlPath: string, afterBytes: number, times = 1): void {
    this.drops.set(urlPath, { afterBytes, times, stall: false });
  }

  /** The next response sends `afterBytes` bytes of body, then nothing, keeping the connection open. */
  stallAfter(urlPath: string, afterBytes: number): void {
    this.drops.set(urlPath, { afterBytes, times: 1, stall: true });
  }

  /** The next `times` requests for this path get `status` instead of the file. */
  failNext(urlPath: string, status: number, times = 1): void {
    this.failures.set(urlPath, { status, times });
  }

  /** Body bytes this server has handed to the socket for a path, over all requests. */
  bytesSent(urlPath: string): number {
    return this.sent.get(urlPath) ?? 0;
  }

  requestsFor(urlPath: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === urlPath);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const urlPath = new URL(req.url ?? '/', this.url).pathname;
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    this.requests.push({
      path: urlPath,
      range: header('range'),
      ifRange: header('if-range'),
      authorization: header('authorization'),
      userAgent: header('user-agent'),
    });
    const failure = this.failures.get(urlPath);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      res.writeHead(failure.status, { 'content-type': 'text/plain' }).end(`status ${failure.status}`);
      return;
    }
    const file = this.files.get(urlPath);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
      return;
    }
    if (file.redirectTo) {
      res.writeHead(302, { location: file.redirectTo }).end();
      return;
    }
    if (file.status) {
      res.writeHead(file.status, { 'content-type': 'text/plain' }).end(`status ${file.status}`);
      return;
    }

    const size = file.body.length;
    const headers: http.OutgoingHttpHeaders = {
      'accept-ranges': 'bytes',
      'content-type': file.contentType ?? 'application/octet-stream',
    };
    if (file.etag) headers.etag = file.etag;
    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(header('range') ?? '');
    const ifRange = header('if-range');
    const rangeStillValid = ifRange === undefined || ifRange === file.etag;
    if (range && !file.ignoreRange && rangeStillValid) {
      start = Number(range[1]);
      if (start >= size) {
        res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
      status = 206;
      headers['content-range'] = `bytes ${start}-${size - 1}/${size}`;
    }
    headers['content-length'] = size - start;
    res.writeHead(status, headers);
    this.sendBody(urlPath, file.body.subarray(start), res);
  }

  private sendBody(urlPath: string, body: Buffer, res: http.ServerResponse): void {
    const drop = this.drops.get(urlPath);
    let limit = body.length;
    let stall = false;
    if (drop && drop.times > 0) {
      drop.times -= 1;
      limit = Math.min(drop.afterBytes, body.length);
      stall = drop.stall;
    }
    const chunkSize = this.bytesPerSecond ? Math.max(1, Math.floor(this.bytesPerSecond / 20)) : 64 * 1024;
    const delayMs = this.bytesPerSecond ? 50 : 0;
    let offset = 0;
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    const next = (): void => {
      if (closed) return;
      if (offset >= limit) {
        if (limit < body.length) {
          // Everything written so far has reached the kernel; now cut the connection.
          if (!stall) res.socket?.destroy();
        } else {
          res.end();
        }
        return;
      }
      const chunk = body.subarray(offset, Math.min(offset + chunkSize, limit));
      offset += chunk.length;
      res.write(chunk, (error) => {
        if (error) return;
        this.sent.set(urlPath, this.bytesSent(urlPath) + chunk.length);
        if (delayMs > 0) setTimeout(next, delayMs);
        else next();
      });
    };
    next();
  }
}

/** A loopback port with nothing listening, for "connection refused". */
export async function refusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
