import * as path from 'node:path';
import * as vscode from 'vscode';
import { MultiRootWorkspace } from '../../agent/workspace/multiRootWorkspace';
import { joinFolderPath, nameFolders } from '../../agent/workspace/workspaceFolders';
import { AGENT_TERMINAL_NAME } from './core/terminalRunner';
import { VsCodeWorkspace, type VsCodeWorkspaceOptions } from './vscodeWorkspace';

/**
 * The window's workspace when it has several local folders: one VsCodeWorkspace per folder,
 * named as VS Code names the folder (duplicates numbered, see nameFolders), with the
 * editor-side helpers the chat uses (URIs, names of open files, the start of a file) routed
 * the same way as the agent's paths.
 */
export class VsCodeMultiRootWorkspace extends MultiRootWorkspace<VsCodeWorkspace> implements vscode.Disposable {
  constructor(folders: readonly vscode.WorkspaceFolder[], options: VsCodeWorkspaceOptions = {}) {
    const names = nameFolders(folders.map((folder) => ({ root: folder.uri.fsPath, name: folder.name })));
    // Each folder's commands have a terminal of their own, which says whose it is.
    super(names.map(({ name, root }) => ({ workspace: new VsCodeWorkspace(root, { ...options, terminalName: `${AGENT_TERMINAL_NAME} (${name})` }), name })));
  }

  dispose(): void {
    for (const { workspace } of this.members) workspace.dispose();
  }

  /** The file URI of a workspace path (`<folder>/<path>`); throws for anything outside the folders. */
  uri(relative: string): vscode.Uri {
    return this.inFolder(relative, this.fileRoute(relative, 'not a file or folder in it'), (workspace, inside) => workspace.uri(inside));
  }

  /** `<folder>/<path>` of a file URI inside one of the folders (the innermost that holds it); undefined for anything else. */
  relativeOrUndefined(uri: vscode.Uri): string | undefined {
    let best: { name: string; inside: string; depth: number } | undefined;
    for (const { folder, workspace } of this.members) {
      const inside = workspace.relativeOrUndefined(uri);
      if (inside !== undefined && (!best || folder.root.length > best.depth)) best = { name: folder.name, inside, depth: folder.root.length };
    }
    return best && joinFolderPath(best.name, best.inside);
  }

  readHead(relative: string, maxChars: number): ReturnType<VsCodeWorkspace['readHead']> {
    return this.inFolder(relative, this.fileRoute(relative, 'not a file'), (workspace, inside) => workspace.readHead(inside, maxChars));
  }
}

/** What the window's workspace is: one folder's, or several folders' together. */
export type EditorWorkspace = VsCodeWorkspace | VsCodeMultiRootWorkspace;

/**
 * How the chat names an editor's file for the model: its path in the workspace (starting with
 * its folder's name when there are several), else its file name.
 */
export function editorFileName(workspace: EditorWorkspace | undefined, document: vscode.TextDocument): string {
  if (workspace instanceof VsCodeMultiRootWorkspace) return workspace.relativeOrUndefined(document.uri) ?? path.basename(document.fileName);
  const root = workspace?.root;
  return root && document.uri.scheme === 'file' ? path.relative(root, document.uri.fsPath) : path.basename(document.fileName);
}
