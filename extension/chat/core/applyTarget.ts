import { PathSafetyError } from '../../../agent/workspace/pathSafety';
import type { WorkspaceFolder } from '../../../agent/workspace/workspace';
import { folderFirst, joinFolderPath, splitFolderPath } from '../../../agent/workspace/workspaceFolders';

/**
 * Which file a code block's path hint (the `src/a.ts` a reply puts above or in its block)
 * means for Apply:
 * - `named`: the hint says it (one folder, or a path that starts with a folder's name), even
 *   when the file does not exist yet (Apply creates it);
 * - `found`: with several folders, a hint that names no folder is looked for in each of
 *   them; these are the folders' paths of the files that exist, the folder of the file open
 *   in the editor first. None found leaves Apply to do what it does without a hint.
 * Any other refusal of the hint (a `..` out of the workspace) is thrown, for the user to see.
 */
export type HintTarget = { kind: 'named'; path: string } | { kind: 'found'; paths: string[] };

export async function hintTarget(
  folders: readonly WorkspaceFolder[] | undefined,
  hint: string,
  isFile: (path: string) => Promise<boolean>,
  activeFolder?: string,
): Promise<HintTarget> {
  if (!folders) return { kind: 'named', path: hint };
  try {
    splitFolderPath(folders, hint);
    return { kind: 'named', path: hint };
  } catch (error) {
    if (!(error instanceof PathSafetyError) || error.code !== 'no-folder') throw error;
  }
  const inside = hint.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const paths: string[] = [];
  for (const folder of folderFirst(folders, activeFolder)) {
    const candidate = joinFolderPath(folder.name, inside);
    if (await isFile(candidate).catch(() => false)) paths.push(candidate);
  }
  return { kind: 'found', paths };
}
