import { CodedError, type ErrorFacts } from '../errors';

/**
 * Failures while finding, downloading or reading a model file (and the llama-server
 * archives, which take the same path). Each kind has its own class so callers can branch
 * with `instanceof` or on `code`; the message says what failed, and `facts` hold what the
 * front end needs to say where to fix it (the file's role, its path, the host).
 */

export const MODEL_FILE_ERROR_CODES = [
  'invalid-model-spec',
  'model-not-found',
  'no-network',
  'download-http',
  'disk-full',
  'permission-denied',
  'damaged-file',
  'download-cancelled',
  'unsupported-model-file',
] as const;

export type ModelFileErrorCode = (typeof MODEL_FILE_ERROR_CODES)[number];

export interface ModelFileErrorOptions {
  readonly cause?: unknown;
  readonly facts?: ErrorFacts;
}

export abstract class ModelFileError extends CodedError<ModelFileErrorCode> {
  protected constructor(code: ModelFileErrorCode, message: string, options: ModelFileErrorOptions = {}) {
    super(code, message, options.facts ?? {}, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The text is not a path, an `hf:` URI or an http(s) URL that can be used. */
export class InvalidModelSpecError extends ModelFileError {
  constructor(message: string, options?: ModelFileErrorOptions) {
    super('invalid-model-spec', message, options);
  }
}

/** A local path does not exist, or the server answered 404 for the file or repository. */
export class ModelNotFoundError extends ModelFileError {
  constructor(message: string, options?: ModelFileErrorOptions) {
    super('model-not-found', message, options);
  }
}

/** The host could not be reached at all: offline, DNS failure, connection refused, timeout. */
export class NoNetworkError extends ModelFileError {
  constructor(message: string, options?: ModelFileErrorOptions) {
    super('no-network', message, options);
  }
}

/** The server answered, but with a status other than success or 404. */
export class DownloadHttpError extends ModelFileError {
  constructor(message: string, readonly status: number, options?: ModelFileErrorOptions) {
    super('download-http', message, { ...options, facts: { status, ...options?.facts } });
  }
}

export class DiskFullError extends ModelFileError {
  constructor(message: string, options?: ModelFileErrorOptions) {
    super('disk-full', message, options);
  }
}

export class PermissionDeniedError extends ModelFileError {
  constructor(message: string, options?: ModelFileErrorOptions) {
    super('permission-denied', message, options);
  }
}

/** Not a GGUF file, or a GGUF file that ends before its data does. */
export class CorruptModelFileError extends ModelFileError {
  constructor(message: string, options?: ModelFileErrorOptions) {
    super('damaged-file', message, options);
  }
}

/** The caller's AbortSignal fired; the partial file is kept so the next attempt resumes. */
export class DownloadCancelledError extends ModelFileError {
  constructor(message: string, options?: ModelFileErrorOptions) {
    super('download-cancelled', message, options);
  }
}

/** A file this project cannot use as it is, such as a GGUF split into several parts. */
export class UnsupportedModelFileError extends ModelFileError {
  constructor(message: string, options?: ModelFileErrorOptions) {
    super('unsupported-model-file', message, options);
  }
}

const NO_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ETIMEDOUT',
  'ECONNABORTED',
]);

export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** True for errors that mean "could not connect", as opposed to "connected, then lost it". */
export function isNoNetworkCode(code: string | undefined): boolean {
  return code !== undefined && NO_NETWORK_CODES.has(code);
}

/**
 * Turns a file system error into the typed error for disk full and permission problems;
 * other errors are returned unchanged so their original detail is not lost.
 */
export function classifyFsError(error: unknown, filePath: string, action: string): unknown {
  const code = errnoCode(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DiskFullError(
      `The disk is full while ${action} ${filePath}. Free some space (a Gemma 4 12B model needs several GB) ` +
        'and try again; the part already downloaded is kept.',
      { cause: error, facts: { path: filePath } },
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new PermissionDeniedError(`Permission denied while ${action} ${filePath}. Make the folder writable or use another models folder.`, {
      cause: error,
      facts: { path: filePath },
    });
  }
  return error;
}
