import * as vscode from 'vscode';
import { VsCodeMultiRootWorkspace, type EditorWorkspace } from './vscodeMultiRoot';
import { VsCodeWorkspace } from './vscodeWorkspace';

/**
 * The window's one workspace, over its local folders: the agent, @-mentions, file
 * suggestions and Apply all go through it, so they share one set of path checks. With one
 * folder it is that folder's VsCodeWorkspace (paths relative to it); with several, a
 * VsCodeMultiRootWorkspace whose paths start with the folder's name. It follows the window's
 * folders (opening, adding or removing one makes it anew; closing the last ends it).
 */
export class WindowWorkspace implements vscode.Disposable {
  private current: { key: string; workspace: EditorWorkspace } | undefined;
  private readonly watcher: vscode.Disposable;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.watcher = vscode.workspace.onDidChangeWorkspaceFolders(() => {
      if (this.current && this.current.key === folderKey(localFolders())) return;
      this.current?.workspace.dispose();
      this.current = undefined;
    });
  }

  /** The workspace of the window's local folders, or undefined when it has none. */
  get(): EditorWorkspace | undefined {
    if (!this.current) {
      const folders = localFolders();
      if (folders.length === 0) return undefined;
      const workspace = folders.length === 1 ? new VsCodeWorkspace(folders[0].uri.fsPath, { log: this.log }) : new VsCodeMultiRootWorkspace(folders, { log: this.log });
      this.current = { key: folderKey(folders), workspace };
    }
    return this.current.workspace;
  }

  dispose(): void {
    this.watcher.dispose();
    this.current?.workspace.dispose();
  }
}

/** The folders the agent can use: those on this machine's disk, in the window's order. */
function localFolders(): vscode.WorkspaceFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
}

/** Names and places: a renamed folder changes its paths, so it makes the workspace anew too. */
function folderKey(folders: readonly vscode.WorkspaceFolder[]): string {
  return JSON.stringify(folders.map((folder) => [folder.name, folder.uri.fsPath]));
}
