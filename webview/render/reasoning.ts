import { el } from '../dom';

/**
 * The model's thinking, collapsed under a summary line. It is plain text appended to one
 * text node: it can run to thousands of tokens, and nobody reads it formatted.
 */
export class ReasoningView {
  readonly element: HTMLDetailsElement;
  private readonly summary: HTMLElement;
  private readonly text: Text;
  private streaming = true;

  constructor(initial = '') {
    this.element = el('details', 'message-reasoning');
    this.summary = el('summary', 'reasoning-summary');
    const body = el('div', 'reasoning-text');
    this.text = document.createTextNode(initial);
    body.append(this.text);
    this.element.append(this.summary, body);
    this.setLabel();
  }

  append(delta: string): void {
    this.text.appendData(delta);
  }

  /** The answer began or the message ended: thinking is over. */
  end(): void {
    if (!this.streaming) return;
    this.streaming = false;
    this.setLabel();
  }

  private setLabel(): void {
    this.summary.textContent = this.streaming ? 'Thinking…' : 'Thoughts';
    this.element.classList.toggle('streaming', this.streaming);
  }
}
