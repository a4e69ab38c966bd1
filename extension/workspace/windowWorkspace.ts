import * as vscode from 'vscode';
import { VsCodeWorkspace } from './vscodeWorkspace';

/**
 * The window's one VsCodeWorkspace, over its first local folder: the agent, @-mentions,
 * file suggestions and Apply all go through it, so they share one set of path checks. It
 * follows the window's folders (opening a folder later makes one; closing it ends it).
 */
export class WindowWorkspace implements vscode.Disposable {
  private current: VsCodeWorkspace | undefined;
  private readonly watcher: vscode.Disposable;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.watcher = vscode.workspace.onDidChangeWorkspaceFolders(() => {
      if (this.current && this.current.root === VsCodeWorkspace.firstFolderRoot()) return;
      this.current?.dispose();
      this.current = undefined;
    });
  }

  /** The workspace of the first local folder, or undefined when the window has none. */
  get(): VsCodeWorkspace | undefined {
    this.current ??= VsCodeWorkspace.forFirstFolder({ log: this.log });
    return this.current;
  }

  dispose(): void {
    this.watcher.dispose();
    this.current?.dispose();
  }
}
