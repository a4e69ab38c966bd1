import { normalizeWorkspacePath } from '../pathSafety';
import type { Workspace } from '../workspace';
import { ToolError } from './toolOutput';

/**
 * The model's path checked against the workspace (no way out through `..`, absolute paths
 * or symlinks) and rewritten as the workspace-relative, forward-slash form every Workspace
 * takes. Tools check here as well as in the Workspace so the refusal reads the same
 * whichever Workspace runs them.
 */
export function workspacePath(tool: string, workspace: Workspace, requested: string): string {
  try {
    return normalizeWorkspacePath(workspace.root, requested.trim());
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
