import * as vscode from 'vscode';
import { isAbortError } from '../engine/client';
import type { ChatMessage } from '../engine/protocol';
import type { ChatMessageView, HostToWebview } from '../webview/protocol';
import type { EngineController } from './engineController';

const HISTORY_KEY = 'gemmaAgent.chat.current';

interface StoredChat {
  views: ChatMessageView[];
  messages: ChatMessage[];
}

/**
 * One conversation with the engine: it keeps the history the model sees and the one the
 * view shows, streams replies into the view, and survives reloads through workspaceState.
 */
export class ChatSession {
  private stored: StoredChat;
  private running: AbortController | undefined;
  private counter = 0;

  constructor(
    private readonly state: vscode.Memento,
    private readonly engine: EngineController,
    private readonly post: <K extends keyof HostToWebview>(type: K, payload: HostToWebview[K]) => void,
    private readonly thinking: () => boolean,
  ) {
    this.stored = state.get<StoredChat>(HISTORY_KEY) ?? { views: [], messages: [] };
  }

  get views(): ChatMessageView[] {
    return this.stored.views;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  async send(text: string): Promise<void> {
    if (this.running) {
      this.show({ id: this.id('e'), role: 'error', text: 'A reply is still streaming: stop it first.' });
      return;
    }
    this.show({ id: this.id('u'), role: 'user', text });
    this.stored.messages.push({ role: 'user', content: text });
    await this.save();

    const abort = new AbortController();
    this.running = abort;
    this.post('busy', { busy: true });
    const reply: ChatMessageView = { id: this.id('a'), role: 'assistant', text: '' };
    try {
      const { client } = await this.engine.connection();
      this.show(reply);
      for await (const event of client.streamChat(
        { messages: this.stored.messages, temperature: 0.7, chat_template_kwargs: { enable_thinking: this.thinking() } },
        { signal: abort.signal },
      )) {
        if (event.type === 'text') {
          reply.text += event.delta;
          this.post('appendDelta', { id: reply.id, delta: event.delta });
        }
      }
      this.post('endMessage', { id: reply.id });
      this.stored.messages.push({ role: 'assistant', content: reply.text });
    } catch (err) {
      if (reply.text) this.stored.messages.push({ role: 'assistant', content: reply.text });
      this.post('endMessage', { id: reply.id });
      if (!isAbortError(err)) this.show({ id: this.id('e'), role: 'error', text: err instanceof Error ? err.message : String(err) });
    } finally {
      this.running = undefined;
      this.post('busy', { busy: false });
      await this.save();
    }
  }

  stop(): void {
    this.running?.abort();
  }

  async clear(): Promise<void> {
    this.stop();
    this.stored = { views: [], messages: [] };
    await this.save();
    this.post('clear', {});
  }

  private show(view: ChatMessageView): void {
    this.stored.views.push(view);
    this.post('appendMessage', view);
  }

  private id(prefix: string): string {
    this.counter += 1;
    return `${prefix}${Date.now().toString(36)}${this.counter}`;
  }

  private save(): Thenable<void> {
    return this.state.update(HISTORY_KEY, this.stored);
  }
}
