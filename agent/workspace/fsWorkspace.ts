import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import { runShellCommand } from './commandRunner';
import { globFilter, walkFiles } from './fileWalk';
import { resolveInsideWorkspace, toWorkspaceRelative, writeTarget } from './pathSafety';
import { searchOnDisk } from './diskSearch';
import { findRipgrep } from './ripgrep';
import type {
  CommandOptions,
  CommandResult,
  DiagnosticItem,
  DirEntry,
  EntryType,
  FileChange,
  FileStat,
  FindOptions,
  SearchOptions,
  TextMatch,
  Workspace,
} from './workspace';

/**
 * The Workspace over the plain file system and child processes: used by the headless runner
 * and the tests, and a model of what the VS Code implementation must guarantee.
 */

export interface FsWorkspaceOptions {
  /** Largest file readFile returns (bytes); bigger files are refused with a message. Default 4 MiB. */
  maxReadBytes?: number;
  /** VS Code's own ripgrep, tried after $GEMMA_AGENT_RG and `rg` on PATH. */
  bundledRipgrepPath?: string;
  /** Environment for commands and for finding ripgrep; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Shell for runCommand; default /bin/sh (cmd.exe on Windows). */
  shell?: string;
  /** Search in JavaScript even when ripgrep exists (tests of the fallback). */
  disableRipgrep?: boolean;
}

/** The file is larger than the agent reads in one go. */
export class FileTooLargeError extends Error {
  constructor(
    readonly path: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${path} is ${formatBytes(size)}, more than the ${formatBytes(limit)} the agent reads at once. Use search_text to find the part you need.`);
    this.name = 'FileTooLargeError';
  }
}

const DEFAULT_MAX_READ_BYTES = 4 * 1024 * 1024;

export class FsWorkspace implements Workspace {
  readonly root: string;
  private readonly maxReadBytes: number;
  private ripgrep: Promise<string | undefined> | undefined;

  constructor(
    root: string,
    private readonly options: FsWorkspaceOptions = {},
  ) {
    this.root = path.resolve(root);
    this.maxReadBytes = options.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;
  }

  async readFile(relative: string): Promise<string> {
    const file = this.resolve(relative);
    const info = await this.statOrThrow(relative, file);
    if (!info.isFile()) throw new Error(`${this.display(relative)} is ${describeKind(info)}, not a file.`);
    if (info.size > this.maxReadBytes) throw new FileTooLargeError(this.display(relative), info.size, this.maxReadBytes);
    return fsp.readFile(file, 'utf8');
  }

  async stat(relative: string): Promise<FileStat | undefined> {
    const file = this.resolve(relative);
    try {
      const info = await fsp.stat(file);
      return { type: entryType(info), size: info.size };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async listDir(relative: string): Promise<DirEntry[]> {
    const dir = this.resolve(relative);
    const info = await this.statOrThrow(relative, dir);
    if (!info.isDirectory()) throw new Error(`${this.display(relative)} is ${describeKind(info)}, not a folder.`);
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    return entries
      .map((entry): DirEntry => ({ name: entry.name, type: entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : entry.isSymbolicLink() ? 'symlink' : 'other' }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async findFiles(glob: string, maxResults: number, options: FindOptions = {}): Promise<string[]> {
    const filter = globFilter(glob);
    const found: string[] = [];
    if (maxResults <= 0) return found;
    for await (const file of walkFiles(this.root, { base: filter.base, skip: options.skip })) {
      if (!filter.matches(file)) continue;
      found.push(file);
      if (found.length >= maxResults) break;
    }
    return found;
  }

  async searchText(query: string, options: SearchOptions): Promise<TextMatch[]> {
    return (await searchOnDisk(this.root, query, options, this.maxReadBytes, await this.findRipgrep())).matches;
  }

  async applyChange(change: FileChange): Promise<void> {
    const file = this.resolve(change.path);
    const existing = await lstatOrUndefined(file);
    switch (change.kind) {
      case 'create':
        if (existing) throw new Error(`${this.display(change.path)} already exists; it was not overwritten.`);
        await this.writePinned(file, change.content, undefined, true);
        return;
      case 'modify': {
        if (!existing) throw new Error(`${this.display(change.path)} does not exist, so it cannot be modified.`);
        // Write through a symlink to its (checked, in-workspace) target instead of replacing the link.
        const target = await fsp.realpath(file);
        const info = await fsp.stat(target);
        if (!info.isFile()) throw new Error(`${this.display(change.path)} is ${describeKind(info)}, not a file.`);
        await this.writePinned(target, change.content, info.mode, false);
        return;
      }
      case 'delete':
        if (!existing) throw new Error(`${this.display(change.path)} does not exist, so it cannot be deleted.`);
        if (existing.isDirectory()) throw new Error(`${this.display(change.path)} is a folder; only files are deleted.`);
        await fsp.unlink(file);
        return;
    }
  }

  runCommand(command: string, options: CommandOptions): Promise<CommandResult> {
    return runShellCommand(command, { ...options, cwd: this.root, env: this.options.env, shell: this.options.shell });
  }

  /** No language server runs here, so nothing is ever reported. */
  async diagnostics(_path?: string): Promise<DiagnosticItem[]> {
    return [];
  }

  /**
   * Writes `file` (already checked to be inside the workspace) so that a folder swapped for a
   * symlink between that check and the write cannot redirect it: on Linux the folders are
   * opened one by one from the workspace root, each refusing a symlink, and the write goes
   * through the last one's descriptor (/proc/self/fd), which keeps naming that same folder
   * whatever happens to its path. Elsewhere the parents are checked for symlinks just before
   * the write.
   */
  private async writePinned(file: string, content: string, mode: number | undefined, createFolders: boolean): Promise<void> {
    const realRoot = await fsp.realpath(this.root);
    const absolute = path.resolve(file);
    const inRoot = absolute.startsWith(`${realRoot}${path.sep}`) ? absolute : path.join(realRoot, path.relative(this.root, absolute));
    const relativeDir = path.relative(realRoot, path.dirname(inRoot));
    if (relativeDir.startsWith('..') || path.isAbsolute(relativeDir)) throw new Error(`${file} is outside the workspace; it was not written.`);
    const parts = relativeDir === '' ? [] : relativeDir.split(path.sep);
    if (process.platform === 'linux' && fs.existsSync('/proc/self/fd')) {
      const dir = openPinnedDirectory(realRoot, parts, createFolders);
      try {
        await writeAtomically(path.join(`/proc/self/fd/${dir}`, path.basename(inRoot)), content, mode);
      } finally {
        fs.closeSync(dir);
      }
      return;
    }
    if (createFolders) await fsp.mkdir(path.dirname(inRoot), { recursive: true });
    await writeTarget(realRoot, inRoot);
    await writeAtomically(inRoot, content, mode);
  }

  private resolve(relative: string): string {
    return resolveInsideWorkspace(this.root, relative);
  }

  private display(relative: string): string {
    try {
      return toWorkspaceRelative(this.root, this.resolve(relative));
    } catch {
      return relative;
    }
  }

  private async statOrThrow(relative: string, absolute: string): Promise<Stats> {
    try {
      return await fsp.stat(absolute);
    } catch (error) {
      if (isMissing(error)) throw new Error(`${this.display(relative)} does not exist.`, { cause: error });
      throw error;
    }
  }

  private findRipgrep(): Promise<string | undefined> {
    if (this.options.disableRipgrep) return Promise.resolve(undefined);
    this.ripgrep ??= findRipgrep(this.options.env ?? process.env, this.options.bundledRipgrepPath);
    return this.ripgrep;
  }
}

/**
 * Writes to a temporary file beside the target and renames it over, so a crash or a full
 * disk never leaves a half-written source file behind.
 */
async function writeAtomically(file: string, content: string, mode?: number): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fsp.writeFile(temporary, content, { encoding: 'utf8', mode: mode ?? 0o666, flag: 'wx' });
    if (mode !== undefined) await fsp.chmod(temporary, mode);
    await fsp.rename(temporary, file);
  } catch (error) {
    await fsp.rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Opens the folder `parts` below `root` one component at a time, each relative to the
 * descriptor of the one before and refusing symlinks (O_NOFOLLOW), creating missing ones
 * when asked. Returns the last folder's descriptor; the caller closes it.
 */
function openPinnedDirectory(root: string, parts: string[], create: boolean): number {
  const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = fs.constants;
  let fd = fs.openSync(root, O_RDONLY | O_DIRECTORY);
  try {
    for (const part of parts) {
      const next = `/proc/self/fd/${fd}/${part}`;
      if (create && !fs.existsSync(next)) fs.mkdirSync(next);
      let child: number;
      try {
        child = fs.openSync(next, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ELOOP' || code === 'ENOTDIR') throw new Error(`'${part}' on the way to the file is a symlink or not a folder (it may have just been swapped); nothing was written.`, { cause: error });
        throw error;
      }
      fs.closeSync(fd);
      fd = child;
    }
    return fd;
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

async function lstatOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await fsp.lstat(file);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function entryType(info: Stats): EntryType {
  return info.isFile() ? 'file' : info.isDirectory() ? 'directory' : info.isSymbolicLink() ? 'symlink' : 'other';
}

function describeKind(info: Stats): string {
  return info.isDirectory() ? 'a folder' : info.isFile() ? 'a file' : 'a special file';
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
