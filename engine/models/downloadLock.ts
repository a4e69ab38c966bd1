import * as fs from 'node:fs';
import { DownloadCancelledError, classifyFsError, errnoCode } from './errors';

/**
 * Keeps two processes from appending to the same partial file: each VS Code window has its
 * own extension host, and all of them share the models folder. The lock file holds the
 * owner's pid; a lock whose owner is gone is taken over.
 */

export interface LockOptions {
  readonly signal?: AbortSignal;
  /** How often to look again while another process holds the lock. Default 1000 ms. */
  readonly pollMs?: number;
  /** Called once when this process starts waiting for another one. */
  readonly onWait?: (ownerPid: number) => void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

async function tryAcquire(lockPath: string): Promise<number | undefined> {
  try {
    await fs.promises.writeFile(lockPath, String(process.pid), { flag: 'wx' });
    return undefined;
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw classifyFsError(error, lockPath, 'creating');
  }
  const owner = Number((await fs.promises.readFile(lockPath, 'utf8').catch(() => '')).trim());
  // Our own pid means another download in this same process: wait for it like for any other.
  if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) return owner;
  // The owner is gone (or the file is unreadable): remove it and race for it again.
  await fs.promises.rm(lockPath, { force: true });
  return tryAcquire(lockPath);
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new DownloadCancelledError('Waiting for another window to finish the download was cancelled.'));
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `work` while holding `lockPath`, waiting for another process that holds it. */
export async function withDownloadLock<T>(lockPath: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  let told = false;
  for (;;) {
    const owner = await tryAcquire(lockPath);
    if (owner === undefined) break;
    if (!told) {
      told = true;
      options.onWait?.(owner);
    }
    await wait(options.pollMs ?? 1000, options.signal);
  }
  try {
    return await work();
  } finally {
    await fs.promises.rm(lockPath, { force: true });
  }
}
