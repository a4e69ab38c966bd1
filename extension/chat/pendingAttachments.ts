import { errorMessage } from '../../engine/errors';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PreparedAudio } from '../../engine/media';
import type { AttachmentView } from '../../webview/protocol';
import { setting } from '../settings/settings';
import type { WindowWorkspace } from '../workspace/windowWorkspace';
import { audioAttachment, imageAttachment, selectionAttachment, type PendingAttachment } from './attachments';
import type { MessageRouter } from './core/messageRouter';

export interface VoiceRecorder {
  start(): Promise<PreparedAudio | undefined>;
  stop(): void;
  cancel(): void;
}

/**
 * What waits to be sent with the next message: editor selections and files, images
 * (picked, pasted or dropped) and voice clips. Each is prepared here, shown in the page,
 * and handed to the message that sends it.
 */
export class PendingAttachments {
  private readonly pending = new Map<string, PendingAttachment>();

  constructor(
    private readonly router: MessageRouter,
    private readonly workspace: WindowWorkspace,
    private readonly recorder: VoiceRecorder,
  ) {}

  get views(): AttachmentView[] {
    return [...this.pending.values()].map((p) => p.view);
  }

  add(attachment: PendingAttachment): void {
    this.pending.set(attachment.view.id, attachment);
    this.router.post('attachmentAdded', attachment.view);
  }

  /** The attachments a message sends; they stop being pending. */
  take(ids: readonly string[]): PendingAttachment[] {
    const taken = ids.map((id) => this.pending.get(id)).filter((a): a is PendingAttachment => a !== undefined);
    ids.forEach((id) => this.pending.delete(id));
    return taken;
  }

  remove(id: string): void {
    this.pending.delete(id);
  }

  async open(id: string): Promise<void> {
    const attachment = this.pending.get(id);
    if (attachment?.uri) await vscode.window.showTextDocument(attachment.uri, { selection: attachment.range });
  }

  attachEditor(): void {
    const editor = vscode.window.activeTextEditor;
    const attachment = editor && selectionAttachment(editor, this.workspace.get());
    if (!attachment) return this.notice('warning', 'Open a file (and select code) to attach it.');
    this.add(attachment);
  }

  async pickImage(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Images: ['png', 'jpg', 'jpeg', 'webp', 'gif'] }, openLabel: 'Attach' });
    if (!picked?.[0]) return;
    const bytes = Buffer.from(await vscode.workspace.fs.readFile(picked[0]));
    await this.attachImage(bytes, path.basename(picked[0].fsPath));
  }

  async attachImage(bytes: Buffer, name: string): Promise<void> {
    try {
      this.add(await imageAttachment(bytes, name, setting('imageTokenBudget')));
    } catch (err) {
      this.notice('error', `${name}: ${errorMessage(err)}`);
    }
  }

  async record(): Promise<void> {
    try {
      const clip = await this.recorder.start();
      if (clip) this.add(audioAttachment(clip));
    } catch (err) {
      this.notice('error', errorMessage(err));
    }
  }

  stopRecording(cancel: boolean): void {
    if (cancel) this.recorder.cancel();
    else this.recorder.stop();
  }

  private notice(level: 'warning' | 'error', text: string): void {
    this.router.post('notice', { level, text });
  }
}
