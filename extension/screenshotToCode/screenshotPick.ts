import * as path from 'node:path';
import * as vscode from 'vscode';

export const SCREENSHOT_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif'];

/**
 * The image to turn into code: the Uri or absolute path the command was called with (the
 * explorer's context menu), else one the user picks. Clipboard images cannot be read
 * through the extension API, so there is no clipboard fallback here.
 */
export async function pickScreenshot(argument: unknown, root: string): Promise<vscode.Uri | undefined> {
  const given = uriFromArgument(argument);
  if (given) return given;
  const picked = await vscode.window.showOpenDialog({
    title: 'Gemma Agent: Screenshot to Code',
    openLabel: 'Turn into Code',
    canSelectMany: false,
    canSelectFiles: true,
    canSelectFolders: false,
    defaultUri: vscode.Uri.file(root),
    filters: { Images: SCREENSHOT_EXTENSIONS },
  });
  return picked?.[0];
}

/** A Uri, or an absolute path string from a caller that has no Uri. */
function uriFromArgument(argument: unknown): vscode.Uri | undefined {
  if (argument instanceof vscode.Uri) return argument;
  if (typeof argument === 'string' && path.isAbsolute(argument)) return vscode.Uri.file(argument);
  return undefined;
}
