import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { findOnPath } from '../../engine/binary/serverProbe';

const run = promisify(execFile);

/**
 * The boundary for model-written commands: the OS runs them where they can write only the
 * workspace and a private temp folder, cannot reach the network unless allowed, cannot see
 * the user's secrets, and cannot leave anything running. Approval lists sit on top of this;
 * parsing a shell line is not a boundary (`bash -c`, `$(...)`, interpreters all get past it).
 */
export interface CommandSandbox {
  readonly kind: 'bubblewrap' | 'sandbox-exec';
  /**
   * The shell line that runs `command` inside the sandbox, from the workspace root.
   * `root` may be the folders of a workspace with several: all of them are writable, and the
   * command starts in the first. `network` overrides the sandbox's own network choice for
   * this one command.
   */
  wrap(command: string, root: WritableRoots, network?: boolean): string;
}

export interface SandboxOptions {
  /** Let commands reach the network (npm install, git fetch). Default off. */
  readonly network?: boolean;
  readonly home?: string;
}

/** Workspace files that make tools run code: readable inside the sandbox, never writable. */
export const READ_ONLY_IN_WORKSPACE = ['.git/hooks', '.git/config', '.vscode', '.husky'];

/**
 * Files that, made in a folder's .git, send git elsewhere for its config and hooks
 * (`commondir` names the "common" git folder, whose config and hooks then count instead of
 * the read-only ones). No mount can keep a command from creating a file in .git, where git
 * itself must create its lock files, so the runner removes the ones a command made
 * (removeCreated) before anything outside the sandbox runs git there.
 */
const GIT_REDIRECT_FILES = ['commondir'];

/** In every git folder, what makes git run code or look elsewhere for it: read-only, as READ_ONLY_IN_WORKSPACE is for the main .git. */
const GIT_FOLDER_READ_ONLY = ['hooks', 'config', ...GIT_REDIRECT_FILES];

/**
 * The paths where a command could make what runs code outside the sandbox, and which do not
 * exist now: a folder's .vscode (tasks, settings) and .husky, and in each git folder its
 * GIT_FOLDER_READ_ONLY entries (hooks, config, commondir). An existing one is mounted
 * read-only; a missing one cannot be (a mount point would have to be made in the user's folder), so the runner
 * removes what the command made there (removeCreated) before VS Code or git reads it. A
 * repository the command makes from nothing (no .git before) is left to be: `git init`
 * must work.
 */
export function missingCodeRunningPaths(roots: WritableRoots): string[] {
  const missing: string[] = [];
  const absent = (file: string): void => {
    if (!fs.lstatSync(file, { throwIfNoEntry: false })) missing.push(file);
  };
  for (const root of rootsOf(roots)) {
    for (const name of ['.vscode', '.husky']) absent(path.join(root, name));
    for (const gitDir of gitFolders(root)) for (const name of GIT_FOLDER_READ_ONLY) absent(path.join(gitDir, name));
  }
  return missing;
}

/** Removes those of `missing` (from missingCodeRunningPaths) that exist now; returns them. */
export function removeCreated(missing: readonly string[]): string[] {
  const made = missing.filter((file) => fs.lstatSync(file, { throwIfNoEntry: false }));
  // rm of the path itself: a symlink made there goes, not what it points to.
  for (const file of made) fs.rmSync(file, { force: true, recursive: true });
  return made;
}

/** Where git keeps a submodule's or a linked worktree's own git folder, inside the main one. */
const NESTED_GIT_FOLDERS = ['modules', 'worktrees'];
/** Enough for any real project; a command cannot make the list longer for the next one than this. */
const MAX_GIT_FOLDERS = 200;

/**
 * The git folders of a workspace folder: its .git (a real folder, never a symlink's target)
 * and, below it, each submodule's (`.git/modules/<name>`, nested ones too) and linked
 * worktree's (`.git/worktrees/<name>`): a folder there holding HEAD. Each has hooks and a
 * config git runs, just as the main one.
 */
export function gitFolders(root: string): string[] {
  const main = path.join(root, '.git');
  if (lstatKind(main) !== 'dir') return [];
  const found = [main];
  // Below `dir` (a modules or worktrees folder, or a part of a name in one): the git folders there.
  const under = (dir: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (found.length >= MAX_GIT_FOLDERS || depth > 8) return;
      if (!entry.isDirectory()) continue;
      const child = path.join(dir, entry.name);
      if (lstatKind(path.join(child, 'HEAD')) === 'file') {
        found.push(child);
        inside(child);
      } else {
        // Submodule names may hold '/' (`group/name`): the git folder sits deeper.
        under(child, depth + 1);
      }
    }
  };
  const inside = (gitDir: string): void => {
    for (const nested of NESTED_GIT_FOLDERS) under(path.join(gitDir, nested), 0);
  };
  inside(main);
  return found;
}

/** Where secrets live; hidden inside the sandbox (an empty folder or an empty file in their place). */
export const SECRET_DIRS = ['.ssh', '.aws', '.gnupg', '.config/gh', '.docker', '.kube', '.mozilla', '.config/google-chrome', '.config/chromium', '.config/BraveSoftware', '.password-store'];
export const SECRET_FILES = ['.netrc', '.git-credentials', '.npmrc', '.pypirc'];

/** The folder a command runs in and may write, or the folders (the first where it starts). */
export type WritableRoots = string | readonly string[];

function rootsOf(roots: WritableRoots): readonly string[] {
  const list = typeof roots === 'string' ? [roots] : roots;
  if (list.length === 0) throw new Error('A sandboxed command needs a folder to run in.');
  return list;
}

/** POSIX shell quoting: one word, whatever it holds. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export function bubblewrapArgs(command: string, roots: WritableRoots, options: SandboxOptions = {}): string[] {
  const home = options.home ?? os.homedir();
  const folders = rootsOf(roots);
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
  for (const root of folders) args.push('--bind', root, root);
  // A mount cannot be renamed or removed, but the folder holding one can: without these,
  // `mv .git .git-old` takes the read-only hooks and config along and a new .git gets hooks
  // of the command's own. So .git is mounted on itself (still writable: git works), and a
  // .git file (a worktree's or submodule's, naming the git folder) is read-only.
  const gitDirs = folders.flatMap(gitFolders);
  for (const root of folders) if (lstatKind(path.join(root, '.git')) === 'file') args.push('--ro-bind', path.join(root, '.git'), path.join(root, '.git'));
  for (const gitDir of gitDirs) args.push('--bind', gitDir, gitDir);
  // After every folder's bind: a folder nested in another must not make its parent's hooks writable again.
  for (const root of folders) {
    for (const relative of READ_ONLY_IN_WORKSPACE) {
      const p = path.join(root, relative);
      if (fs.existsSync(p)) args.push('--ro-bind', p, p);
    }
  }
  // The submodules' and worktrees' git folders: their hooks and config too, and a worktree's commondir (which names the main git folder).
  for (const gitDir of gitDirs.filter((dir) => !folders.some((root) => dir === path.join(root, '.git')))) {
    for (const name of GIT_FOLDER_READ_ONLY) {
      const p = path.join(gitDir, name);
      if (fs.existsSync(p)) args.push('--ro-bind', p, p);
    }
  }
  for (const relative of SECRET_DIRS) {
    const p = path.join(home, relative);
    if (isDir(p)) args.push('--tmpfs', p);
  }
  for (const relative of SECRET_FILES) {
    const p = path.join(home, relative);
    if (isFile(p)) args.push('--ro-bind', '/dev/null', p);
  }
  args.push('--setenv', 'TMPDIR', '/tmp', '--setenv', 'npm_config_cache', '/tmp/.npm');
  // Its own PID namespace: when the command ends, everything it started (setsid, &) ends too.
  args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session');
  if (!options.network) args.push('--unshare-net');
  args.push('--chdir', folders[0], '--', '/bin/sh', '-c', command);
  return args;
}

/** What is at `p` itself, not following a symlink (a .git symlink may lead anywhere; binding it would make that place writable). */
function lstatKind(p: string): 'dir' | 'file' | undefined {
  try {
    const info = fs.lstatSync(p);
    return info.isDirectory() ? 'dir' : info.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export function bubblewrapSandbox(bwrap: string, options: SandboxOptions = {}): CommandSandbox {
  return {
    kind: 'bubblewrap',
    wrap: (command, root, network) => [bwrap, ...bubblewrapArgs(command, root, withNetwork(options, network))].map(shellWord).join(' '),
  };
}

/** A sandbox-exec profile: anything may be read, writes only in the workspace and temp folders, secrets unreadable, network only when allowed. */
export function seatbeltProfile(roots: WritableRoots, options: SandboxOptions = {}): string {
  const home = options.home ?? os.homedir();
  const q = (p: string): string => JSON.stringify(p);
  const folders = rootsOf(roots);
  // Each git folder's entry itself too (and a .git file): renaming one would take its protected hooks and config along, as with bubblewrap.
  const readOnly = folders
    .flatMap((root) => [
      ...READ_ONLY_IN_WORKSPACE.map((r) => `(subpath ${q(path.join(root, r))})`),
      ...(lstatKind(path.join(root, '.git')) === 'file' ? [`(literal ${q(path.join(root, '.git'))})`] : []),
      ...gitFolders(root).flatMap((gitDir) => [`(literal ${q(gitDir)})`, ...GIT_FOLDER_READ_ONLY.map((r) => `(subpath ${q(path.join(gitDir, r))})`)]),
    ])
    .join(' ');
  const writable = folders.map((root) => `(subpath ${q(root)})`).join(' ');
  const secrets = [...SECRET_DIRS.map((r) => `(subpath ${q(path.join(home, r))})`), ...SECRET_FILES.map((r) => `(literal ${q(path.join(home, r))})`)].join(' ');
  return [
    '(version 1)',
    '(allow default)',
    `(deny file-write* (require-not (require-any ${writable} (subpath "/private/tmp") (subpath "/private/var/folders") (literal "/dev/null") (literal "/dev/tty"))))`,
    `(deny file-write* ${readOnly})`,
    `(deny file-read* ${secrets})`,
    options.network ? '' : '(deny network* (remote ip) (remote unix-socket))',
  ]
    .filter(Boolean)
    .join('\n');
}

export function seatbeltSandbox(options: SandboxOptions = {}): CommandSandbox {
  return {
    kind: 'sandbox-exec',
    wrap: (command, root, network) => ['/usr/bin/sandbox-exec', '-p', seatbeltProfile(root, withNetwork(options, network)), '/bin/sh', '-c', command].map(shellWord).join(' '),
  };
}

function withNetwork(options: SandboxOptions, network: boolean | undefined): SandboxOptions {
  return network === undefined ? options : { ...options, network };
}

/** Probe results by binary: the chat asks on every run, the probe starts a process, the answer does not change. */
const probes = new Map<string, Promise<boolean>>();

function bubblewrapWorks(bwrap: string): Promise<boolean> {
  let probe = probes.get(bwrap);
  if (!probe) {
    probe = run(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--unshare-net', '--die-with-parent', '--', '/bin/true'], { timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    probes.set(bwrap, probe);
  }
  return probe;
}

/**
 * The sandbox this machine offers, proved by running a trivial command in it (bubblewrap
 * needs user namespaces, which some kernels turn off); undefined when there is none.
 */
export async function detectCommandSandbox(options: SandboxOptions & { platform?: NodeJS.Platform; envPath?: string } = {}): Promise<CommandSandbox | undefined> {
  const platform = options.platform ?? process.platform;
  if (platform === 'linux') {
    const bwrap = findOnPath('bwrap', options.envPath);
    if (!bwrap) return undefined;
    return (await bubblewrapWorks(bwrap)) ? bubblewrapSandbox(bwrap, options) : undefined;
  }
  if (platform === 'darwin' && fs.existsSync('/usr/bin/sandbox-exec')) return seatbeltSandbox(options);
  return undefined;
}

/** What to tell a user whose machine runs commands without a sandbox. */
export function sandboxHint(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'linux') return 'install bubblewrap (Debian and Ubuntu: sudo apt-get install bubblewrap) to run them in one';
  if (platform === 'win32') return 'Windows has no sandbox Gemma Agent can use yet';
  return 'this system offers no sandbox Gemma Agent can use';
}
