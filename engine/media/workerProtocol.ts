import { MediaError, type MediaErrorCode } from './errors';
import type { PrepareAudioOptions, PreparedAudio } from './prepareAudio';
import type { PreparedImage, PrepareImageOptions } from './prepareImage';

/** What the media worker is sent: bytes come as a Uint8Array it owns, files as their path. */
export type WorkerInput = Uint8Array | { path: string };

export type WorkerJob = { kind: 'image'; input: WorkerInput; options: PrepareImageOptions } | { kind: 'audio'; input: WorkerInput; options: PrepareAudioOptions };

export type WorkerRequest = WorkerJob & { id: number };

/** The results without what cannot cross threads (the dataUrl function); buffers arrive as Uint8Array. */
export type PlainImage = Omit<PreparedImage, 'dataUrl' | 'data'> & { data: Uint8Array };
export type PlainAudio = Omit<PreparedAudio, 'wav'> & { wav: Uint8Array };

export type WorkerReply =
  | { id: number; ok: true; value: PlainImage | PlainAudio }
  | { id: number; ok: false; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  code?: MediaErrorCode;
  /** The message of a MediaError's cause (a decoder's own words), kept for logs. */
  cause?: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof MediaError) {
    const cause = err.cause instanceof Error ? err.cause.message : err.cause === undefined ? undefined : String(err.cause);
    return { name: err.name, message: err.message, code: err.code, cause };
  }
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

/** The same kind of error on this side: a MediaError keeps its code, RangeError and TypeError stay what they were. */
export function deserializeError(e: SerializedError): Error {
  if (e.name === 'MediaError' && e.code) return new MediaError(e.code, e.message, e.cause === undefined ? undefined : { cause: new Error(e.cause) });
  if (e.name === 'RangeError') return new RangeError(e.message);
  if (e.name === 'TypeError') return new TypeError(e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

/** A view that is the whole of its ArrayBuffer, so that transferring it gives away nothing else. */
export function ownedBytes(data: Uint8Array): Uint8Array {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer ? data : new Uint8Array(data);
}
