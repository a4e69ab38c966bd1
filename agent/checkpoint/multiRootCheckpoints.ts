import type { WorkspaceFolder } from '../workspace/workspace';
import { isUnderAny } from '../workspace/fileWalk';
import { assertFoldersInPlace, joinFolderPath, nestedFolders, pinFolders } from '../workspace/workspaceFolders';
import { ShadowCheckpoints, type CheckpointChange } from './shadowGit';

/** Lasting checkpoints of a workspace: one folder's (ShadowCheckpoints) or several folders' together. */
export interface WorkspaceCheckpoints {
  available(): Promise<boolean>;
  /** Hashes the work tree ahead of the first snapshot (see ShadowCheckpoints.prepare). */
  prepare(): Promise<void>;
  snapshot(label: string): Promise<string>;
  changesSince(id: string): Promise<CheckpointChange[]>;
  fileAt(id: string, file: string): Promise<string | undefined>;
  restore(id: string, keep?: ReadonlySet<string>): Promise<CheckpointChange[]>;
}

/**
 * Checkpoints of a workspace of several folders: each folder has its shadow repository (as a
 * single folder would), and a checkpoint is one snapshot of each, its id naming them by
 * folder (`{"app":"<commit>","lib":"<commit>"}`). Paths are the workspace's, starting with
 * the folder's name. A folder added since a checkpoint has nothing to go back to and is left
 * as it is. A folder nested inside another is in both snapshots, but its files are listed and
 * restored once, as the inner folder's (the name they have everywhere else).
 */
export class MultiRootCheckpoints implements WorkspaceCheckpoints {
  private readonly members: ReadonlyArray<{ name: string; checkpoints: ShadowCheckpoints; skip: readonly string[] }>;
  /** Each folder's real root when these checkpoints were made: a restore through a moved one would write and delete wherever it now leads. */
  private readonly pinned: ReadonlyMap<string, string>;

  constructor(
    private readonly folders: readonly WorkspaceFolder[],
    storageDir: string,
    gitBinary = 'git',
  ) {
    this.pinned = pinFolders(folders);
    const nested = nestedFolders(folders);
    this.members = folders.map((folder) => ({
      name: folder.name,
      checkpoints: new ShadowCheckpoints(folder.root, storageDir, gitBinary),
      skip: (nested.get(folder.name) ?? []).map((inner) => inner.inside),
    }));
  }

  available(): Promise<boolean> {
    // One git serves every folder.
    return this.members[0].checkpoints.available();
  }

  async prepare(): Promise<void> {
    for (const { checkpoints } of this.members) await checkpoints.prepare();
  }

  async snapshot(label: string): Promise<string> {
    const ids: Record<string, string> = {};
    for (const { name, checkpoints } of this.members) ids[name] = await checkpoints.snapshot(label);
    return JSON.stringify(ids);
  }

  async changesSince(id: string): Promise<CheckpointChange[]> {
    this.assertInPlace();
    const ids = parseIds(id);
    const changes: CheckpointChange[] = [];
    for (const { name, checkpoints, skip } of this.members) {
      const own = ids[name];
      if (own === undefined) continue;
      for (const change of await checkpoints.changesSince(own)) if (!isUnderAny(change.path, skip)) changes.push({ ...change, path: joinFolderPath(name, change.path) });
    }
    return changes;
  }

  fileAt(id: string, file: string): Promise<string | undefined> {
    const slash = file.indexOf('/');
    const member = this.members.find((m) => m.name === file.slice(0, slash));
    const own = parseIds(id)[member?.name ?? ''];
    if (slash < 0 || !member || own === undefined) return Promise.resolve(undefined);
    return member.checkpoints.fileAt(own, file.slice(slash + 1));
  }

  async restore(id: string, keep: ReadonlySet<string> = new Set()): Promise<CheckpointChange[]> {
    this.assertInPlace();
    const ids = parseIds(id);
    const restored: CheckpointChange[] = [];
    for (const { name, checkpoints, skip } of this.members) {
      const own = ids[name];
      if (own === undefined) continue;
      const prefix = `${name}/`;
      const kept = new Set([...keep].filter((file) => file.startsWith(prefix)).map((file) => file.slice(prefix.length)));
      for (const change of await checkpoints.restore(own, kept, skip)) restored.push({ ...change, path: joinFolderPath(name, change.path) });
    }
    return restored;
  }

  /** Before listing or restoring anything: every folder still where it was (see pinFolders), or nothing is restored at all. */
  private assertInPlace(): void {
    assertFoldersInPlace(this.folders, this.pinned);
  }
}

/** The folders' commits of a checkpoint id; none for an id of another shape (a single folder's, from before a folder was added). */
function parseIds(id: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(id);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}
