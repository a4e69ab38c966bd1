import type { Token, Tokens } from 'marked';
import type { PostToHost } from '../vscodeApi';
import { createCodeBlock, type CodeBlock } from './codeBlock';
import { isInvisible, lexMarkdown, renderBlock } from './markdown';

/** Runs a callback before the next paint; requestAnimationFrame in the page, manual in tests. */
export type FrameScheduler = (callback: () => void) => void;

interface Block {
  raw: string;
  node: HTMLElement;
  /** Top-level code blocks are updated in place while they stream. */
  code?: CodeBlock;
  closed?: boolean;
}

/** An opening fence is closed when a later line repeats its character at least as often. */
export function isFenceClosed(raw: string): boolean {
  const lines = raw.replace(/\n+$/, '').split('\n');
  const open = /^ {0,3}(`{3,}|~{3,})/.exec(lines[0] ?? '');
  if (!open || lines.length < 2) return false;
  const fence = open[1] as string;
  const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[lines.length - 1] as string);
  return close !== null && (close[1] as string)[0] === fence[0] && (close[1] as string).length >= fence.length;
}

/**
 * Renders a reply while it streams without redoing the whole message per token.
 *
 * Deltas only mark the message dirty; at most one render runs per frame. A render lexes
 * only the text after the frozen blocks: a block with at least two tokens after it can no
 * longer change (blank lines and the next block have closed it), so its DOM node is kept
 * as it is and never looked at again. Of the live tail, only blocks whose source changed
 * are rebuilt (in practice the last one), and a streaming code block is updated in place.
 * When the message ends, one full pass re-lexes everything, still keeping every node whose
 * source is unchanged.
 */
export class StreamingMarkdown {
  readonly element: HTMLElement;
  private source = '';
  private pendingCarriageReturn = false;
  private blocks: Block[] = [];
  /** Blocks [0, frozenCount) are final; frozenLength is how much source they cover. */
  private frozenCount = 0;
  private frozenLength = 0;
  private scheduled = false;
  private done = false;

  constructor(
    element: HTMLElement,
    private readonly post: PostToHost,
    private readonly schedule: FrameScheduler,
    private readonly onRender: () => void = () => undefined,
  ) {
    this.element = element;
  }

  get text(): string {
    return this.source;
  }

  append(delta: string): void {
    if (!delta) return;
    this.source += this.normalize(delta);
    this.requestRender();
  }

  /** Replaces the whole text (restore); renders at once. */
  setText(text: string, done: boolean): void {
    this.source = '';
    this.pendingCarriageReturn = false;
    this.source = this.normalize(text);
    this.done = done;
    this.renderNow();
  }

  /** The message is complete: render everything now, code highlighted. */
  finish(): void {
    if (this.pendingCarriageReturn) this.source += '\n';
    this.pendingCarriageReturn = false;
    this.done = true;
    this.renderNow();
  }

  /** Renders a pending frame at once (tests, and before the view is saved). */
  flush(): void {
    if (this.scheduled) this.render();
  }

  private requestRender(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      if (this.scheduled) this.render();
    });
  }

  private renderNow(): void {
    // A full pass: nothing is frozen, so late link definitions and the final token split apply.
    this.frozenCount = 0;
    this.frozenLength = 0;
    this.render();
  }

  /** The lexer reads \r\n as \n; doing the same here keeps source offsets equal to token offsets. */
  private normalize(delta: string): string {
    let text = this.pendingCarriageReturn ? `\r${delta}` : delta;
    this.pendingCarriageReturn = text.endsWith('\r');
    if (this.pendingCarriageReturn) text = text.slice(0, -1);
    return text.replace(/\r\n?/g, '\n');
  }

  private render(): void {
    this.scheduled = false;
    const tail = this.source.slice(this.frozenLength);
    const tokens = lexMarkdown(tail);
    const visible = tokens.filter((token) => !isInvisible(token));
    const lastVisible = visible[visible.length - 1];
    // A reference definition changes how earlier "[text][ref]" renders, so those are redone.
    const hasDefinitions = Object.keys(tokens.links).length > 0;

    const live = this.blocks.slice(this.frozenCount);
    const next = visible.map((token, index) => this.reconcile(live[index], token, token === lastVisible, hasDefinitions));
    const kept = new Set(next.map((block) => block.node));
    for (const block of live) if (!kept.has(block.node)) block.node.remove();
    // Reused nodes stay where they are; new ones go right after their predecessor.
    let anchor: Node | null = this.frozenCount > 0 ? (this.blocks[this.frozenCount - 1] as Block).node : null;
    for (const block of next) {
      const expected = anchor ? anchor.nextSibling : this.element.firstChild;
      if (block.node !== expected) this.element.insertBefore(block.node, expected);
      anchor = block.node;
    }
    this.blocks = [...this.blocks.slice(0, this.frozenCount), ...next];

    if (!this.done) this.freeze(tokens, tail);
    this.onRender();
  }

  private reconcile(previous: Block | undefined, token: Token, isLast: boolean, hasDefinitions: boolean): Block {
    if (token.type === 'code') {
      const code = token as Tokens.Code;
      const closed = this.done || !isLast || isFenceClosed(code.raw);
      const info = code.lang ?? '';
      if (previous?.code) {
        previous.code.update(code.text, info, closed);
        previous.raw = code.raw;
        previous.closed = closed;
        return previous;
      }
      const block = createCodeBlock(this.post, code.text, info, closed);
      return { raw: code.raw, node: block.element, code: block, closed };
    }
    const unchanged = previous && !previous.code && previous.raw === token.raw && !(hasDefinitions && token.raw.includes('['));
    if (unchanged) return previous;
    return { raw: token.raw, node: renderBlock(token, (nested) => createCodeBlock(this.post, nested.text, nested.lang ?? '', true).element) };
  }

  /** Freezes leading blocks that at least two later tokens have closed off. */
  private freeze(tokens: Token[], tail: string): void {
    let offset = 0;
    for (let index = 0; index < tokens.length - 2; index += 1) {
      const token = tokens[index] as Token;
      // The lexer's raw pieces add up to its input; if that ever fails, stop freezing rather than misalign.
      if (!tail.startsWith(token.raw, offset)) return;
      offset += token.raw.length;
      this.frozenLength += token.raw.length;
      if (!isInvisible(token)) this.frozenCount += 1;
    }
  }
}
