import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MediaError } from './errors';
import { type MediaInput, readMediaInput } from './input';
import { MAX_AUDIO_BYTES, type PrepareAudioOptions, type PreparedAudio, prepareAudioInThread } from './prepareAudio';
import { MAX_IMAGE_BYTES, type PreparedImage, type PrepareImageOptions, prepareImageInThread } from './prepareImage';
import { deserializeError, type PlainAudio, type PlainImage, type WorkerInput, type WorkerJob, type WorkerReply, type WorkerRequest } from './workerProtocol';

/**
 * Image and audio preparation in a worker thread, so a 48 MP photo does not freeze the editor.
 *
 * Where the worker's code is found:
 * - `mediaWorker.js` beside the running code: in the VSIX and after `npm run build` that is
 *   dist/mediaWorker.js next to dist/extension.js and dist/cli.js (esbuild keeps `__dirname`
 *   as the bundle's folder);
 * - else `mediaWorker.ts` beside this file, when running from source under tsx (unit tests,
 *   scripts, `npm run agent`): the worker first loads tsx's require hook, then that file.
 * With neither (a bundle built without the worker), the work runs on the calling thread.
 */

export const WORKER_BUNDLE = 'mediaWorker.js';
/** An idle worker is stopped after this long, giving back what a large photo left in its heap. */
const IDLE_MS = 30_000;

export type MediaWorkerEntry = { kind: 'bundle'; file: string } | { kind: 'source'; file: string; tsx: string };

export function findMediaWorker(dir: string = __dirname): MediaWorkerEntry | undefined {
  const bundled = path.join(dir, WORKER_BUNDLE);
  if (existsSync(bundled)) return { kind: 'bundle', file: bundled };
  const source = path.join(dir, 'mediaWorker.ts');
  if (!existsSync(source)) return undefined;
  try {
    return { kind: 'source', file: source, tsx: createRequire(source).resolve('tsx/cjs') };
  } catch {
    return undefined;
  }
}

type Job = { resolve: (value: PlainImage | PlainAudio) => void; reject: (error: Error) => void };

/** One worker, started on the first job and stopped when idle; jobs run one after another. */
export class MediaWorkerClient {
  private worker?: Worker;
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;
  private idleTimer?: NodeJS.Timeout;

  constructor(
    readonly entry: MediaWorkerEntry,
    private readonly idleMs = IDLE_MS,
  ) {}

  run(job: WorkerJob, transfer: ArrayBuffer[] = []): Promise<PlainImage | PlainAudio> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      clearTimeout(this.idleTimer);
      // Held while a job is out, so a script that awaits one does not exit before it is done.
      worker.ref();
      try {
        const request: WorkerRequest = { ...job, id };
        worker.postMessage(request, transfer);
      } catch (err) {
        this.jobs.delete(id);
        this.settled();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Whether a worker is started (it stops after a while without jobs). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Stops the worker now; jobs still out fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    clearTimeout(this.idleTimer);
    this.failAll(new Error('The media worker was stopped before it finished.'));
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker =
      this.entry.kind === 'bundle'
        ? new Worker(this.entry.file)
        : new Worker(`require(${JSON.stringify(this.entry.tsx)}); require(${JSON.stringify(this.entry.file)});`, { eval: true });
    worker.on('message', (reply: WorkerReply) => {
      const job = this.jobs.get(reply.id);
      if (!job) return;
      this.jobs.delete(reply.id);
      this.settled();
      if (reply.ok) job.resolve(reply.value);
      else job.reject(deserializeError(reply.error));
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new MediaError('too-large', 'Preparing this file ran out of memory. Use a smaller image or a shorter clip.', { cause: err })
          : new Error(`The media worker failed: ${err.message}`, { cause: err }),
      );
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error('The media worker stopped before it finished.'));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settled(): void {
    if (this.jobs.size > 0) return;
    this.worker?.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.jobs.size === 0) void this.close();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private failAll(error: Error): void {
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const job of jobs) job.reject(error);
  }
}

let shared: MediaWorkerClient | null | undefined;

/** The worker this process uses, or null when preparation runs on the calling thread. */
export function mediaWorker(): MediaWorkerClient | null {
  if (shared === undefined) {
    const entry = findMediaWorker();
    shared = entry ? new MediaWorkerClient(entry) : null;
  }
  return shared;
}

/**
 * Bytes are checked here (empty, too large) before they are copied for the worker, so that a
 * wrong pick is refused without copying it; the copy is the worker's to keep, and the
 * caller's buffer stays as it was. Files are read by the worker.
 */
async function forWorker(input: MediaInput, maxBytes: number, kind: string): Promise<{ input: WorkerInput; transfer: ArrayBuffer[] }> {
  if (!(input instanceof Uint8Array)) return { input: { path: input.path }, transfer: [] };
  const bytes = await readMediaInput(input, maxBytes, kind);
  const copy = await copyInSlices(bytes);
  return { input: copy, transfer: [copy.buffer as ArrayBuffer] };
}

/** Copying 64 MB at once would hold the thread for tens of milliseconds: a few MB a turn instead. */
const COPY_SLICE = 2 * 1024 * 1024;

async function copyInSlices(bytes: Uint8Array): Promise<Uint8Array> {
  const copy = new Uint8Array(bytes.byteLength);
  for (let at = 0; at < bytes.byteLength; at += COPY_SLICE) {
    if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    copy.set(bytes.subarray(at, at + COPY_SLICE), at);
  }
  return copy;
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Turns a screenshot or picture into what the server takes (see prepareImageInThread), in
 * the media worker.
 */
export async function prepareImage(input: MediaInput, opts: PrepareImageOptions = {}): Promise<PreparedImage> {
  const worker = mediaWorker();
  if (!worker) return prepareImageInThread(input, opts);
  const sent = await forWorker(input, MAX_IMAGE_BYTES, 'image');
  const value = (await worker.run({ kind: 'image', input: sent.input, options: opts }, sent.transfer)) as PlainImage;
  const data = asBuffer(value.data);
  const mime = value.mime;
  return { ...value, data, dataUrl: () => `data:${mime};base64,${data.toString('base64')}` };
}

/** Turns a recorded WAV into what the server takes (see prepareAudioInThread), in the media worker. */
export async function prepareAudio(input: MediaInput, opts: PrepareAudioOptions = {}): Promise<PreparedAudio> {
  const worker = mediaWorker();
  if (!worker) return prepareAudioInThread(input, opts);
  const sent = await forWorker(input, MAX_AUDIO_BYTES, 'voice clip');
  const value = (await worker.run({ kind: 'audio', input: sent.input, options: opts }, sent.transfer)) as PlainAudio;
  return { ...value, wav: asBuffer(value.wav) };
}
