import { el } from './dom';
import type { PostToHost } from './vscodeApi';

/** Most suggestions shown at once; the host is asked for a few more than fit. */
const MAX_SHOWN = 12;
/** Typing pauses this long before the host is asked, so a fast typist sends one request. */
const DEBOUNCE_MS = 80;

interface MentionRange {
  /** Index of the "@". */
  start: number;
  /** Caret position: the query is the text between. */
  end: number;
  query: string;
}

/** The "@query" right before the caret, when the "@" starts a word. */
export function mentionAt(text: string, caret: number): MentionRange | undefined {
  const match = /(^|\s)@([^\s@]*)$/.exec(text.slice(0, caret));
  if (!match) return undefined;
  const query = match[2] as string;
  return { start: caret - query.length - 1, end: caret, query };
}

/**
 * `@file` completion in the input box: the host searches the workspace, the page shows a
 * listbox navigated with the arrow keys; Enter or Tab picks, Escape closes.
 */
export class MentionCompletion {
  readonly list: HTMLElement;
  private requestId = 0;
  private range: MentionRange | undefined;
  private paths: string[] = [];
  private active = 0;
  private timer: number | undefined;
  private open = false;

  constructor(
    private readonly input: HTMLTextAreaElement,
    private readonly post: PostToHost,
    private readonly onPick: (path: string) => void,
  ) {
    this.list = el('div', 'mention-list');
    this.list.id = 'mention-list';
    this.list.setAttribute('role', 'listbox');
    this.list.setAttribute('aria-label', 'Workspace files');
    this.list.hidden = true;
    // Keep focus in the input while clicking a suggestion.
    this.list.addEventListener('mousedown', (event) => event.preventDefault());
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', this.list.id);
    input.setAttribute('aria-expanded', 'false');
    input.addEventListener('input', () => this.refresh());
    input.addEventListener('click', () => this.refresh());
    input.addEventListener('blur', () => this.close());
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Looks for a mention at the caret and asks the host for matches. */
  refresh(): void {
    const range = this.input.selectionStart === this.input.selectionEnd ? mentionAt(this.input.value, this.input.selectionStart) : undefined;
    if (!range) return this.close();
    if (this.range && range.query === this.range.query && range.start === this.range.start) return;
    this.range = range;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      this.requestId += 1;
      this.post('suggestFiles', { requestId: this.requestId, query: range.query });
    }, range.query === '' ? 0 : DEBOUNCE_MS);
  }

  /** The host's answer; answers to older requests are ignored. */
  show(requestId: number, paths: string[]): void {
    if (requestId !== this.requestId || !this.range) return;
    this.paths = paths.slice(0, MAX_SHOWN);
    this.active = 0;
    this.render();
  }

  /** Handles the keys the list owns; returns true when the key was used. */
  handleKey(event: KeyboardEvent): boolean {
    if (!this.open) return false;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        if (this.paths.length === 0) return true;
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.active = (this.active + step + this.paths.length) % this.paths.length;
        this.render();
        return true;
      }
      case 'Enter':
      case 'Tab':
        if (event.shiftKey || this.paths.length === 0) return false;
        this.pick(this.active);
        return true;
      case 'Escape':
        this.close();
        return true;
      default:
        return false;
    }
  }

  close(): void {
    window.clearTimeout(this.timer);
    this.range = undefined;
    this.paths = [];
    this.open = false;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  private render(): void {
    this.open = true;
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.list.replaceChildren();
    if (this.paths.length === 0) {
      this.list.append(el('div', 'mention-empty', 'No matching files'));
      this.input.removeAttribute('aria-activedescendant');
      return;
    }
    this.paths.forEach((path, index) => {
      const option = el('div', 'mention-option');
      option.id = `mention-option-${index}`;
      option.setAttribute('role', 'option');
      option.setAttribute('aria-selected', String(index === this.active));
      const slash = path.lastIndexOf('/');
      option.append(el('span', 'mention-name', path.slice(slash + 1)));
      if (slash > 0) option.append(el('span', 'mention-dir', path.slice(0, slash)));
      option.title = path;
      option.addEventListener('click', () => this.pick(index));
      this.list.append(option);
    });
    this.input.setAttribute('aria-activedescendant', `mention-option-${this.active}`);
    this.list.querySelector('[aria-selected="true"]')?.scrollIntoView?.({ block: 'nearest' });
  }

  private pick(index: number): void {
    const path = this.paths[index];
    const range = this.range;
    if (path === undefined || !range) return;
    const value = this.input.value;
    const insert = `@${path} `;
    this.input.value = value.slice(0, range.start) + insert + value.slice(range.end).replace(/^\S*/, '').replace(/^ /, '');
    const caret = range.start + insert.length;
    this.input.setSelectionRange(caret, caret);
    this.close();
    this.onPick(path);
    this.input.dispatchEvent(new Event('input', { bubbles: true }));
  }
}
