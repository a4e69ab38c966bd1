import * as path from 'node:path';
import { PathSafetyError, isParentStep, normalizeWorkspacePath, realpathOr } from './pathSafety';
import type { WorkspaceFolder } from './workspace';

/**
 * The names of a workspace with several folders, and the paths that start with them. Every
 * path of such a workspace is `<folder name>/<path inside the folder>`, VS Code's own spelling
 * of a multi-root path; `.` is the workspace itself, whose entries are the folders.
 */

/** What joins a repeated folder name to its number: `app`, `app~2`. Not a character folder names usually hold. */
const DUPLICATE_MARK = '~';

/**
 * One name per folder, in the folders' order. A name is the folder's own (the name VS Code
 * gives it, or the last part of its path), made usable as the first part of a path: no
 * slashes, not empty, `.` or `..`. Two folders with the same name (`a/app` and `b/app`) stay
 * apart: the first keeps the name, the later ones get `~2`, `~3`, ... (skipping any taken).
 * Names are compared ignoring case and Unicode normalisation (see folderKey), so they also
 * stay apart on a case-insensitive disk.
 */
export function nameFolders(folders: ReadonlyArray<{ root: string; name?: string }>): WorkspaceFolder[] {
  const bases = folders.map((folder) => usableName(folder.name ?? '', folder.root));
  // A number is never added where it would make another folder's own name (`app~2` kept for the folder called so).
  const own = new Set(bases.map(folderKey));
  const used = new Set<string>();
  const named: WorkspaceFolder[] = [];
  folders.forEach((folder, index) => {
    const base = bases[index];
    let name = base;
    for (let n = 2; used.has(folderKey(name)) || (name !== base && own.has(folderKey(name))); n++) name = `${base}${DUPLICATE_MARK}${n}`;
    used.add(folderKey(name));
    named.push({ name, root: path.resolve(folder.root) });
  });
  return named;
}

/**
 * What two spellings of one folder name share: the same letters whatever their case or
 * Unicode form. macOS hands out decomposed names (`cafe` + U+0301) where a model writes the
 * composed one (U+00E9), and the two must name the same folder.
 */
function folderKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** The folder called `name`: by its exact name, else by the same name in another case or Unicode form. */
export function findFolder(folders: readonly WorkspaceFolder[], name: string): WorkspaceFolder | undefined {
  return folders.find((f) => f.name === name) ?? folders.find((f) => folderKey(f.name) === folderKey(name));
}

function usableName(given: string, root: string): string {
  const cleaned = given.trim().replace(/[\\/]+/g, '-');
  if (cleaned !== '' && cleaned !== '.' && cleaned !== '..') return cleaned;
  const base = path.basename(path.resolve(root)).replace(/[\\/]+/g, '-');
  return base === '' || base === '.' || base === '..' ? 'folder' : base;
}

/** A workspace path split at its folder: the folder and the path inside it ('.' for the folder itself). */
export interface FolderPath {
  folder: WorkspaceFolder;
  inside: string;
}

/**
 * Which folder `requested` names and the path inside it, or undefined for the workspace
 * itself ('.' or ''). An absolute path belongs to the innermost folder that holds it. The
 * path inside is not checked here (its folder's path safety does that): `app/../lib/x` is
 * `../lib/x` inside `app`, which leaves `app` and is refused there, even though `lib` is a
 * folder of the workspace. Throws PathSafetyError for a path that names no folder, listing
 * the folders.
 */
export function splitFolderPath(folders: readonly WorkspaceFolder[], requested: string): FolderPath | undefined {
  const text = requested.trim();
  if (path.isAbsolute(text) || /^[a-zA-Z]:[\\/]/.test(text)) {
    // A folder may be named by its real location too (/private/tmp for /tmp on macOS).
    const holder = folders
      .flatMap((folder) => [folder.root, realpathOr(folder.root)].filter((spelling) => isInside(spelling, text)).map((spelling) => ({ folder, spelling })))
      .sort((a, b) => b.spelling.length - a.spelling.length)[0];
    if (!holder) throw new PathSafetyError('outside-folders', `'${requested}' is outside the workspace's folders (${folders.map((f) => f.root).join(', ')}). ${startWithFolder(folders)}`, { requested });
    const inside = path.relative(holder.spelling, path.resolve(text));
    return { folder: holder.folder, inside: inside === '' ? '.' : inside.split(path.sep).join('/') };
  }
  const parts = text.replace(/\\/g, '/').split('/');
  // './app/src' and 'app//src' name the same file as 'app/src'.
  while (parts.length > 0 && (parts[0] === '.' || parts[0] === '')) parts.shift();
  if (parts.length === 0) return undefined;
  const [first, ...rest] = parts;
  if (first === '..') throw new PathSafetyError('parent', `'${requested}' leads outside the workspace with '..'. ${startWithFolder(folders)}`, { requested });
  const folder = findFolder(folders, first);
  if (!folder) throw new PathSafetyError('no-folder', `'${requested}' names no folder of the workspace. ${startWithFolder(folders)}`, { requested });
  const inside = rest.filter((part) => part !== '').join('/');
  return { folder, inside: inside === '' ? '.' : inside };
}

/** The folders with the one called `name` (the active editor's, say) first, the rest in order. */
export function folderFirst(folders: readonly WorkspaceFolder[], name: string | undefined): WorkspaceFolder[] {
  return [...folders.filter((folder) => folder.name === name), ...folders.filter((folder) => folder.name !== name)];
}

/** `name/inside` ('name' alone for the folder itself). */
export function joinFolderPath(name: string, inside: string): string {
  return inside === '.' || inside === '' ? name : `${name}/${inside}`;
}

/**
 * A model-supplied path checked against its folder (no way out of it through `..`, an
 * absolute path or a symlink, not even into another folder) and written `name/inside`;
 * '.' for the workspace itself.
 */
export function normalizeFolderPath(folders: readonly WorkspaceFolder[], requested: string): string {
  const split = splitFolderPath(folders, requested);
  if (!split) return '.';
  try {
    return joinFolderPath(split.folder.name, normalizeWorkspacePath(split.folder.root, split.inside));
  } catch (error) {
    throw inFolderTerms(error, folders, split.folder, requested);
  }
}

/**
 * A refusal from one folder's own path check, said for a workspace of several folders. The
 * folder's check knows only its folder, so it says "outside the workspace"; here the
 * workspace is all the folders and the path may well lead into another of them, so the
 * words are "outside its folder", the path is the one the caller gave (with its folder's
 * name), and a place it leads to in another folder is named by that folder's path. Any other
 * error comes back as it was.
 */
export function inFolderTerms(error: unknown, folders: readonly WorkspaceFolder[], folder: WorkspaceFolder, requested: string): unknown {
  if (!(error instanceof PathSafetyError)) return error;
  const facts = { ...error.facts, requested, folder: folder.name };
  const leadsTo = (target: string | undefined): string | undefined => {
    if (target === undefined) return undefined;
    try {
      const split = splitFolderPath(folders, target);
      return split && split.folder !== folder ? joinFolderPath(split.folder.name, split.inside) : undefined;
    } catch {
      return undefined;
    }
  };
  const own = `its folder ${folder.name}`;
  switch (error.code) {
    case 'parent': {
      const meant = leadsTo(path.posix.normalize(requested.replace(/\\/g, '/')).replace(/^\.\//, ''));
      const hint = meant ? ` For the file in another folder, start with that folder's name: '${meant}'.` : ` ${startWithFolder(folders)}`;
      return new PathSafetyError('parent', `'${requested}' leads outside ${own} with '..'; a path stays inside its folder.${hint}`, facts);
    }
    case 'absolute-outside':
      return new PathSafetyError('absolute-outside', `'${requested}' is outside ${own} (${folder.root}). ${startWithFolder(folders)}`, facts);
    case 'symlink-outside': {
      const other = leadsTo(error.facts.target);
      return new PathSafetyError(
        'symlink-outside',
        `'${requested}' goes through a symlink that points outside ${own} (to ${error.facts.target ?? 'elsewhere'}). A path stays inside its folder, through symlinks too` +
          (other ? `; that file is '${other}' in the workspace, use that path.` : '.'),
        { ...facts, ...(other ? { elsewhere: other } : {}) },
      );
    }
    case 'write-outside':
      return new PathSafetyError('write-outside', `${requested} leads outside ${own} (to ${error.facts.target ?? 'elsewhere'}); nothing was written.`, facts);
    case 'redirected':
      return new PathSafetyError(
        'redirected',
        `${requested} was redirected outside ${own} while it was being written (a folder on its path became a symlink). Check the folder and the file it now leads to.`,
        facts,
      );
    default:
      return error;
  }
}

/**
 * The folders nested inside others (one workspace folder within another's tree), per outer
 * folder's name: each inner folder's path inside the outer one, and its name. Both spellings
 * of a root count (the path as given and its real location). Folders that nest none are left
 * out.
 */
export function nestedFolders(folders: readonly WorkspaceFolder[]): Map<string, Array<{ inside: string; name: string }>> {
  const nested = new Map<string, Array<{ inside: string; name: string }>>();
  for (const outer of folders) {
    const found: Array<{ inside: string; name: string }> = [];
    for (const inner of folders) {
      if (inner === outer) continue;
      const inside = strictlyInside(outer.root, inner.root) ?? strictlyInside(realpathOr(outer.root), realpathOr(inner.root));
      if (inside !== undefined) found.push({ inside, name: inner.name });
    }
    if (found.length > 0) nested.set(outer.name, found);
  }
  return nested;
}

/** `target` as a path inside `root` with forward slashes, when it is strictly inside. */
function strictlyInside(root: string, target: string): string | undefined {
  const relative = path.relative(path.resolve(root), path.resolve(target));
  if (relative === '' || isParentStep(path, relative) || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

/**
 * Each folder's real location now, by name: what `assertFoldersInPlace` compares with later. A folder
 * nested in another has its root inside a folder that commands may change, so a command can
 * swap a folder on the way to it for a symlink; every later path, command and restore of the
 * inner folder would then follow that symlink wherever it points.
 */
export function pinFolders(folders: readonly WorkspaceFolder[]): ReadonlyMap<string, string> {
  return new Map(folders.map((folder) => [folder.name, realpathOr(folder.root)]));
}

/**
 * Throws a refusal (`folder-moved`) for the first of `folders` whose root no longer leads to
 * where `pinned` (from pinFolders) recorded; returns while every one is in place.
 */
export function assertFoldersInPlace(folders: readonly WorkspaceFolder[], pinned: ReadonlyMap<string, string>): void {
  for (const folder of folders) {
    const was = pinned.get(folder.name);
    const now = realpathOr(folder.root);
    if (was === undefined || now === was) continue;
    throw new PathSafetyError(
      'folder-moved',
      `The folder ${folder.name} (${folder.root}) no longer leads where it did when the workspace was opened (${was}; now ${now}): a folder on its path was moved or replaced by a symlink. Nothing was read, written or run in it; ask the user to put the folder back.`,
      { requested: folder.name, folder: folder.name, root: folder.root, target: now, was },
    );
  }
}

/** The sentence every "names no folder" refusal ends with. */
export function startWithFolder(folders: readonly WorkspaceFolder[]): string {
  return `${folderList(folders)}; start the path with one of them, e.g. '${folders[0].name}/...'.`;
}

/** "This workspace has 2 folders: app, lib". */
export function folderList(folders: readonly WorkspaceFolder[]): string {
  return `This workspace has ${folders.length} folders: ${folders.map((folder) => folder.name).join(', ')}`;
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, path.resolve(target));
  return relative === '' || (!isParentStep(path, relative) && !path.isAbsolute(relative));
}
