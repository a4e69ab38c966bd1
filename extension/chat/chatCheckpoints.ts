import * as vscode from 'vscode';
import type { RunCheckpoint } from '../../agent/checkpoint/runCheckpoint';
import { MultiRootCheckpoints, type WorkspaceCheckpoints } from '../../agent/checkpoint/multiRootCheckpoints';
import { ShadowCheckpoints, type CheckpointChange } from '../../agent/checkpoint/shadowGit';
import type { Workspace } from '../../agent/workspace/workspace';
import { errorMessage } from '../../engine/errors';
import type { ChatMessageView } from '../../webview/protocol';
import type { WindowWorkspace } from '../workspace/windowWorkspace';
import type { EditorActions } from './editorActions';

type Notify = (level: 'info' | 'warning' | 'error', text: string) => void;

/**
 * Lasting checkpoints for the chat: one before each message and each agent step, kept in a
 * git repository of their own in the extension's storage (so they survive a reload and cover
 * what commands changed), and "Restore files" to any message: the diff first, then a
 * question, and files with unsaved editor text are left alone.
 */
export class ChatCheckpoints {
  private shadow: { key: string; checkpoints: WorkspaceCheckpoints; usable: Promise<boolean> } | undefined;
  /** The in-memory undo of the last run (or Apply): "Undo Last Agent Run". */
  private lastRun: RunCheckpoint | undefined;

  constructor(
    private readonly workspace: WindowWorkspace,
    private readonly storageDir: string,
    private readonly editor: EditorActions,
    private readonly notify: Notify,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * Readies the checkpoints in the background (git hashes the work tree once), so the first
   * message does not wait seconds for its checkpoint on a large repository. Never throws.
   */
  async prepare(): Promise<void> {
    const checkpoints = await this.checkpoints();
    if (!checkpoints) return;
    const started = Date.now();
    await checkpoints.prepare().then(
      () => this.log.info(`Checkpoints ready in ${Date.now() - started} ms.`),
      (error: unknown) => this.log.warn(`Checkpoints could not be readied: ${errorMessage(error)}`),
    );
  }

  /** A checkpoint of the workspace now; undefined where there is no folder or no git. Never throws. */
  async snapshot(label: string): Promise<string | undefined> {
    const checkpoints = await this.checkpoints();
    if (!checkpoints) return undefined;
    try {
      return await checkpoints.snapshot(label);
    } catch (error) {
      this.log.warn(`Checkpoint "${label}" failed: ${errorMessage(error)}`);
      return undefined;
    }
  }

  rememberRun(checkpoint: RunCheckpoint): void {
    this.lastRun = checkpoint;
  }

  /** Undoes every file change of the last agent run (or the last Apply). */
  async undoLastRun(): Promise<void> {
    if (!this.lastRun || this.lastRun.isEmpty) {
      void vscode.window.showInformationMessage('Gemma Agent: the last run changed no files.');
      return;
    }
    const report = await this.lastRun.undoRun();
    this.lastRun = undefined;
    const failed = report.failed.length ? ` Could not restore: ${report.failed.map((f) => f.path).join(', ')}.` : '';
    void vscode.window.showInformationMessage(`Gemma Agent: restored ${report.restored.length} file(s) to how they were before the last run.${failed}`);
  }

  /**
   * Before a message is sent again: says what will be dropped and, when files changed since
   * the message, offers to put them back first. False when the user cancels.
   */
  async offerRestore(id: string | undefined, what: string, laterMessages: number): Promise<boolean> {
    const checkpoints = id ? await this.checkpoints() : undefined;
    const changes = checkpoints && id ? await checkpoints.changesSince(id).catch(() => []) : [];
    const dropped = laterMessages > 0 ? `The ${laterMessages === 1 ? 'message' : `${laterMessages} messages`} after it will be removed from the chat.` : '';
    if (changes.length === 0) {
      if (!dropped) return true;
      return (await vscode.window.showWarningMessage(`Send ${what} again?`, { modal: true, detail: dropped }, 'Send Again')) === 'Send Again';
    }
    const list = changeList(changes, new Set());
    const pick = await vscode.window.showWarningMessage(
      `${changes.length === 1 ? '1 file has' : `${changes.length} files have`} changed since ${what}. Put ${changes.length === 1 ? 'it' : 'them'} back before sending it again?`,
      { modal: true, detail: `${list}${dropped ? `\n\n${dropped}` : ''}` },
      'Restore and Send',
      'Send Without Restoring',
    );
    if (pick === undefined) return false;
    if (pick === 'Restore and Send' && checkpoints && id) {
      await checkpoints.restore(id, this.unsavedFiles());
    }
    return true;
  }

  /** "Restore files" on a user message. */
  restoreToMessage(message: ChatMessageView | undefined): Promise<void> {
    if (!message?.checkpoint) {
      this.notify('warning', 'This message has no checkpoint to restore.');
      return Promise.resolve();
    }
    return this.restore(message.checkpoint, `"${message.text.trim().slice(0, 40) || 'this message'}"`);
  }

  /** Puts the workspace back as it was at checkpoint `id`, after showing what changes and asking. */
  async restore(id: string, what: string): Promise<void> {
    const checkpoints = await this.checkpoints();
    if (!checkpoints) return this.notify('warning', 'Checkpoints need git, and a folder open in this window.');
    const changes = await checkpoints.changesSince(id);
    if (changes.length === 0) return this.notify('info', `No file changed since ${what}.`);
    const workspace = this.workspace.get();
    const dirty = this.unsavedFiles();
    const files = await Promise.all(
      changes.map(async (c) => ({ path: c.path, before: c.kind === 'added' ? '' : ((await checkpoints.fileAt(id, c.path)) ?? ''), now: c.kind === 'deleted' ? '' : await workspace?.readFile(c.path).catch(() => '') ?? '' })),
    );
    await this.editor.showChanges(`Restore to ${what}`, files.map((f) => ({ path: f.path, before: f.now, after: f.before })));
    const pick = await vscode.window.showWarningMessage(
      `Restore ${changes.length === 1 ? '1 file' : `${changes.length} files`} to how they were before ${what}?`,
      { modal: true, detail: `${changeList(changes, dirty)}\n\nThe conversation stays as it is.` },
      'Restore',
    );
    if (pick !== 'Restore') return;
    try {
      const restored = await checkpoints.restore(id, dirty);
      const kept = changes.length - restored.length;
      this.notify('info', `Restored ${restored.length === 1 ? '1 file' : `${restored.length} files`} to before ${what}.${kept > 0 ? ` ${kept} with unsaved changes ${kept === 1 ? 'was' : 'were'} left as ${kept === 1 ? 'it is' : 'they are'}.` : ''}`);
    } catch (error) {
      this.notify('error', `Restoring failed: ${errorMessage(error)}. Files restored before the failure stay restored.`);
    }
  }

  /** Workspace files with unsaved editor text: a restore leaves them alone. */
  private unsavedFiles(): Set<string> {
    const workspace = this.workspace.get();
    const files = vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => workspace?.relativeOrUndefined(d.uri));
    return new Set(files.filter((p): p is string => p !== undefined));
  }

  /** The window's checkpoints: its folder's, or, with several folders, every folder's together. */
  private async checkpoints(): Promise<WorkspaceCheckpoints | undefined> {
    const workspace: Workspace | undefined = this.workspace.get();
    const root = workspace?.root;
    if (!workspace || !root) return undefined;
    const key = workspace.folders ? JSON.stringify(workspace.folders) : root;
    if (this.shadow?.key !== key) {
      const checkpoints = workspace.folders ? new MultiRootCheckpoints(workspace.folders, this.storageDir) : new ShadowCheckpoints(root, this.storageDir);
      this.shadow = { key, checkpoints, usable: checkpoints.available() };
    }
    return (await this.shadow.usable) ? this.shadow.checkpoints : undefined;
  }
}

/** What a restore does to each file, one line each, the first 20 of them. */
function changeList(changes: readonly CheckpointChange[], kept: ReadonlySet<string>): string {
  const lines = changes.map((c) => `${c.kind === 'added' ? 'delete' : c.kind === 'deleted' ? 'bring back' : 'restore'} ${c.path}${kept.has(c.path) ? ' (unsaved changes: kept)' : ''}`);
  return `${lines.slice(0, 20).join('\n')}${lines.length > 20 ? `\n... and ${lines.length - 20} more` : ''}`;
}
