import { Composer } from './composer';
import { Conversation } from './conversation';
import { el } from './dom';
import { renderEngineState } from './engineState';
import { HistoryPanel } from './history';
import { iconButton } from './icons';
import { NoticeBar } from './notice';
import type { HostMessage } from './protocol';
import type { FrameScheduler } from './render/streamingMarkdown';
import { StateStore, type StateStorage } from './state';
import type { PostToHost } from './vscodeApi';

export interface AppContext {
  post: PostToHost;
  storage: StateStorage;
  schedule: FrameScheduler;
}

export interface ChatApp {
  handle(message: HostMessage): void;
  /** Renders what is waiting for the next frame (tests). */
  flush(): void;
}

/**
 * Builds the chat page inside root and returns the handler for host messages. Each part
 * owns its piece of the page; this only routes messages and keyboard shortcuts to them.
 */
export function createApp(root: HTMLElement, { post, storage, schedule }: AppContext): ChatApp {
  const store = new StateStore(storage);
  const saved = store.current;

  const toolbar = el('div', 'chat-toolbar');
  const historyButton = iconButton('toolbar-history', 'history', 'Chat history', () => history.toggle());
  const newChat = iconButton('toolbar-new-chat', 'plus', 'New chat', () => {
    history.close(false);
    post('newChat', {});
  });
  toolbar.append(historyButton, newChat);
  const history = new HistoryPanel(post, historyButton);

  const engine = el('section', 'engine-state');
  engine.setAttribute('role', 'status');
  engine.setAttribute('aria-live', 'polite');
  engine.setAttribute('aria-label', 'Engine');

  const notice = new NoticeBar();
  // eslint-disable-next-line prefer-const -- the composer is made after the conversation it edits from
  let composer: Composer;
  const conversation = new Conversation(post, schedule, (position) => store.setScroll(position), (messageId, text) => composer.beginEdit(messageId, text));
  composer = new Composer({
    post,
    draft: { text: saved.draft, mentions: saved.mentions },
    onDraftChange: (draft) => store.setDraft(draft),
    notify: (level, text) => notice.show(level, text),
  });

  const header = el('header', 'chat-header');
  header.append(engine, toolbar, history.element);
  root.append(header, conversation.element, notice.element, composer.element);

  // Escape closes whichever popup is open; clicking elsewhere closes the history list.
  root.ownerDocument.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && history.isOpen) history.close();
  });
  root.ownerDocument.addEventListener('mousedown', (event) => {
    const target = event.target as Node | null;
    if (history.isOpen && target && !history.element.contains(target) && !historyButton.contains(target)) history.close(false);
  });

  let restored = false;
  function handle(message: HostMessage): void {
    switch (message.type) {
      case 'engineState':
        renderEngineState(engine, message.payload, post);
        break;
      case 'restore': {
        const { messages, attachments, busy, chatId } = message.payload;
        conversation.restore(messages, busy ?? false);
        composer.attachments.set(attachments ?? []);
        composer.setBusy(busy ?? false);
        history.setCurrent(chatId);
        // The first restore after the page was re-created puts the reader back where they were.
        if (!restored && saved.scroll) conversation.applyPosition(saved.scroll);
        restored = true;
        break;
      }
      case 'appendMessage':
        conversation.append(message.payload);
        break;
      case 'appendDelta':
        conversation.appendDelta(message.payload.id, message.payload.delta);
        break;
      case 'reasoningDelta':
        conversation.reasoningDelta(message.payload.id, message.payload.delta);
        break;
      case 'endMessage':
        conversation.end(message.payload.id, message.payload.stopped === true);
        break;
      case 'removeMessage':
        conversation.remove(message.payload.id);
        break;
      case 'toolCall':
        conversation.toolCall(message.payload);
        break;
      case 'toolOutput':
        conversation.toolOutput(message.payload.id, message.payload.chunk);
        break;
      case 'replyProgress':
        conversation.progress(message.payload.id, message.payload.text);
        break;
      case 'stats':
        conversation.stats(message.payload.id, message.payload.stats);
        break;
      case 'rules':
        conversation.rules(message.payload.id, message.payload.rules);
        break;
      case 'busy':
        composer.setBusy(message.payload.busy);
        break;
      case 'clear':
        conversation.clear();
        notice.hide();
        break;
      case 'attachmentAdded':
        composer.attachments.add(message.payload);
        break;
      case 'recording':
        composer.recording.update(message.payload);
        composer.updateMic();
        break;
      case 'fileSuggestions':
        composer.mentions.show(message.payload.requestId, message.payload.paths);
        break;
      case 'history':
        history.set(message.payload.chats, message.payload.currentId);
        break;
      case 'notice':
        notice.show(message.payload.level, message.payload.text);
        break;
      case 'focusInput':
        composer.focus();
        break;
    }
  }

  return { handle, flush: () => conversation.flush() };
}
