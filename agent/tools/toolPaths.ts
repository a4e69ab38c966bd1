import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { normalizeWorkspacePath } from '../workspace/pathSafety';
import type { Workspace } from '../workspace/workspace';
import { joinFolderPath, normalizeFolderPath, splitFolderPath } from '../workspace/workspaceFolders';
import { ToolError } from './toolOutput';

/**
 * The model's path checked against the workspace (no way out through `..`, absolute paths
 * or symlinks) and rewritten as the workspace-relative, forward-slash form every Workspace
 * takes. Tools check here as well as in the Workspace so the refusal reads the same
 * whichever Workspace runs them. With several folders the path starts with its folder's name
 * and is checked against that folder alone.
 */
export function workspacePath(tool: string, workspace: Workspace, requested: string): string {
  try {
    return workspace.folders ? normalizeFolderPath(workspace.folders, requested.trim()) : normalizeWorkspacePath(workspace.root, requested.trim());
  } catch (error) {
    throw new ToolError(`${tool}: ${(error as Error).message}`);
  }
}

/**
 * Paths the agent may read but never write: a file in .git (a hook, the config) would run
 * code the next time the user uses git, outside any approval.
 */
export function assertWritable(tool: string, relative: string): void {
  if (relative.split('/').some((part) => part.toLowerCase() === '.git')) {
    throw new ToolError(`${tool}: ${relative} is inside .git; the agent does not change git's internal files. Use run_command with git instead.`);
  }
  if (relative === '.') {
    throw new ToolError(`${tool}: the path is the workspace folder itself; give a file path.`);
  }
}

/**
 * The workspace-relative path a write really reaches once symlinks are followed (for a new
 * file, its nearest existing folder), so `gitlink/config` with `gitlink -> .git` counts as
 * `.git/config`. Undefined when it cannot be told (the folder is not on disk).
 */
export function realWorkspacePath(workspace: Workspace, relative: string): string | undefined {
  if (workspace.folders) {
    try {
      const split = splitFolderPath(workspace.folders, relative);
      if (!split) return undefined;
      const real = realPathIn(split.folder.root, split.inside);
      return real === undefined ? undefined : joinFolderPath(split.folder.name, real);
    } catch {
      return undefined;
    }
  }
  return realPathIn(workspace.root, relative);
}

function realPathIn(folder: string, relative: string): string | undefined {
  try {
    const root = fs.realpathSync(folder);
    let probe = nodePath.join(folder, relative);
    const rest: string[] = [];
    while (!fs.existsSync(probe) && probe !== folder) {
      rest.unshift(nodePath.basename(probe));
      probe = nodePath.dirname(probe);
    }
    const real = nodePath.join(fs.realpathSync(probe), ...rest);
    const inside = nodePath.relative(root, real);
    return inside.startsWith('..') || nodePath.isAbsolute(inside) ? undefined : inside.split(nodePath.sep).join('/');
  } catch {
    return undefined;
  }
}

/** assertWritable on the path as given and on the path it really reaches; returns the latter when it differs. */
export function assertWritableReal(tool: string, workspace: Workspace, relative: string): string | undefined {
  assertWritable(tool, relative);
  if (workspace.folders && splitFolderPath(workspace.folders, relative)?.inside === '.') {
    throw new ToolError(`${tool}: ${relative} is a folder of the workspace itself; give a file path inside it.`);
  }
  const found = realWorkspacePath(workspace, relative);
  const real = found === relative ? undefined : found;
  if (real !== undefined) {
    try {
      assertWritable(tool, real);
    } catch (error) {
      if (error instanceof ToolError) throw new ToolError(`${error.message} (${relative} leads there through a symlink)`);
      throw error;
    }
  }
  return real;
}

/**
 * A glob in the form both Workspaces match against whole workspace-relative paths. A glob
 * without a '/' (like '*.ts' or 'package.json') is taken to mean "at any depth", which is
 * what the model nearly always wants.
 */
export function workspaceGlob(tool: string, glob: string): string {
  let pattern = glob.trim();
  if (pattern.startsWith('/') || /^[a-zA-Z]:/.test(pattern)) {
    throw new ToolError(`${tool}: '${glob}' is an absolute path; write the glob relative to the workspace root, e.g. 'src/**/*.ts'.`);
  }
  if (pattern.split('/').includes('..')) {
    throw new ToolError(`${tool}: '${glob}' uses '..'; globs stay inside the workspace.`);
  }
  pattern = pattern.replace(/^(\.\/)+/, '');
  if (pattern === '' || pattern === '.') return '**/*';
  return pattern.includes('/') ? pattern : `**/${pattern}`;
}
