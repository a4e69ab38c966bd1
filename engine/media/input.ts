import { promises as fs } from 'node:fs';
import { MediaError } from './errors';
import { errorMessage } from '../errors';

/** Bytes already in memory, or a file to read them from. */
export type MediaInput = Buffer | Uint8Array | { path: string };

/**
 * Reads the input, refusing files larger than `maxBytes` before reading them so that a
 * wrong pick in a file dialog cannot pull gigabytes into the extension host.
 */
export async function readMediaInput(input: MediaInput, maxBytes: number, kind: string): Promise<Buffer> {
  if (input instanceof Uint8Array) {
    const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    checkSize(bytes.length, maxBytes, kind, 'The data');
    return bytes;
  }
  const file = input.path;
  let size: number;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) {
      throw new MediaError('unreadable', `Cannot read the ${kind} ${file}: it is not a regular file.`);
    }
    size = stat.size;
  } catch (err) {
    if (err instanceof MediaError) throw err;
    throw new MediaError('unreadable', `Cannot read the ${kind} ${file}: ${reason(err)}. Check the path and its permissions.`, { cause: err });
  }
  checkSize(size, maxBytes, kind, file);
  try {
    const bytes = await fs.readFile(file);
    checkSize(bytes.length, maxBytes, kind, file);
    return bytes;
  } catch (err) {
    if (err instanceof MediaError) throw err;
    throw new MediaError('unreadable', `Cannot read the ${kind} ${file}: ${reason(err)}.`, { cause: err });
  }
}

function checkSize(size: number, maxBytes: number, kind: string, what: string): void {
  if (size === 0) {
    throw new MediaError('empty', `${what} is empty (0 bytes): there is no ${kind} to send.`);
  }
  if (size > maxBytes) {
    throw new MediaError(
      'too-large',
      `${what} is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} a ${kind} may be. Use a smaller file.`,
    );
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

function reason(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') {
    const code = err.code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    if (code === 'EISDIR') return 'it is a folder';
  }
  return errorMessage(err);
}
