import { detectTarget, type TargetPlan, type WorkspaceFacts } from '../../../agent/screenshotToCode';
import type { Workspace } from '../../../agent/workspace/workspace';

/** Enough of the file list to see src/, src/components/, tsconfig.json and .tsx files. */
const MAX_LISTED_FILES = 2000;

/**
 * Picks HTML or React for this workspace from its package.json. The file list is only
 * searched when there is a package.json, since without one the answer is always HTML.
 */
export async function detectWorkspaceTarget(workspace: Workspace): Promise<TargetPlan> {
  const facts: WorkspaceFacts = { files: [] };
  const stat = await workspace.stat('package.json');
  if (stat?.type === 'file') {
    try {
      const parsed: unknown = JSON.parse(await workspace.readFile('package.json'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) facts.packageJson = parsed;
    } catch {
      // A package.json that does not parse names no framework; plain HTML is the safe choice.
    }
    if (facts.packageJson) facts.files = await workspace.findFiles('**/*', MAX_LISTED_FILES);
  }
  return detectTarget(facts);
}
