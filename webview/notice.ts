import { el } from './dom';
import { iconButton } from './icons';
import type { NoticeLevel } from './protocol';

/** The one place for short messages about the input: no recorder, image too large, and so on. */
export class NoticeBar {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;

  constructor() {
    this.element = el('div', 'notice');
    this.element.hidden = true;
    this.text = el('span', 'notice-text');
    this.text.setAttribute('role', 'status');
    this.text.setAttribute('aria-live', 'polite');
    this.element.append(this.text, iconButton('notice-dismiss', 'close', 'Dismiss message', () => this.hide()));
  }

  show(level: NoticeLevel, text: string): void {
    if (!text) return this.hide();
    this.element.dataset.level = level;
    this.text.textContent = text;
    this.element.hidden = false;
  }

  hide(): void {
    this.element.hidden = true;
    this.text.textContent = '';
  }
}
