import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { ALWAYS_SKIPPED, IgnoreRules } from './gitignore';
import { resolveInsideWorkspace } from './pathSafety';

/**
 * Walks the workspace's files the way ripgrep does: ignore files honoured, .git and
 * node_modules skipped, hidden files included, symlinks not followed (a link could lead out
 * of the workspace or into a loop), entries in name order so results are repeatable.
 */

export interface WalkOptions {
  /** Workspace-relative folder to start in ('' for the root). */
  base?: string;
  signal?: AbortSignal;
  /** Workspace-relative folders not entered (another workspace folder nested inside this one). */
  skip?: readonly string[];
}

export interface GlobFilter {
  /** Folder below which every match lies, so the walk can start there. */
  base: string;
  matches(relative: string): boolean;
}

/**
 * A matcher for a workspace glob against whole workspace-relative paths ('*.ts' matches
 * only at the top; callers that want any depth write '**\/*.ts'). Dot files match.
 */
export function globFilter(glob: string): GlobFilter {
  const pattern = glob.replace(/^\.\//, '');
  const nocase = process.platform === 'win32' || process.platform === 'darwin';
  const isMatch = picomatch(pattern, { dot: true, nocase });
  const scan = picomatch.scan(pattern);
  const base = scan.isGlob ? scan.base : path.posix.dirname(pattern);
  return { base: base === '.' ? '' : base, matches: (relative) => isMatch(relative) };
}

export async function* walkFiles(root: string, options: WalkOptions = {}): AsyncGenerator<string> {
  const base = options.base ?? '';
  const skip = new Set(options.skip ?? []);
  if (base !== '') {
    resolveInsideWorkspace(root, base);
    if (base.split('/').some((part) => ALWAYS_SKIPPED.has(part))) return;
    if (isUnderAny(base, skip)) return;
  }
  const rootRules = await IgnoreRules.atRoot(root);
  if (base === '') {
    yield* walkDir(root, '', rootRules, options.signal, skip);
    return;
  }
  const parentRules = await rootRules.forDir(path.posix.dirname(base) === '.' ? '' : path.posix.dirname(base));
  if (parentRules.ignores(base, true)) return;
  yield* walkDir(root, base, parentRules, options.signal, skip);
}

/** Whether `relative` is one of `folders` or inside one of them. */
export function isUnderAny(relative: string, folders: Iterable<string>): boolean {
  for (const folder of folders) if (relative === folder || relative.startsWith(`${folder}/`)) return true;
  return false;
}

/** Files below `dir`; `inherited` are the rules of its parent folder. */
async function* walkDir(root: string, dir: string, inherited: IgnoreRules, signal: AbortSignal | undefined, skip: ReadonlySet<string>): AsyncGenerator<string> {
  signal?.throwIfAborted();
  let entries;
  try {
    entries = await fsp.readdir(path.join(root, dir), { withFileTypes: true });
  } catch {
    // A folder that vanished or cannot be read is skipped, as ripgrep does.
    return;
  }
  const rules = dir === '' ? inherited : await inherited.enter(dir, new Set(entries.map((entry) => entry.name)));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (ALWAYS_SKIPPED.has(entry.name) || skip.has(relative) || rules.ignores(relative, true)) continue;
      yield* walkDir(root, relative, rules, signal, skip);
    } else if (entry.isFile()) {
      if (!rules.ignores(relative, false)) yield relative;
    }
  }
}
