import { globFilter, isUnderAny } from './fileWalk';
import { PathSafetyError } from './pathSafety';
import type {
  CommandOptions,
  CommandResult,
  DiagnosticItem,
  DirEntry,
  FileChange,
  FileStat,
  SearchOptions,
  TextMatch,
  Workspace,
  WorkspaceFolder,
} from './workspace';
import { assertFoldersInPlace, inFolderTerms, joinFolderPath, nameFolders, nestedFolders, pinFolders, splitFolderPath, startWithFolder } from './workspaceFolders';

/** One folder of a MultiRootWorkspace: its workspace, and the name VS Code (or the user) gives it. */
export interface FolderWorkspace<W extends Workspace = Workspace> {
  workspace: W;
  name?: string;
}

/**
 * A workspace of several folders, each with a workspace of its own: a path
 * `<folder name>/<path inside>` goes to that folder's workspace as `<path inside>`, so each
 * folder keeps its own path safety (a path cannot leave its folder, not even into another
 * folder of the workspace), and writes land inside one of the folders. `.` is the workspace
 * itself: its entries are the folders. Searches go through every folder, or the one a glob
 * starts with, and their results name their folder. A folder nested inside another is
 * listed once, under its own name: the outer folder's searches skip it, and a glob of the
 * outer folder that leads into it is the inner folder's glob. Commands run in the first
 * folder unless another is named.
 */
export class MultiRootWorkspace<W extends Workspace = Workspace> implements Workspace {
  readonly folders: readonly WorkspaceFolder[];
  private readonly byName = new Map<string, W>();
  /** Per folder's name: the other folders inside it, by their path inside it. */
  private readonly inner: ReadonlyMap<string, ReadonlyArray<{ inside: string; name: string }>>;
  /** Each folder's real root when the workspace was made (see pinFolders). */
  private readonly pinned: ReadonlyMap<string, string>;

  constructor(folders: ReadonlyArray<FolderWorkspace<W>>) {
    if (folders.length < 2) throw new Error('A MultiRootWorkspace needs at least two folders; use the folder\'s own workspace for one.');
    this.folders = nameFolders(folders.map((folder) => ({ root: folder.workspace.root, ...(folder.name !== undefined ? { name: folder.name } : {}) })));
    this.folders.forEach((folder, index) => this.byName.set(folder.name, folders[index].workspace));
    this.inner = nestedFolders(this.folders);
    this.pinned = pinFolders(this.folders);
  }

  /** The first folder's root: where commands run unless told otherwise. */
  get root(): string {
    return this.folders[0].root;
  }

  /** The workspaces of the folders, in order, with their names. */
  get members(): ReadonlyArray<{ folder: WorkspaceFolder; workspace: W }> {
    return this.folders.map((folder) => ({ folder, workspace: this.member(folder.name) }));
  }

  /** The workspace of the folder called `name`. */
  member(name: string): W {
    const found = this.byName.get(name);
    if (!found) throw new PathSafetyError('no-folder', `There is no folder '${name}' in the workspace. ${startWithFolder(this.folders)}`, { requested: name });
    return found;
  }

  /** The folder's workspace and the path inside it; undefined for the workspace itself ('.'). */
  route(relative: string): { folder: WorkspaceFolder; workspace: W; inside: string } | undefined {
    const split = splitFolderPath(this.folders, relative);
    if (split) this.assertInPlace([split.folder]);
    return split && { folder: split.folder, workspace: this.member(split.folder.name), inside: split.inside };
  }

  async readFile(relative: string): Promise<string> {
    return this.inFolder(relative, this.fileRoute(relative), (workspace, inside) => workspace.readFile(inside));
  }

  async stat(relative: string): Promise<FileStat | undefined> {
    const at = this.route(relative);
    return at ? this.inFolder(relative, at, (workspace, inside) => workspace.stat(inside)) : { type: 'directory', size: 0 };
  }

  async listDir(relative: string): Promise<DirEntry[]> {
    const at = this.route(relative);
    if (!at) return this.folders.map((folder) => ({ name: folder.name, type: 'directory' as const }));
    return this.inFolder(relative, at, (workspace, inside) => workspace.listDir(inside));
  }

  async findFiles(glob: string, maxResults: number): Promise<string[]> {
    if (maxResults <= 0) return [];
    const found: string[] = [];
    for (const { name, workspace, glob: inner } of this.globTargets(glob)) {
      if (found.length >= maxResults) break;
      const skip = this.skipped(name);
      const files = await workspace.findFiles(inner ?? '**/*', maxResults - found.length, skip.length > 0 ? { skip } : undefined);
      for (const file of files) if (!isUnderAny(file, skip)) found.push(joinFolderPath(name, file));
    }
    return found.slice(0, maxResults);
  }

  async searchText(query: string, options: SearchOptions): Promise<TextMatch[]> {
    const limit = options.maxResults ?? Number.POSITIVE_INFINITY;
    const matches: TextMatch[] = [];
    for (const { name, workspace, glob } of this.globTargets(options.glob)) {
      if (matches.length >= limit) break;
      const left = limit - matches.length;
      const skip = this.skipped(name);
      const found = await workspace.searchText(query, {
        ...options,
        ...(glob !== undefined ? { glob } : {}),
        ...(Number.isFinite(left) ? { maxResults: left } : {}),
        ...(skip.length > 0 ? { skip } : {}),
      });
      for (const match of found) if (!isUnderAny(match.path, skip)) matches.push({ ...match, path: joinFolderPath(name, match.path) });
    }
    return matches.slice(0, limit);
  }

  async applyChange(change: FileChange): Promise<void> {
    await this.inFolder(change.path, this.fileRoute(change.path), (workspace, inside) => workspace.applyChange({ ...change, path: inside }));
  }

  async runCommand(command: string, options: CommandOptions): Promise<CommandResult> {
    const { folder, ...rest } = options;
    // Every folder: the sandbox binds each one writable, through whatever its path leads to now.
    assertFoldersInPlace(this.folders, this.pinned);
    return this.member(folder ?? this.folders[0].name).runCommand(command, rest);
  }

  async diagnostics(relative?: string): Promise<DiagnosticItem[]> {
    if (relative !== undefined) {
      const at = this.route(relative);
      if (at) return prefixed(at.folder.name, await this.inFolder(relative, at, (workspace, inside) => workspace.diagnostics(inside === '.' ? undefined : inside)));
    }
    const all: DiagnosticItem[] = [];
    this.assertInPlace(this.folders);
    for (const { folder, workspace } of this.members) {
      const skip = this.skipped(folder.name);
      all.push(...prefixed(folder.name, (await workspace.diagnostics()).filter((item) => !isUnderAny(item.path, skip))));
    }
    return all;
  }

  /** Present when the folders' workspaces have it (VS Code's), as the interface expects. */
  get settledDiagnostics(): Workspace['settledDiagnostics'] {
    if (!this.members.every(({ workspace }) => workspace.settledDiagnostics)) return undefined;
    return async (relative, options) => {
      const at = this.fileRoute(relative);
      return prefixed(at.folder.name, await this.inFolder(relative, at, (workspace, inside) => workspace.settledDiagnostics!(inside, options)));
    };
  }

  /**
   * `run` on the folder's workspace with the path inside it; a refusal of its path check is
   * said in the workspace's terms (see inFolderTerms), with `relative` as the path asked for.
   */
  protected inFolder<T>(relative: string, at: { folder: WorkspaceFolder; workspace: W; inside: string }, run: (workspace: W, inside: string) => T): T {
    const reword = (error: unknown): never => {
      throw inFolderTerms(error, this.folders, at.folder, relative);
    };
    try {
      const result = run(at.workspace, at.inside);
      return (result instanceof Promise ? result.catch(reword) : result) as T;
    } catch (error) {
      return reword(error);
    }
  }

  /** Throws folder-moved when one of `folders` no longer leads where it did (see pinFolders). */
  private assertInPlace(folders: readonly WorkspaceFolder[]): void {
    assertFoldersInPlace(folders, this.pinned);
  }

  /** Like route, for a path that must be in a folder: the workspace itself is refused, `isNot` saying what it is not. */
  protected fileRoute(relative: string, isNot = 'which holds only its folders'): { folder: WorkspaceFolder; workspace: W; inside: string } {
    const at = this.route(relative);
    if (!at) throw new PathSafetyError('workspace-itself', `'${relative}' is the workspace itself, ${isNot}. ${startWithFolder(this.folders)}`, { requested: relative });
    return at;
  }

  /** The paths inside folder `name` that are other folders of the workspace. */
  private skipped(name: string): string[] {
    return (this.inner.get(name) ?? []).map((nested) => nested.inside);
  }

  /**
   * Where a glob applies: a glob that starts with a folder's name (`app/src/**`) to that
   * folder, with the rest of it; any other (`**\/*.ts`, `src/**`) to every folder. A glob
   * whose fixed part leads into a nested folder (`app/nested/src/**`) is that folder's.
   */
  private globTargets(glob: string | undefined): Array<{ name: string; workspace: W; glob: string | undefined }> {
    const targets = this.globFolders(glob);
    this.assertInPlace(targets.map((target) => this.folders.find((folder) => folder.name === target.name)!));
    return targets;
  }

  private globFolders(glob: string | undefined): Array<{ name: string; workspace: W; glob: string | undefined }> {
    if (glob !== undefined) {
      const first = glob.replace(/^(\.\/)+/, '').split('/')[0];
      const folder = this.folders.find((f) => f.name === first);
      if (folder) {
        let name = folder.name;
        let rest = glob.replace(/^(\.\/)+/, '').slice(first.length + 1);
        for (let into = this.nestedAt(name, rest); into; into = this.nestedAt(name, rest)) {
          name = into.name;
          rest = rest.slice(into.inside.length + 1);
        }
        return [{ name, workspace: this.member(name), glob: rest === '' ? '**/*' : rest }];
      }
    }
    return this.members.map(({ folder, workspace }) => ({ name: folder.name, workspace, glob }));
  }

  /** The folder nested in `name` that every match of `glob` (a glob inside `name`) lies in. */
  private nestedAt(name: string, glob: string): { inside: string; name: string } | undefined {
    if (glob === '') return undefined;
    const fixed = globFilter(glob).base;
    return (this.inner.get(name) ?? []).find((nested) => isUnderAny(fixed, [nested.inside]));
  }
}

function prefixed(name: string, items: DiagnosticItem[]): DiagnosticItem[] {
  return items.map((item) => ({ ...item, path: joinFolderPath(name, item.path) }));
}
