import type * as vscode from 'vscode';
import { errorMessage } from '../../engine/errors';
import type { AttachmentView, ChatMessageView } from '../../webview/protocol';
import type { ChatStore, StoredChat } from './core/chatStore';
import type { MessageRouter } from './core/messageRouter';

/**
 * The chat shown in the view and its place in the history: which stored chat is current,
 * what the page gets when it (re)loads, and saving, where a failed write is logged and shown
 * once and never ends a run early.
 */
export class Conversation {
  private chat: StoredChat;
  private saveFailed = false;

  constructor(
    private readonly store: ChatStore,
    private readonly router: MessageRouter,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.chat = store.current();
  }

  get current(): StoredChat {
    return this.chat;
  }

  /** Adds a message at the end, in the chat and on the page. */
  show(view: ChatMessageView): void {
    this.chat.views.push(view);
    this.router.post('appendMessage', view);
  }

  async save(): Promise<void> {
    try {
      await this.store.save(this.chat);
      this.saveFailed = false;
    } catch (err) {
      this.log.error(`Chat: could not save the conversation: ${errorMessage(err)}`);
      if (!this.saveFailed) this.router.post('notice', { level: 'warning', text: 'This conversation could not be saved to disk, so a reload may lose it. See the Gemma Agent log.' });
      this.saveFailed = true;
    }
  }

  /** An empty chat becomes the current one; the page is emptied. */
  async startNew(): Promise<void> {
    this.chat = this.store.create();
    await this.save();
    this.router.post('clear', {});
  }

  async select(id: string): Promise<void> {
    const chat = this.store.select(id);
    if (chat) this.chat = chat;
    await this.save();
  }

  async remove(id: string): Promise<void> {
    this.store.delete(id);
    if (this.chat.id === id) this.chat = this.store.current();
    await this.save();
  }

  /** Everything the page needs after it (re)loads. */
  restore(attachments: AttachmentView[], busy: boolean): void {
    this.router.post('restore', { messages: this.chat.views, attachments, busy, chatId: this.chat.id });
    this.postHistory();
  }

  postHistory(): void {
    this.router.post('history', { chats: this.store.summaries(), currentId: this.chat.id });
  }
}
