import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { isUnderAny } from '../workspace/fileWalk';

/** One file that differs between a checkpoint and the workspace now. */
export interface CheckpointChange {
  /** Workspace-relative, with '/'. */
  path: string;
  /** added: not in the checkpoint (a restore deletes it); modified; deleted: a restore brings it back. */
  kind: 'added' | 'modified' | 'deleted';
}

/** Folders never taken into a checkpoint (the project's own history, installed packages). */
const EXCLUDED = ['.git/', 'node_modules/'];
const NULL_DEVICE = process.platform === 'win32' ? 'NUL' : '/dev/null';

/**
 * Checkpoints of a whole workspace in a git repository of its own, kept outside the
 * workspace (in the extension's storage), so they survive a reload and cover every file,
 * also the ones a command changed. The project's own .git is never read or written: the
 * shadow repository has its own git dir and only uses the workspace as its work tree. The
 * project's .gitignore files apply, as they would to the project's own repository.
 */
export class ShadowCheckpoints {
  private readonly gitDir: string;
  private ready: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly root: string,
    storageDir: string,
    private readonly gitBinary = 'git',
  ) {
    const id = createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 16);
    this.gitDir = path.join(storageDir, 'checkpoints', `${id}.git`);
  }

  /** Whether git runs here; without it there are no lasting checkpoints. */
  async available(): Promise<boolean> {
    try {
      await this.git(['--version'], false);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Hashes the work tree into the shadow repository's index ahead of the first checkpoint,
   * which then only looks at what changed: on 20,000 files and 100 MB the first checkpoint
   * takes about 6 s, a later one 0.2 s (`npm run bench:checkpoint`).
   */
  prepare(): Promise<void> {
    return this.serial(async () => {
      await this.init();
      await this.git(['add', '-A', '--', '.']);
    });
  }

  /** Records the workspace as it is now; returns the checkpoint's id. */
  snapshot(label: string): Promise<string> {
    return this.serial(async () => {
      await this.init();
      await this.git(['add', '-A', '--', '.']);
      await this.git(['commit', '--allow-empty', '--no-verify', '-q', '-m', label]);
      return (await this.git(['rev-parse', 'HEAD'])).trim();
    });
  }

  /** What a restore to `id` would change: files that differ between it and the workspace now. */
  changesSince(id: string): Promise<CheckpointChange[]> {
    return this.serial(async () => {
      await this.init();
      await this.git(['add', '-A', '--', '.']);
      const out = await this.git(['diff', '--cached', '--name-status', '--no-renames', '-z', id]);
      const fields = out.split('\0').filter((f) => f !== '');
      const changes: CheckpointChange[] = [];
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const status = fields[i];
        const file = fields[i + 1];
        changes.push({ path: file, kind: status === 'A' ? 'added' : status === 'D' ? 'deleted' : 'modified' });
      }
      return changes;
    });
  }

  /** A file's text at checkpoint `id` (undefined where it did not exist). */
  fileAt(id: string, file: string): Promise<string | undefined> {
    return this.serial(async () => {
      try {
        return await this.git(['show', `${id}:${file}`]);
      } catch {
        return undefined;
      }
    });
  }

  /**
   * Puts the workspace back as it was at checkpoint `id`, except for `keep` (files with
   * unsaved editor text, which the caller must not lose) and the folders in `skip` (another
   * workspace folder nested in this one, restored as that folder): files changed since are
   * restored, files added since are deleted, deleted ones come back. Returns what it changed.
   */
  async restore(id: string, keep: ReadonlySet<string> = new Set(), skip: readonly string[] = []): Promise<CheckpointChange[]> {
    const changes = (await this.changesSince(id)).filter((c) => !keep.has(c.path) && !isUnderAny(c.path, skip));
    return this.serial(async () => {
      const back = changes.filter((c) => c.kind !== 'added').map((c) => c.path);
      for (let i = 0; i < back.length; i += 100) await this.git(['checkout', id, '--', ...back.slice(i, i + 100)]);
      for (const change of changes.filter((c) => c.kind === 'added')) await fsp.rm(path.join(this.root, change.path), { force: true });
      return changes;
    });
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await fsp.mkdir(this.gitDir, { recursive: true });
      try {
        await fsp.access(path.join(this.gitDir, 'HEAD'));
      } catch {
        await this.git(['init', '-q']);
      }
      await fsp.mkdir(path.join(this.gitDir, 'info'), { recursive: true });
      await fsp.writeFile(path.join(this.gitDir, 'info', 'exclude'), `${EXCLUDED.join('\n')}\n`);
    })();
    return this.ready;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** git on the shadow repository, with nothing of the user's or the project's git setup that could run code or change its meaning. */
  private git(args: string[], repo = true): Promise<string> {
    const full = repo
      ? [
          `--git-dir=${this.gitDir}`,
          `--work-tree=${this.root}`,
          '-c', `core.hooksPath=${NULL_DEVICE}`,
          '-c', 'core.fsmonitor=false',
          '-c', 'core.autocrlf=false',
          '-c', 'core.quotepath=false',
          '-c', 'user.name=Gemma Agent',
          '-c', 'user.email=checkpoints@gemma-agent.invalid',
          '-c', 'commit.gpgsign=false',
          ...args,
        ]
      : args;
    const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: NULL_DEVICE, GIT_TERMINAL_PROMPT: '0' };
    for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY']) delete env[name];
    return new Promise((resolve, reject) => {
      execFile(
        this.gitBinary,
        full,
        { cwd: this.root, maxBuffer: 64 * 1024 * 1024, env },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`git ${args[0]} failed for the checkpoints: ${(stderr || error.message).trim()}`));
          else resolve(stdout);
        },
      );
    });
  }
}
