/**
 * Failures while finding, downloading or reading a model file. Each kind has its own class
 * so callers can branch with `instanceof` or on `code`, and each message says what failed
 * and what the user can do about it.
 */

export type ModelFileErrorCode =
  | 'invalid-spec'
  | 'not-found'
  | 'no-network'
  | 'http'
  | 'disk-full'
  | 'permission-denied'
  | 'corrupt'
  | 'cancelled'
  | 'unsupported';

export abstract class ModelFileError extends Error {
  abstract readonly code: ModelFileErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The setting's text is not a path, an `hf:` URI or an http(s) URL that can be used. */
export class InvalidModelSpecError extends ModelFileError {
  readonly code = 'invalid-spec';
}

/** A local path does not exist, or the server answered 404 for the file or repository. */
export class ModelNotFoundError extends ModelFileError {
  readonly code = 'not-found';
}

/** The host could not be reached at all: offline, DNS failure, connection refused, timeout. */
export class NoNetworkError extends ModelFileError {
  readonly code = 'no-network';
}

/** The server answered, but with a status other than success or 404. */
export class DownloadHttpError extends ModelFileError {
  readonly code = 'http';

  constructor(message: string, readonly status: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class DiskFullError extends ModelFileError {
  readonly code = 'disk-full';
}

export class PermissionDeniedError extends ModelFileError {
  readonly code = 'permission-denied';
}

/** Not a GGUF file, or a GGUF file that ends before its data does. */
export class CorruptModelFileError extends ModelFileError {
  readonly code = 'corrupt';
}

/** The caller's AbortSignal fired; the partial file is kept so the next attempt resumes. */
export class DownloadCancelledError extends ModelFileError {
  readonly code = 'cancelled';
}

/** A file this project cannot use as it is, such as a GGUF split into several parts. */
export class UnsupportedModelFileError extends ModelFileError {
  readonly code = 'unsupported';
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
      { cause: error },
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new PermissionDeniedError(
      `Permission denied while ${action} ${filePath}. Make the folder writable or choose another models folder.`,
      { cause: error },
    );
  }
  return error;
}
