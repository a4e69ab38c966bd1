import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatMessage, ContentPart } from '../../../engine/protocol';
import type { AttachmentView, ChatMessageView, ChatSummary } from '../../../webview/protocol';

/** One conversation as it is kept: what the view shows and what the model saw. */
export interface StoredChat {
  id: string;
  title: string;
  updated: number;
  views: ChatMessageView[];
  history: ChatMessage[];
}

export interface StoreState {
  currentId?: string;
  chats: StoredChat[];
}

const MAX_CHATS = 50;
export const CHATS_FILE = 'chats.v1.json';

/**
 * Chats of this workspace in a JSON file in the extension's workspace storage folder, so
 * they survive reloads and crashes. A file the extension host has written is on disk when
 * the write resolves; workspace state is not (in a browser window it reaches IndexedDB
 * later, and a reload right after a reply lost it). Writes are atomic (temp file, then
 * rename) and run one after another, each with the latest state.
 *
 * Images and audio are kept out of the stored history (a placeholder names them): they
 * would bloat the file, and the view keeps its own thumbnails. Only the file loses them:
 * the live history keeps every part, so the next turn's prompt starts with exactly the
 * tokens of the last one and the engine's prompt cache covers it. The same goes for the
 * views: a saved voice clip keeps its label, length and cost but not its sound (the page
 * plays it back until a reload), and an image keeps only its small thumbnail. So 50 chats,
 * each with a full-HD screenshot and 30 s of voice, stay well under 5 MB
 * (test/unit/chatStore.test.ts).
 */
export class ChatStore {
  private state: StoreState;
  private writing: Promise<void> = Promise.resolve();

  /** `legacy`: chats from the workspace state of an earlier version, used when no file exists yet. */
  constructor(
    private readonly file: string,
    legacy?: StoreState,
  ) {
    this.state = readState(file) ?? legacy ?? { chats: [] };
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

  /** Resolves once this chat, and everything saved before it, is on disk. */
  save(chat: StoredChat): Promise<void> {
    chat.updated = Date.now();
    const next = this.writing.then(() => writeAtomic(this.file, JSON.stringify(persisted(this.state))));
    // A failed write must not block later ones; the caller still hears about it.
    this.writing = next.catch(() => undefined);
    return next;
  }
}

function readState(file: string): StoreState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined; // first run in this workspace
  }
  try {
    const parsed = JSON.parse(text) as StoreState;
    if (Array.isArray(parsed.chats)) return parsed;
  } catch {
    // fall through: keep the damaged file for the user, start empty
  }
  fs.copyFileSync(file, `${file}.damaged-${Date.now()}`);
  return undefined;
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.promises.writeFile(tmp, text);
  await fs.promises.rename(tmp, file);
}

/** The state as the file keeps it: the same chats, their histories without media, their views without sound. */
function persisted(state: StoreState): StoreState {
  return { ...state, chats: state.chats.map((chat) => ({ ...chat, views: chat.views.map(savedView), history: chat.history.map(withoutMedia) })) };
}

/** A thumbnail longer than this is a full image (as chats saved by earlier builds hold): the saved view drops it and shows an icon. */
export const MAX_SAVED_THUMBNAIL_CHARS = 100_000;

function savedView(view: ChatMessageView): ChatMessageView {
  return view.attachments ? { ...view, attachments: view.attachments.map(savedAttachment) } : view;
}

function savedAttachment(attachment: AttachmentView): AttachmentView {
  const kept: AttachmentView = { ...attachment };
  delete kept.audio;
  if (kept.thumbnail !== undefined && kept.thumbnail.length > MAX_SAVED_THUMBNAIL_CHARS) delete kept.thumbnail;
  return kept;
}

function withoutMedia(message: ChatMessage): ChatMessage {
  if (message.role !== 'user' || typeof message.content === 'string') return message;
  const parts: ContentPart[] = message.content.map((part) =>
    part.type === 'image_url' ? { type: 'text', text: '[an image the user attached earlier]' } : part.type === 'input_audio' ? { type: 'text', text: '[a voice clip the user recorded earlier]' } : part,
  );
  return { ...message, content: parts };
}
