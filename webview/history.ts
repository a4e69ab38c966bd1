import { el } from './dom';
import { iconButton } from './icons';
import type { ChatSummary } from './protocol';
import type { PostToHost } from './vscodeApi';

/** "just now", "5 min ago", "3 h ago", "yesterday", else the date. */
export function formatWhen(updated: number, now = Date.now()): string {
  const minutes = Math.floor((now - updated) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  if (hours < 48) return 'yesterday';
  return new Date(updated).toLocaleDateString();
}

/**
 * Past chats in a popup under the toolbar. The host keeps them; opening the list asks for
 * a fresh copy. Arrow keys move between chats, Escape closes and gives focus back.
 */
export class HistoryPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private chats: ChatSummary[] = [];
  private currentId: string | undefined;
  private loaded = false;

  constructor(
    private readonly post: PostToHost,
    private readonly toggleButton: HTMLButtonElement,
  ) {
    this.element = el('div', 'history-panel');
    this.element.id = 'history-panel';
    this.element.hidden = true;
    this.element.setAttribute('role', 'dialog');
    this.element.setAttribute('aria-label', 'Chat history');
    this.list = el('ul', 'history-list');
    this.element.append(el('div', 'history-title', 'Recent chats'), this.list);
    toggleButton.setAttribute('aria-expanded', 'false');
    toggleButton.setAttribute('aria-controls', this.element.id);
    this.element.addEventListener('keydown', (event) => this.onKeyDown(event));
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  toggle(): void {
    if (this.isOpen) this.close();
    else this.open();
  }

  open(): void {
    this.element.hidden = false;
    this.toggleButton.setAttribute('aria-expanded', 'true');
    this.post('listChats', {});
    this.render();
    this.focusItem(0);
  }

  close(returnFocus = true): void {
    if (!this.isOpen) return;
    this.element.hidden = true;
    this.toggleButton.setAttribute('aria-expanded', 'false');
    if (returnFocus) this.toggleButton.focus();
  }

  set(chats: ChatSummary[], currentId?: string): void {
    this.chats = chats;
    this.currentId = currentId ?? this.currentId;
    this.loaded = true;
    if (this.isOpen) {
      const focused = this.items().indexOf(document.activeElement as HTMLElement);
      this.render();
      this.focusItem(Math.max(0, focused));
    }
  }

  setCurrent(id: string | undefined): void {
    this.currentId = id;
  }

  private render(): void {
    this.list.replaceChildren();
    if (!this.loaded) {
      this.list.append(el('li', 'history-empty', 'Loading…'));
      return;
    }
    if (this.chats.length === 0) {
      this.list.append(el('li', 'history-empty', 'No earlier chats.'));
      return;
    }
    for (const chat of this.chats) {
      const item = el('li', 'history-item');
      const open = el('button', 'history-open');
      open.type = 'button';
      open.append(el('span', 'history-name', chat.title || 'Untitled chat'), el('span', 'history-when', formatWhen(chat.updated)));
      if (chat.id === this.currentId) {
        item.classList.add('current');
        open.setAttribute('aria-current', 'true');
      }
      open.addEventListener('click', () => {
        this.post('loadChat', { id: chat.id });
        this.close();
      });
      const remove = iconButton('history-delete', 'close', `Delete “${chat.title || 'Untitled chat'}”`, () => this.post('deleteChat', { id: chat.id }));
      item.append(open, remove);
      this.list.append(item);
    }
  }

  private items(): HTMLElement[] {
    return [...this.list.querySelectorAll<HTMLElement>('.history-open')];
  }

  private focusItem(index: number): void {
    const items = this.items();
    (items[Math.min(index, items.length - 1)] ?? this.element).focus();
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.close();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const items = this.items();
    const row = (document.activeElement as HTMLElement | null)?.closest('.history-item');
    const current = items.findIndex((item) => item.closest('.history-item') === row);
    if (items.length === 0) return;
    event.preventDefault();
    const next = current < 0 ? 0 : (current + (event.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
    items[next]?.focus();
  }
}
