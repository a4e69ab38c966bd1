import type { ContentPart } from '../../../engine/protocol';
import type { ChatMessageView } from '../../../webview/protocol';
import type { StoredChat } from './chatStore';

/** The user message a reply answers (what Regenerate sends again). */
export function userBefore(chat: StoredChat, replyId: string): string | undefined {
  const index = chat.views.findIndex((v) => v.id === replyId);
  return chat.views.slice(0, index < 0 ? 0 : index).reverse().find((v) => v.role === 'user')?.id;
}

/** How to send an earlier user message again: where the chat is cut, and what is sent. */
export interface Resend {
  user: ChatMessageView;
  /** Index in `views` where the chat is cut (the message itself goes too). */
  viewIndex: number;
  /** Index in `history` where the model's conversation is cut. */
  historyIndex: number;
  /** Messages after it, which the cut removes. */
  later: number;
  parts: ContentPart[];
}

/**
 * The plan for Regenerate (no `text`) or Edit (`text`): the message's content parts as the
 * model got them, with the user's words replaced by `text`; mentions, attachments and notes
 * stay. Undefined when the message is not in the model's conversation.
 */
export function planResend(chat: StoredChat, messageId: string | undefined, text?: string): Resend | undefined {
  const viewIndex = chat.views.findIndex((v) => v.id === messageId && v.role === 'user');
  const user = chat.views[viewIndex];
  const historyIndex = user?.historyIndex;
  const original = historyIndex !== undefined ? chat.history[historyIndex] : undefined;
  if (!user || historyIndex === undefined || !original || original.role !== 'user') return undefined;
  const parts: ContentPart[] = typeof original.content === 'string' ? [{ type: 'text', text: original.content }] : [...original.content];
  if (text !== undefined) {
    const first = parts.findIndex((p) => p.type === 'text');
    if (first >= 0 && parts[first].type === 'text' && parts[first].text === user.text) parts[first] = { type: 'text', text };
    else parts.unshift({ type: 'text', text });
  }
  return { user, viewIndex, historyIndex, later: chat.views.length - viewIndex - 1, parts };
}

/** What Retry runs again after a failed reply: the failed turn's user message, taken off the history to be sent anew. */
export function planRetry(chat: StoredChat, messageId: string): { removeView: number | undefined; parts: ContentPart[] } | undefined {
  const index = chat.views.findIndex((v) => v.id === messageId);
  const lastUser = [...chat.views.slice(0, index < 0 ? undefined : index)].reverse().find((v) => v.role === 'user');
  if (!lastUser) return undefined;
  const removeView = index >= 0 ? index : undefined;
  // The failed turn's user message is still the last one in the history: run it again.
  const last = chat.history.at(-1);
  if (last?.role === 'user') {
    chat.history.pop();
    return { removeView, parts: typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : last.content };
  }
  return { removeView, parts: [{ type: 'text', text: lastUser.text }] };
}
