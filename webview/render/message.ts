import { el } from '../dom';
import { iconButton } from '../icons';
import type { ChatMessageView, ReplyStats } from '../protocol';
import type { PostToHost } from '../vscodeApi';
import { createAttachmentChip } from './attachmentChip';
import { ReasoningView } from './reasoning';
import { formatStats } from './stats';
import { StreamingMarkdown, type FrameScheduler } from './streamingMarkdown';

const roleLabels = { user: 'You', assistant: 'Gemma', error: 'Error' } as const;

export interface MessageContext {
  post: PostToHost;
  schedule: FrameScheduler;
  /** Called after each streamed render, so the log can follow the end. */
  onRender: () => void;
  /** "Edit" on a user message: the composer takes its text. */
  onEdit?: (messageId: string, text: string) => void;
}

/**
 * One entry of the conversation. User and error text is plain; assistant text is
 * markdown rendered as it streams, with its thinking above and its tool cards below.
 */
export class MessageElement {
  readonly element: HTMLElement;
  readonly id: string;
  readonly role: ChatMessageView['role'];
  /** Where this turn's tool cards go. */
  readonly tools: HTMLElement;
  private readonly text: HTMLElement;
  private readonly markdown: StreamingMarkdown | undefined;
  private reasoning: ReasoningView | undefined;
  private statsLine: HTMLElement | undefined;
  private rulesLine: HTMLElement | undefined;
  private progressLine: HTMLElement | undefined;
  private readonly runPlan: HTMLElement | undefined;
  private regenerate: HTMLElement | undefined;

  constructor(
    view: ChatMessageView,
    context: MessageContext,
    streaming: boolean,
  ) {
    this.id = view.id;
    this.role = view.role;
    this.element = el('article', `message message-${view.role}`);
    this.element.dataset.messageId = view.id;
    this.element.setAttribute('aria-label', roleLabels[view.role]);
    this.element.append(el('div', 'message-role', roleLabels[view.role]));
    this.text = el('div', 'message-text');
    this.tools = el('div', 'message-tools');

    if (view.role === 'assistant') {
      this.text.classList.add('markdown');
      if (view.reasoning) this.ensureReasoning().append(view.reasoning);
      this.element.append(this.text, this.tools);
      this.markdown = new StreamingMarkdown(this.text, context.post, context.schedule, context.onRender);
      if (view.text) this.markdown.setText(view.text, !streaming);
      if (view.text || !streaming) this.reasoning?.end();
    } else {
      this.text.textContent = view.text;
      this.element.append(this.text);
    }

    if (view.attachments && view.attachments.length > 0) {
      const strip = el('div', 'message-attachments');
      for (const attachment of view.attachments) strip.append(createAttachmentChip(attachment, { onOpen: (id) => context.post('openAttachment', { id }) }));
      this.element.append(strip);
    }
    if (view.role === 'user' && view.historyIndex !== undefined) {
      this.element.append(iconButton('message-edit', 'insert', 'Edit this message and send it again (what came after it is dropped)', () => context.onEdit?.(view.id, view.text), 'Edit'));
    }
    if (view.role === 'assistant') {
      this.regenerate = iconButton('message-regenerate', 'retry', 'Run the message before this reply again', () => context.post('regenerate', { messageId: view.id }), 'Regenerate');
      this.element.append(this.regenerate);
    }
    if (view.role === 'user' && view.checkpoint) {
      this.element.append(iconButton('message-restore', 'retry', 'Restore the workspace files to how they were before this message (shows what changes first)', () => context.post('restoreCheckpoint', { messageId: view.id }), 'Restore files'));
    }
    if (view.role === 'error' && view.retryable) {
      const retry = iconButton('message-retry', 'retry', 'Retry', () => context.post('retry', { messageId: view.id }), 'Retry');
      this.element.append(retry);
    }
    if (view.role === 'assistant' && view.mode === 'ask') {
      // A plan from Ask mode: one click carries it out in Agent mode (shown once it is complete).
      this.runPlan = iconButton('message-run-plan', 'send', 'Run this plan in Agent mode', () => context.post('runPlan', { messageId: view.id }), 'Run in Agent mode');
      this.element.append(this.runPlan);
    }
    if (view.rules) this.setRules(view.rules);
    if (view.stats) this.setStats(view.stats);
    if (view.stopped) this.markStopped();
    this.setStreaming(streaming);
  }

  /** "Reading the prompt: …" until the first text, thinking or the end. */
  setProgress(text: string): void {
    if (!this.progressLine) {
      this.progressLine = el('div', 'message-progress');
      this.progressLine.setAttribute('role', 'status');
      this.element.insertBefore(this.progressLine, this.text.parentNode === this.element ? this.text : null);
    }
    this.progressLine.textContent = text;
  }

  private clearProgress(): void {
    this.progressLine?.remove();
    this.progressLine = undefined;
  }

  appendText(delta: string): void {
    this.clearProgress();
    if (!this.markdown) {
      this.text.append(delta);
      return;
    }
    this.reasoning?.end();
    this.markdown.append(delta);
  }

  appendReasoning(delta: string): void {
    this.clearProgress();
    if (this.role === 'assistant') this.ensureReasoning().append(delta);
  }

  end(stopped = false): void {
    this.clearProgress();
    this.reasoning?.end();
    this.markdown?.finish();
    this.setStreaming(false);
    if (stopped) this.markStopped();
  }

  /** A reply cut short by Stop stays as far as it got, with a note that it is not complete. */
  private markStopped(): void {
    if (this.element.querySelector('.message-stopped')) return;
    this.element.classList.add('stopped');
    this.element.insertBefore(el('div', 'message-stopped', 'Stopped'), this.statsLine ?? null);
  }

  /** aria-busy keeps screen readers from reading every token of a reply as it arrives. */
  private setStreaming(streaming: boolean): void {
    this.element.classList.toggle('streaming', streaming);
    if (this.runPlan) this.runPlan.hidden = streaming;
    if (this.regenerate) this.regenerate.hidden = streaming;
    if (streaming) this.element.setAttribute('aria-busy', 'true');
    else this.element.removeAttribute('aria-busy');
  }

  flush(): void {
    this.markdown?.flush();
  }

  setStats(stats: ReplyStats): void {
    const line = formatStats(stats);
    if (!line) return;
    if (!this.statsLine) {
      this.statsLine = el('div', 'message-stats');
      this.element.append(this.statsLine);
    }
    this.statsLine.textContent = line;
  }

  /** "Rules: AGENTS.md, src/CLAUDE.md", above the figures. */
  setRules(rules: readonly string[]): void {
    if (rules.length === 0) return;
    if (!this.rulesLine) {
      this.rulesLine = el('div', 'message-rules');
      this.element.insertBefore(this.rulesLine, this.statsLine ?? null);
    }
    this.rulesLine.textContent = `Rules: ${rules.join(', ')}`;
  }

  private ensureReasoning(): ReasoningView {
    if (!this.reasoning) {
      this.reasoning = new ReasoningView();
      this.element.insertBefore(this.reasoning.element, this.text.parentNode === this.element ? this.text : null);
    }
    return this.reasoning;
  }
}
