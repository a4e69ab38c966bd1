import type * as vscode from 'vscode';
import type { ChatMessage, ContentPart } from '../../engine/protocol';
import type { ChatMessageView, ChatSummary } from '../../webview/protocol';

/** One conversation as it is kept: what the view shows and what the model saw. */
export interface StoredChat {
  id: string;
  title: string;
  updated: number;
  views: ChatMessageView[];
  history: ChatMessage[];
}

interface StoreState {
  currentId?: string;
  chats: StoredChat[];
}

const KEY = 'gemmaAgent.chats.v1';
const MAX_CHATS = 50;

/**
 * Chats of this workspace in workspaceState, so they survive reloads. Images and audio are
 * kept out of the stored history (a placeholder names them): they would bloat the state, and
 * the view keeps its own thumbnails.
 */
export class ChatStore {
  private state: StoreState;

  constructor(private readonly memento: vscode.Memento) {
    this.state = memento.get<StoreState>(KEY) ?? { chats: [] };
  }

  current(): StoredChat {
    const found = this.state.chats.find((c) => c.id === this.state.currentId);
    if (found) return found;
    return this.create();
  }

  create(): StoredChat {
    const chat: StoredChat = { id: `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, title: 'New chat', updated: Date.now(), views: [], history: [] };
    this.state.chats.unshift(chat);
    this.state.chats = this.state.chats.filter((c, i) => i === 0 || c.views.length > 0).slice(0, MAX_CHATS);
    this.state.currentId = chat.id;
    return chat;
  }

  select(id: string): StoredChat | undefined {
    const chat = this.state.chats.find((c) => c.id === id);
    if (chat) this.state.currentId = id;
    return chat;
  }

  delete(id: string): void {
    this.state.chats = this.state.chats.filter((c) => c.id !== id);
    if (this.state.currentId === id) this.state.currentId = undefined;
  }

  summaries(): ChatSummary[] {
    return this.state.chats.filter((c) => c.views.length > 0).map((c) => ({ id: c.id, title: c.title, updated: c.updated, messageCount: c.views.length }));
  }

  get currentId(): string | undefined {
    return this.state.currentId;
  }

  save(chat: StoredChat): Thenable<void> {
    chat.updated = Date.now();
    chat.history = chat.history.map(withoutMedia);
    return this.memento.update(KEY, this.state);
  }
}

function withoutMedia(message: ChatMessage): ChatMessage {
  if (message.role !== 'user' || typeof message.content === 'string') return message;
  const parts: ContentPart[] = message.content.map((part) =>
    part.type === 'image_url' ? { type: 'text', text: '[an image the user attached earlier]' } : part.type === 'input_audio' ? { type: 'text', text: '[a voice clip the user recorded earlier]' } : part,
  );
  return { ...message, content: parts };
}
