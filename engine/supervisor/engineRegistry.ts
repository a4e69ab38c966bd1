import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineStartError } from './engineSupervisor';

/**
 * The machine-wide record of the shared engine, in the extension's global storage: where it
 * answers and with which key (a private file, mode 0600), a lease per window that uses it,
 * an activity stamp for the idle timeout, and a start lock so that only one window starts
 * (or restarts after a crash) the engine while the others wait and then connect.
 */
export interface SharedEngineRecord<M = unknown> {
  url: string;
  apiKey: string;
  /** llama-server's pid. */
  pid: number;
  /** What the engine runs (model set and settings); a window with other settings does not join it. */
  key: string;
  /** The extension host that started it. */
  ownerPid: number;
  startedAt: number;
  /** What a joining window shows: capabilities, context size, model name. */
  meta: M;
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockHolder(lockDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class EngineRegistry {
  readonly recordFile: string;
  readonly leaseDir: string;
  readonly activityFile: string;
  private readonly lockDir: string;

  constructor(
    readonly dir: string,
    readonly selfPid: number = process.pid,
  ) {
    this.recordFile = path.join(dir, 'engine.json');
    this.leaseDir = path.join(dir, 'leases');
    this.activityFile = path.join(dir, 'activity');
    this.lockDir = path.join(dir, 'start.lock');
  }

  /** This window uses (or waits for) the shared engine. */
  writeLease(): void {
    fs.mkdirSync(this.leaseDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(this.leaseDir, String(this.selfPid)), String(Date.now()), { mode: 0o600 });
  }

  removeLease(): void {
    fs.rmSync(path.join(this.leaseDir, String(this.selfPid)), { force: true });
  }

  /** Windows other than this one whose extension host is still running. */
  otherLiveLeases(): number[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.leaseDir);
    } catch {
      return [];
    }
    return names.map(Number).filter((pid) => pid !== this.selfPid && isAlive(pid));
  }

  /** A request went to the engine: the idle timeout starts again. */
  touchActivity(): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(this.activityFile, String(Date.now()), { mode: 0o600 });
    } catch {
      // advisory: at worst the engine stops a little early and is started again
    }
  }

  /** The record, when its engine process still runs. */
  read<M>(): SharedEngineRecord<M> | undefined {
    try {
      const record = JSON.parse(fs.readFileSync(this.recordFile, 'utf8')) as SharedEngineRecord<M>;
      return typeof record.url === 'string' && isAlive(record.pid) ? record : undefined;
    } catch {
      return undefined;
    }
  }

  /** Written whole (temp file, then rename) and readable only by this user: it holds the key. */
  write<M>(record: SharedEngineRecord<M>): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.recordFile}.tmp-${this.selfPid}`;
    fs.writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
    fs.renameSync(tmp, this.recordFile);
  }

  /** Forgets the record of the engine with this pid (it was stopped). */
  clear(pid: number): void {
    try {
      const record = JSON.parse(fs.readFileSync(this.recordFile, 'utf8')) as SharedEngineRecord;
      if (record.pid === pid) fs.rmSync(this.recordFile, { force: true });
    } catch {
      // nothing recorded
    }
  }

  /**
   * Runs `work` while holding the start lock. A lock whose holder has died is taken over, so
   * a crashed window cannot block the others; a live holder is waited for.
   */
  async withStartLock<T>(work: () => Promise<T>, options: { timeoutMs?: number; onWait?: () => void } = {}): Promise<T> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
    let waited = false;
    for (;;) {
      try {
        fs.mkdirSync(this.lockDir);
        fs.writeFileSync(path.join(this.lockDir, 'pid'), String(this.selfPid));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = lockHolder(this.lockDir);
        // A holder that died, or one that died before it could even write its pid, gives the lock up.
        if ((holder !== undefined && !isAlive(holder)) || (holder === undefined && ageMs(this.lockDir) > 30_000)) {
          fs.rmSync(this.lockDir, { recursive: true, force: true });
          continue;
        }
        if (Date.now() > deadline) {
          throw new EngineStartError('engine-shared-start-timeout', `Another process${holder !== undefined ? ` (pid ${holder})` : ''} has been starting the shared engine for too long.`, '', { holder }, { cause: error });
        }
        if (!waited) options.onWait?.();
        waited = true;
        await sleep(200);
      }
    }
    try {
      return await work();
    } finally {
      fs.rmSync(this.lockDir, { recursive: true, force: true });
    }
  }
}
