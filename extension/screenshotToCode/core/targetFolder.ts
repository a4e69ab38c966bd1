import type { WorkspaceFolder } from '../../../agent/workspace/workspace';
import { folderFirst, splitFolderPath } from '../../../agent/workspace/workspaceFolders';

/**
 * The folder of a multi-root window a screenshot's code goes into. The user chose the image,
 * so an image inside one of the folders (the innermost, for nested ones) names its folder.
 * An image from elsewhere (the desktop, a download) names none: the user is asked, with the
 * folder of the file open in the editor first, then the window's order.
 */
export type TargetFolder = { kind: 'folder'; folder: WorkspaceFolder } | { kind: 'ask'; choices: WorkspaceFolder[] };

export function targetFolder(folders: readonly WorkspaceFolder[], imagePath: string | undefined, activeFolder?: string): TargetFolder {
  if (imagePath !== undefined) {
    try {
      const split = splitFolderPath(folders, imagePath);
      if (split) return { kind: 'folder', folder: split.folder };
    } catch {
      // Outside every folder: asked below.
    }
  }
  return { kind: 'ask', choices: folderFirst(folders, activeFolder) };
}
