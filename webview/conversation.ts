import { el, isAtBottom } from './dom';
import type { ChatMessageView, ReplyStats, ToolCallView } from './protocol';
import { routeLinks } from './render/links';
import { MessageElement } from './render/message';
import type { FrameScheduler } from './render/streamingMarkdown';
import { ToolCard } from './render/toolCard';
import type { PostToHost } from './vscodeApi';

export interface ScrollPosition {
  scrollTop: number;
  /** Following the end: new text keeps the view scrolled down. */
  atEnd: boolean;
}

/**
 * The message log. Every host event touches only the message or card it names, so a long
 * conversation costs nothing extra per streamed token.
 */
export class Conversation {
  readonly element: HTMLElement;
  private readonly messages = new Map<string, MessageElement>();
  private readonly cards = new Map<string, ToolCard>();
  private readonly emptyHint: HTMLElement;
  private followEnd = true;
  private lastScrollTop = 0;
  private followScheduled = false;

  constructor(
    private readonly post: PostToHost,
    private readonly schedule: FrameScheduler,
    private readonly onScroll: (position: ScrollPosition) => void = () => undefined,
    /** "Edit" on a user message hands its text to the composer. */
    private readonly onEdit: (messageId: string, text: string) => void = () => undefined,
  ) {
    this.element = el('div', 'messages');
    this.element.setAttribute('role', 'log');
    this.element.setAttribute('aria-label', 'Conversation');
    this.element.tabIndex = 0;
    this.emptyHint = el('div', 'empty-hint');
    this.emptyHint.append(
      el('p', 'empty-title', 'Ask about your code.'),
      el('p', undefined, 'Type @ to mention a file, paste or drop a screenshot, or record a voice request. Everything runs on this machine.'),
    );
    this.element.append(this.emptyHint);
    routeLinks(this.element, post);
    this.element.addEventListener('scroll', () => {
      // Content growing never moves scrollTop; only the user scrolling up does. Checking the
      // direction keeps a burst of output from being mistaken for the user leaving the end.
      const top = this.element.scrollTop;
      if (isAtBottom(this.element)) this.followEnd = true;
      else if (top < this.lastScrollTop) this.followEnd = false;
      this.lastScrollTop = top;
      this.onScroll(this.position());
    });
  }

  /** While busy, the last reply is still streaming: it keeps taking deltas and stays live. */
  restore(views: ChatMessageView[], busy = false): void {
    this.clear();
    const last = views[views.length - 1];
    for (const view of views) this.add(view, busy && view === last && view.role === 'assistant');
    this.followEnd = true;
    this.scrollToEnd();
    // Off-screen messages are laid out lazily (content-visibility), so heights settle a frame later.
    this.keepAtEnd();
  }

  clear(): void {
    this.element.replaceChildren(this.emptyHint);
    this.messages.clear();
    this.cards.clear();
    this.updateEmpty();
  }

  /** A new message streams unless it is complete already; a known id is replaced in place. */
  append(view: ChatMessageView): void {
    const streaming = view.role === 'assistant';
    if (view.role === 'user') this.followEnd = true;
    this.add(view, streaming);
    this.keepAtEnd();
  }

  appendDelta(id: string, delta: string): void {
    this.messages.get(id)?.appendText(delta);
  }

  reasoningDelta(id: string, delta: string): void {
    this.messages.get(id)?.appendReasoning(delta);
    this.keepAtEnd();
  }

  end(id: string, stopped = false): void {
    this.messages.get(id)?.end(stopped);
    this.keepAtEnd();
  }

  remove(id: string): void {
    const message = this.messages.get(id);
    if (!message) return;
    for (const card of message.tools.querySelectorAll<HTMLElement>('.tool-card')) if (card.dataset.callId) this.cards.delete(card.dataset.callId);
    message.element.remove();
    this.messages.delete(id);
    this.updateEmpty();
  }

  toolCall(view: ToolCallView): void {
    const existing = this.cards.get(view.id);
    if (existing) {
      existing.update(view);
    } else {
      const card = new ToolCard(view, this.post, this.schedule);
      this.cards.set(view.id, card);
      this.toolsFor(view.messageId).append(card.element);
    }
    this.keepAtEnd();
  }

  toolOutput(id: string, chunk: string): void {
    this.cards.get(id)?.appendOutput(chunk);
    this.keepAtEnd();
  }

  progress(id: string, text: string): void {
    this.messages.get(id)?.setProgress(text);
    this.keepAtEnd();
  }

  stats(id: string, stats: ReplyStats): void {
    this.messages.get(id)?.setStats(stats);
    this.keepAtEnd();
  }

  rules(id: string, rules: string[]): void {
    this.messages.get(id)?.setRules(rules);
    this.keepAtEnd();
  }

  /** Renders pending frames now (before the page state is saved, and in tests). */
  flush(): void {
    for (const message of this.messages.values()) message.flush();
  }

  position(): ScrollPosition {
    return { scrollTop: this.element.scrollTop, atEnd: this.followEnd };
  }

  applyPosition(position: ScrollPosition): void {
    this.followEnd = position.atEnd;
    if (position.atEnd) this.scrollToEnd();
    else this.element.scrollTop = position.scrollTop;
  }

  scrollToEnd(): void {
    this.element.scrollTop = this.element.scrollHeight;
    this.lastScrollTop = this.element.scrollTop;
  }

  /** At most one scroll per frame, however many events arrive in it. */
  private keepAtEnd(): void {
    if (!this.followEnd || this.followScheduled) return;
    this.followScheduled = true;
    this.schedule(() => {
      this.followScheduled = false;
      if (this.followEnd) this.scrollToEnd();
    });
  }

  private add(view: ChatMessageView, streaming: boolean): void {
    const message = new MessageElement(view, { post: this.post, schedule: this.schedule, onRender: () => this.followEnd && this.scrollToEnd(), onEdit: this.onEdit }, streaming);
    const previous = this.messages.get(view.id);
    if (previous) previous.element.replaceWith(message.element);
    else this.element.append(message.element);
    this.messages.set(view.id, message);
    for (const call of view.toolCalls ?? []) {
      const card = new ToolCard({ ...call, messageId: view.id }, this.post, this.schedule);
      this.cards.set(call.id, card);
      message.tools.append(card.element);
    }
    this.updateEmpty();
  }

  /** Cards go under the turn that made the call; without it, under the latest reply. */
  private toolsFor(messageId: string): HTMLElement {
    const owner = this.messages.get(messageId) ?? [...this.messages.values()].reverse().find((m) => m.role === 'assistant');
    if (owner) return owner.tools;
    const orphan = el('div', 'message-tools orphan-tools');
    this.element.append(orphan);
    return orphan;
  }

  private updateEmpty(): void {
    this.emptyHint.hidden = this.messages.size > 0;
  }
}
