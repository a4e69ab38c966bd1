import { spawn } from 'node:child_process';
import { promises as fsp, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { globFilter, isUnderAny } from './fileWalk';
import type { TextMatch } from './workspace';

/**
 * Text search through ripgrep: fast, and it reads ignore files itself. Results come from
 * `rg --json`, so file names and lines with odd characters arrive intact.
 */

export interface RipgrepSearch {
  query: string;
  regex: boolean;
  glob?: string;
  caseSensitive?: boolean;
  maxResults: number;
  /** Files larger than this are skipped (minified bundles, data dumps). */
  maxFileBytes: number;
  signal?: AbortSignal;
  /** Workspace-relative folders left out (see SearchOptions.skip). */
  skip?: readonly string[];
}

/** Thrown when ripgrep rejects the search itself (a bad regular expression, a bad glob). */
export class SearchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchError';
  }
}

/**
 * The ripgrep to use: $GEMMA_AGENT_RG, then `rg` on PATH, then the one VS Code ships
 * (`bundledPath`, given by the extension). Undefined when none is executable.
 */
export async function findRipgrep(env: NodeJS.ProcessEnv = process.env, bundledPath?: string): Promise<string | undefined> {
  const fromEnv = env.GEMMA_AGENT_RG;
  if (fromEnv && (await isExecutable(fromEnv))) return fromEnv;
  const onPath = await findOnPath(process.platform === 'win32' ? 'rg.exe' : 'rg', env);
  if (onPath) return onPath;
  if (bundledPath && (await isExecutable(bundledPath))) return bundledPath;
  return undefined;
}

async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const pathVar = env.PATH ?? env.Path ?? '';
  for (const dir of pathVar.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    const info = await fsp.stat(file);
    if (!info.isFile()) return false;
    await fsp.access(file, process.platform === 'win32' ? fsConstants.F_OK : fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function ripgrepArgs(search: RipgrepSearch): string[] {
  const args = ['--json', '--no-config', '--hidden', '--no-require-git', '--sort', 'path', '--max-filesize', String(search.maxFileBytes)];
  args.push(search.caseSensitive === true ? '--case-sensitive' : search.caseSensitive === false ? '--ignore-case' : '--smart-case');
  if (!search.regex) args.push('--fixed-strings');
  // Later globs win in ripgrep, so the exclusions come after the caller's filter.
  if (search.glob) args.push('--glob', search.glob);
  args.push('--glob', '!.git', '--glob', '!node_modules');
  // Anchored at the search root (the leading '/'), the folder's name taken literally: each
  // special character as a class of its own, which works where '\\' is a path separator too.
  for (const folder of search.skip ?? []) args.push('--glob', `!/${folder.replace(/[*?[\]{}]/g, '[$&]')}/**`);
  args.push('--regexp', search.query, '--', '.');
  return args;
}

/** Runs ripgrep in `root` and collects up to maxResults matching lines. */
export async function ripgrepSearch(rg: string, root: string, search: RipgrepSearch): Promise<TextMatch[]> {
  search.signal?.throwIfAborted();
  // ripgrep and this filter read globs slightly differently; filtering again keeps the two
  // search paths (ripgrep and the plain scan) in agreement.
  const filter = search.glob ? globFilter(search.glob) : undefined;
  return new Promise<TextMatch[]>((resolve, reject) => {
    const child = spawn(rg, ripgrepArgs(search), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const matches: TextMatch[] = [];
    let pending = '';
    let stderr = '';
    let stopped = false;
    const stop = (): void => {
      if (!stopped) {
        stopped = true;
        child.kill();
      }
    };
    const onAbort = (): void => stop();
    search.signal?.addEventListener('abort', onAbort, { once: true });

    const takeLine = (line: string): void => {
      if (stopped || line === '') return;
      const match = parseMatch(line);
      if (!match || (filter && !filter.matches(match.path)) || (search.skip && isUnderAny(match.path, search.skip))) return;
      matches.push(match);
      if (matches.length >= search.maxResults) stop();
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        takeLine(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 8192) stderr += chunk;
    });
    child.on('error', (error) => {
      search.signal?.removeEventListener('abort', onAbort);
      reject(new SearchError(`Could not run ripgrep (${rg}): ${error.message}`));
    });
    child.on('close', (code) => {
      search.signal?.removeEventListener('abort', onAbort);
      takeLine(pending);
      if (search.signal?.aborted) {
        reject(search.signal.reason instanceof Error ? search.signal.reason : new Error('The search was cancelled.'));
      } else if (code === 2 && matches.length === 0 && !stopped && isUsageError(stderr)) {
        // 2 also means "some files could not be read", which is not worth failing over.
        reject(new SearchError(`The search failed: ${stderr.trim()}`));
      } else {
        resolve(matches);
      }
    });
  });
}

/** ripgrep's own complaints about the query or glob, as opposed to unreadable files. */
function isUsageError(stderr: string): boolean {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  return lines.some((line) => !/\(os error \d+\)/.test(line));
}

interface RgText {
  text?: string;
  bytes?: string;
}

interface RgMatchMessage {
  type: string;
  data?: { path?: RgText; lines?: RgText; line_number?: number };
}

function decode(value: RgText | undefined): string | undefined {
  if (!value) return undefined;
  if (typeof value.text === 'string') return value.text;
  if (typeof value.bytes === 'string') return Buffer.from(value.bytes, 'base64').toString('utf8');
  return undefined;
}

function parseMatch(line: string): TextMatch | undefined {
  let message: RgMatchMessage;
  try {
    message = JSON.parse(line) as RgMatchMessage;
  } catch {
    return undefined;
  }
  if (message.type !== 'match' || !message.data) return undefined;
  const file = decode(message.data.path);
  const text = decode(message.data.lines);
  const lineNumber = message.data.line_number;
  if (file === undefined || text === undefined || typeof lineNumber !== 'number') return undefined;
  return {
    path: (process.platform === 'win32' ? file.replace(/\\/g, '/') : file).replace(/^\.\//, ''),
    line: lineNumber,
    text: text.replace(/\r?\n$/, ''),
  };
}
