// Temporary folders and files for tests that work on the real file system.
import { isDeepStrictEqual } from 'node:util';
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh empty folder named `prefix` plus a random tail, in the system's temp folder or in `parent`. */
export function tempDir(prefix: string, parent = os.tmpdir()): string {
  return fs.mkdtempSync(path.join(parent, prefix));
}

/** tempDir with symlinks resolved, for tests that compare it with paths the code resolved itself. */
export function realTempDir(prefix: string): string {
  return fs.realpathSync(tempDir(prefix));
}

/** Writes each file (path relative to `root`, folders made as needed). */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
}

/**
 * Every file and folder under `dir` with a hash of each file and the target of each symlink,
 * to prove nothing there changed. With `folders: false` only files and symlinks count, so an
 * empty folder left behind makes no difference.
 */
export function snapshot(dir: string, options: { folders?: boolean } = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const key = path.relative(dir, full);
      if (entry.isDirectory()) {
        if (options.folders !== false) out[`${key}/`] = 'dir';
        walk(full);
      } else if (entry.isSymbolicLink()) out[key] = `link:${fs.readlinkSync(full)}`;
      else out[key] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

export interface Sentinel {
  /** The folder. */
  dir: string;
  /** Whether it still holds exactly what it was made with (false when it is gone). */
  intact(): boolean;
  /** Fails, showing what changed, unless it still holds exactly what it was made with. */
  assertIntact(message?: string): void;
}

/**
 * A folder outside the workspace that nothing the agent runs may touch: made at `dir` with
 * `files` in it, and compared later with the snapshot taken then.
 */
export function makeSentinel(dir: string, files: Record<string, string>): Sentinel {
  fs.mkdirSync(dir, { recursive: true });
  writeFiles(dir, files);
  const before = snapshot(dir);
  return {
    dir,
    intact: () => {
      try {
        return isDeepStrictEqual(snapshot(dir), before);
      } catch {
        return false;
      }
    },
    assertIntact: (message) => assert.deepEqual(snapshot(dir), before, message),
  };
}
