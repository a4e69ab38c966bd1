import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodedError } from '../../engine/errors';

const fsp = fs.promises;

/**
 * Keeps every path the model names inside the workspace. The model's paths are untrusted
 * text: a `..`, an absolute path, a drive letter or a symlink must not let it read or write
 * anything outside the folder the user opened.
 */

/**
 * Why a path is refused:
 * - not-text, nul, network-path, drive, windows-name: its spelling means something other
 *   than a workspace path;
 * - parent: a `..` leads out; absolute-outside: an absolute path outside the root;
 * - symlink-outside: a symlink on the way leads out (facts.target: where to);
 * - link-loop: too many symlinks to follow;
 * - write-outside, became-symlink, redirected: a write that would land outside, found just
 *   before or after it (a folder on the way swapped for a symlink);
 * - no-folder, outside-folders, workspace-itself: with several folders, a path that names
 *   none of them, an absolute path outside all of them, or the workspace itself ('.');
 * - folder-moved: a folder's root leads somewhere else than when the workspace was opened
 *   (a folder on its path, such as the outer folder of a nested one, became a symlink).
 */
export type PathSafetyCode =
  | 'not-text'
  | 'nul'
  | 'network-path'
  | 'drive'
  | 'windows-name'
  | 'parent'
  | 'absolute-outside'
  | 'symlink-outside'
  | 'link-loop'
  | 'write-outside'
  | 'became-symlink'
  | 'redirected'
  | 'no-folder'
  | 'outside-folders'
  | 'workspace-itself'
  | 'folder-moved';

/** What the refusal is about: the path as asked for, and (where known) the root it was checked against and where it leads. */
export interface PathFacts {
  readonly requested: string;
  readonly root?: string;
  readonly target?: string;
  [fact: string]: string | undefined;
}

/**
 * A path the agent may not touch. The message says why, for one folder, and is meant for
 * the model; the code and facts let a layer that knows more (a workspace of several folders)
 * say it in its own terms.
 */
export class PathSafetyError extends CodedError<PathSafetyCode, PathFacts> {
  readonly requested: string;

  constructor(code: PathSafetyCode, message: string, facts: PathFacts) {
    super(code, message, facts);
    this.requested = facts.requested;
  }
}

/** Symlink hops followed before giving up, like the kernel's ELOOP limit. */
const MAX_LINK_HOPS = 40;

/** Names Windows maps to devices in every folder (CON, NUL, COM1...), with or without an extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;

/**
 * The absolute path of `requested` (workspace-relative, or absolute inside the root) after
 * checking that neither its text nor any symlink along it leads outside `root`. Throws
 * PathSafetyError otherwise. A path that does not exist yet is checked through its deepest
 * existing ancestor, so a new file under a symlinked folder is judged by where it would land.
 * The returned path keeps the workspace's own spelling (symlinks inside are not expanded).
 */
export function resolveInsideWorkspace(root: string, requested: string, platform: NodeJS.Platform = process.platform): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  checkText(requested, platform);
  const absoluteRoot = p.resolve(root);
  const realRoot = realpathOr(absoluteRoot);
  const spelled = requested.trim() === '' ? '.' : requested;

  let absolute = p.resolve(absoluteRoot, spelled);
  if (!isInside(p, absoluteRoot, absolute)) {
    // An absolute path may name the root by its real location (/private/tmp vs /tmp on macOS).
    if (p.isAbsolute(spelled) && isInside(p, realRoot, absolute)) {
      absolute = p.join(absoluteRoot, p.relative(realRoot, absolute));
    } else {
      throw new PathSafetyError(
        p.isAbsolute(spelled) ? 'absolute-outside' : 'parent',
        p.isAbsolute(spelled)
          ? `'${requested}' is outside the workspace (${absoluteRoot}). Use a path relative to the workspace root.`
          : `'${requested}' leads outside the workspace with '..'. Use a path inside the workspace root.`,
        { requested, root: absoluteRoot },
      );
    }
  }

  const real = realTarget(p, absolute);
  if (!isInside(p, realRoot, real)) {
    throw new PathSafetyError('symlink-outside', `'${requested}' goes through a symlink that points outside the workspace (to ${real}). Only files inside the workspace can be used.`, {
      requested,
      root: absoluteRoot,
      target: real,
    });
  }
  return absolute;
}

/** `absolute` as a workspace-relative path with forward slashes ('.' for the root itself). */
export function toWorkspaceRelative(root: string, absolute: string, platform: NodeJS.Platform = process.platform): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const absoluteRoot = p.resolve(root);
  const target = p.resolve(absoluteRoot, absolute);
  if (!isInside(p, absoluteRoot, target)) {
    throw new PathSafetyError('absolute-outside', `'${absolute}' is outside the workspace (${absoluteRoot}).`, { requested: absolute, root: absoluteRoot });
  }
  const relative = p.relative(absoluteRoot, target);
  return relative === '' ? '.' : relative.split(p.sep).join('/');
}

/**
 * Resolves, checks and rewrites a model-supplied path in the workspace's own form: the
 * workspace-relative, forward-slash spelling the Workspace interface expects.
 */
export function normalizeWorkspacePath(root: string, requested: string, platform: NodeJS.Platform = process.platform): string {
  return toWorkspaceRelative(root, resolveInsideWorkspace(root, requested, platform), platform);
}

/** Rejects spellings that mean something other than a workspace path before any resolution. */
function checkText(requested: string, platform: NodeJS.Platform): void {
  if (typeof requested !== 'string') {
    throw new PathSafetyError('not-text', 'A path must be a string.', { requested: String(requested) });
  }
  if (requested.includes('\0')) {
    throw new PathSafetyError('nul', 'The path contains a NUL character; use a plain workspace-relative path.', { requested: requested.replace(/\0/g, '\\0') });
  }
  // Workspace paths use forward slashes everywhere; these only mean something on Windows,
  // where they reach other drives, network shares or device namespaces.
  if (/^[\\/]{2}/.test(requested)) {
    throw new PathSafetyError('network-path', `'${requested}' is a network (UNC) or device path. Use a path relative to the workspace root.`, { requested });
  }
  if (/^[a-zA-Z]:/.test(requested) && !(platform === 'win32' && /^[a-zA-Z]:[\\/]/.test(requested))) {
    throw new PathSafetyError('drive', `'${requested}' names a drive. Use a path relative to the workspace root.`, { requested });
  }
  if (platform === 'win32') {
    const parts = requested.split(/[\\/]/).filter((part) => part !== '');
    // Skip the drive of an absolute path; its colon is the only one allowed.
    const named = /^[a-zA-Z]:$/.test(parts[0] ?? '') ? parts.slice(1) : parts;
    for (const part of named) {
      if (part.includes(':')) {
        throw new PathSafetyError('windows-name', `'${requested}' contains ':' (an alternate data stream on Windows). Use a plain file name.`, { requested });
      }
      if (WINDOWS_DEVICE.test(part.replace(/[. ]+$/, ''))) {
        throw new PathSafetyError('windows-name', `'${requested}' names a Windows device (${part}). Use another file name.`, { requested });
      }
      if (part !== '.' && part !== '..' && /[. ]$/.test(part)) {
        throw new PathSafetyError('windows-name', `'${requested}' has a name ending in a dot or space, which Windows silently drops. Use the exact file name.`, { requested });
      }
    }
  }
}

function isInside(p: path.PlatformPath, root: string, target: string): boolean {
  const relative = p.relative(root, target);
  return relative === '' || (!isParentStep(p, relative) && !p.isAbsolute(relative));
}

/** True when `relative` starts with a real '..' segment (not a name like '..foo'). */
export function isParentStep(p: path.PlatformPath, relative: string): boolean {
  return relative === '..' || relative.startsWith('..' + p.sep);
}

/** The real path of `absolute`, or `absolute` itself when it does not exist (or cannot be resolved). */
export function realpathOr(absolute: string): string {
  try {
    return fs.realpathSync.native(absolute);
  } catch {
    return absolute;
  }
}

/**
 * Where `absolute` really lands: the real path of its deepest existing ancestor joined with
 * the parts that do not exist yet. A dangling symlink is followed by hand, because writing
 * through it would create its target, wherever that is.
 */
function realTarget(p: path.PlatformPath, absolute: string): string {
  let current = absolute;
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    const missing: string[] = [];
    let existing = current;
    for (;;) {
      const info = lstatOrUndefined(existing);
      if (info) {
        if (info.isSymbolicLink()) {
          try {
            return p.join(fs.realpathSync.native(existing), ...missing);
          } catch {
            // Dangling link (or a loop): follow its text and look again.
            const target = p.resolve(p.dirname(existing), fs.readlinkSync(existing));
            current = p.join(target, ...missing);
            break;
          }
        }
        return p.join(fs.realpathSync.native(existing), ...missing);
      }
      const parent = p.dirname(existing);
      if (parent === existing) {
        return p.join(existing, ...missing);
      }
      missing.unshift(p.basename(existing));
      existing = parent;
    }
  }
  throw new PathSafetyError('link-loop', `'${absolute}' goes through too many symbolic links (a loop?).`, { requested: absolute });
}

function lstatOrUndefined(absolute: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(absolute);
  } catch {
    return undefined;
  }
}

/**
 * Where a write to `file` (already checked to be inside `root`) really lands, checked just
 * before the write: the target through any symlinks, which must still be inside the real
 * workspace, and the folders on the way to it, none of which may be a symlink at this moment.
 * A folder swapped for a symlink between the tool's check and the write is caught here; the
 * caller checks again after writing (`landedInside`) for the swap that comes later still.
 */
export async function writeTarget(root: string, file: string): Promise<string> {
  const realRoot = await fsp.realpath(root);
  let target: string;
  try {
    target = await fsp.realpath(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // A new file: its folder must exist inside (or be created by the write under the real root).
    let parent = path.dirname(file);
    const rest = [path.basename(file)];
    while (true) {
      try {
        target = path.join(await fsp.realpath(parent), ...rest);
        break;
      } catch (inner) {
        if ((inner as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(parent) === parent) throw inner;
        rest.unshift(path.basename(parent));
        parent = path.dirname(parent);
      }
    }
  }
  const inside = path.relative(realRoot, target);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) throw new PathSafetyError('write-outside', `${file} leads outside the workspace (to ${target}); nothing was written.`, { requested: file, root, target });
  const parts = path.dirname(inside) === '.' ? [] : path.dirname(inside).split(path.sep);
  for (let i = 1; i <= parts.length; i++) {
    const folder = path.join(realRoot, ...parts.slice(0, i));
    const info = await fsp.lstat(folder).catch(() => undefined);
    if (info?.isSymbolicLink()) throw new PathSafetyError('became-symlink', `${folder} became a symlink while the change was being made; nothing was written.`, { requested: file, root, folder });
  }
  return target;
}

/** After a write: whether `file` still leads inside the workspace (a late swap shows up here). */
export async function landedInside(root: string, file: string): Promise<boolean> {
  try {
    const inside = path.relative(await fsp.realpath(root), await fsp.realpath(file));
    return !(inside === '' || inside.startsWith('..') || path.isAbsolute(inside));
  } catch {
    return false;
  }
}
