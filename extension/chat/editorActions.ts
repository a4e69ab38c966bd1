import { errorMessage } from '../../engine/errors';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunCheckpoint } from '../../agent/checkpoint/runCheckpoint';
import { placeBlock } from './core/applyPlacement';
import { hintTarget } from './core/applyTarget';
import type { DiffEntry } from './core/turnProjection';
import { VsCodeMultiRootWorkspace, type EditorWorkspace } from '../workspace/vscodeMultiRoot';
import type { WindowWorkspace } from '../workspace/windowWorkspace';

const DIFF_SCHEME = 'gemma-agent-diff';

type Notify = (level: 'info' | 'warning' | 'error', text: string) => void;

/**
 * What the chat does in the editor: Insert and Apply of code blocks, links in replies, and
 * the diff views of edit cards. Apply merges the block into its place in the file (see
 * core/applyPlacement.ts), shows the diff, and goes through the window's workspace (its path
 * checks, WorkspaceEdit, the undo stack) with a checkpoint, so "Undo Last Agent Run" takes
 * it back like an agent edit; a block it cannot place exactly goes to the agent.
 */
export class EditorActions implements vscode.Disposable {
  /** Kept per call after the decision too, so a finished card's View diff still shows it. */
  private readonly diffs = new Map<string, DiffEntry>();
  private readonly provider: vscode.Disposable;
  private counter = 0;

  constructor(
    private readonly workspace: WindowWorkspace,
    private readonly notify: Notify,
    private readonly onCheckpoint: (checkpoint: RunCheckpoint) => void,
    /** Hands a block that cannot be placed exactly to the agent, to merge it with an edit. */
    private readonly askAgent: (path: string, code: string) => Promise<void>,
  ) {
    this.provider = vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, {
      provideTextDocumentContent: (uri) => {
        const entry = this.diffs.get(uri.query);
        return uri.path.endsWith('.before') ? (entry?.before ?? '') : (entry?.after ?? '');
      },
    });
  }

  rememberDiff(callId: string, diff: DiffEntry): void {
    this.diffs.set(callId, diff);
  }

  async viewDiff(callId: string): Promise<void> {
    const entry = this.diffs.get(callId);
    if (!entry) return this.notify('info', 'This change has no diff to show.');
    await this.openDiff(callId, entry.path ?? 'change', 'proposed change');
  }

  async insertCode(code: string): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
    if (!editor) return this.notify('warning', 'Open an editor to insert code into.');
    await editor.edit((b) => b.replace(editor.selection, code));
  }

  /** Shows the change as a diff, asks, then writes it through the workspace with a checkpoint. */
  async applyCode(code: string, pathHint: string | undefined): Promise<void> {
    const workspace = this.workspace.get();
    if (!workspace) return this.notify('warning', 'Open a folder to apply code to its files.');
    const active = vscode.window.activeTextEditor?.document.uri;
    const activePath = active ? workspace.relativeOrUndefined(active) : undefined;
    let relative: string | undefined;
    if (pathHint) {
      const chosen = await this.hintedFile(workspace, pathHint, activePath);
      if (chosen === 'cancelled') return;
      relative = chosen;
    }
    const missed = pathHint !== undefined && pathHint !== '' && relative === undefined && workspace instanceof VsCodeMultiRootWorkspace;
    relative ??= activePath;
    if (!relative) {
      if (missed) return this.notify('warning', `${pathHint} is in none of the workspace's folders (${workspace.folders.map((f) => f.name).join(', ')}). Open the file to apply the code to.`);
      return this.notify('warning', 'Open the file to apply the code to (inside the workspace folder).');
    }

    const existing = await workspace.stat(relative);
    const before = existing?.type === 'file' ? await workspace.readFile(relative) : '';
    // Merged into its place when that can be told exactly; otherwise the agent places it,
    // and its edit comes with the usual diff, approval and checkpoint.
    const placement = placeBlock(before, code);
    if (!placement) return this.askAgent(relative, code);
    const key = `apply-${++this.counter}`;
    this.diffs.set(key, { before, after: placement.text, path: relative });
    await this.openDiff(key, relative, 'apply code from chat');
    const where = !existing ? `Create ${relative}` : placement.how === 'whole-file' ? `Replace all of ${relative}` : `Replace lines ${placement.startLine}-${placement.endLine} of ${relative}`;
    if ((await vscode.window.showInformationMessage(`${where} with the code from the chat?`, 'Apply', 'Cancel')) !== 'Apply') return;
    const checkpoint = new RunCheckpoint(workspace);
    try {
      await checkpoint.workspace.applyChange(existing ? { kind: 'modify', path: relative, content: placement.text } : { kind: 'create', path: relative, content: placement.text });
    } catch (error) {
      return this.notify('error', `Could not apply the code to ${relative}: ${errorMessage(error)}`);
    }
    this.onCheckpoint(checkpoint);
  }

  /**
   * The file a block's path hint means (see core/applyTarget.ts): the one it names, the one
   * folder that has it, or the one the user picks from the folders that have it; undefined
   * when no folder has it, so Apply goes on as without a hint; 'cancelled' when the user
   * closed the pick or the hint was refused (said to the user).
   */
  private async hintedFile(workspace: EditorWorkspace, hint: string, activePath: string | undefined): Promise<string | undefined | 'cancelled'> {
    try {
      const folders = workspace instanceof VsCodeMultiRootWorkspace ? workspace.folders : undefined;
      const activeFolder = folders && activePath ? activePath.split('/')[0] : undefined;
      const target = await hintTarget(folders, hint, async (file) => (await workspace.stat(file))?.type === 'file', activeFolder);
      if (target.kind === 'named') return workspace.relativeOrUndefined(workspace.uri(target.path));
      if (target.paths.length <= 1) return target.paths[0];
      const picked = await vscode.window.showQuickPick(
        target.paths.map((file) => ({ label: file, description: file === activePath ? 'open in the editor' : undefined })),
        { title: 'Gemma Agent: Apply Code', placeHolder: `${hint} is in ${target.paths.length} folders: which file does the code go to?` },
      );
      return picked ? picked.label : 'cancelled';
    } catch (error) {
      this.notify('error', errorMessage(error));
      return 'cancelled';
    }
  }

  /** http(s) and mailto open outside; a workspace path (with #L12) opens in the editor. */
  async openLink(href: string): Promise<void> {
    if (/^(https?:|mailto:)/i.test(href)) {
      await vscode.env.openExternal(vscode.Uri.parse(href));
      return;
    }
    const workspace = this.workspace.get();
    if (!workspace || /^[a-z][a-z0-9+.-]*:/i.test(href)) return;
    try {
      const [file, line] = href.split('#L');
      const position = line ? new vscode.Position(Math.max(0, Number(line) - 1), 0) : undefined;
      await vscode.window.showTextDocument(workspace.uri(file), position ? { selection: new vscode.Range(position, position) } : undefined);
    } catch (error) {
      this.notify('warning', errorMessage(error));
    }
  }

  /** Several files' changes in one multi-file diff editor (the first file alone where that editor is missing). */
  async showChanges(title: string, files: ReadonlyArray<{ path: string; before: string; after: string }>): Promise<void> {
    const workspace = this.workspace.get();
    if (!workspace || files.length === 0) return;
    const entries = files.map((file) => {
      const key = `changes-${++this.counter}`;
      this.diffs.set(key, { before: file.before, after: file.after, path: file.path });
      const shown = file.path.split(path.sep).join('/');
      return [workspace.uri(file.path), vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${shown}.before`, query: key }), vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${shown}.after`, query: key })] as const;
    });
    try {
      await vscode.commands.executeCommand('vscode.changes', title, entries);
    } catch {
      const [, left, right] = entries[0];
      await vscode.commands.executeCommand('vscode.diff', left, right, `${files[0].path}: ${title}`);
    }
  }

  private async openDiff(key: string, name: string, what: string): Promise<void> {
    const shown = name.split(path.sep).join('/');
    const left = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${shown}.before`, query: key });
    const right = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${shown}.after`, query: key });
    await vscode.commands.executeCommand('vscode.diff', left, right, `${shown}: ${what}`);
  }

  dispose(): void {
    this.provider.dispose();
  }
}
