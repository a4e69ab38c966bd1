import type { Timings } from '../../engine/client';
import type { ChatMessage, ToolDefinition } from '../../engine/protocol';
import { estimateConversationTokens } from './tokenEstimate';

export interface ContextBudgetOptions {
  /** The engine's context size per slot (n_ctx from /props, or the configured one). */
  contextSize: number;
  /** Room kept free for the reply: max_tokens of a step plus a margin. */
  reserveTokens: number;
  /** Compact once the prompt passes this share of what is left after the reserve (default 0.9). */
  threshold?: number;
}

/**
 * Keeps track of how full the context is. The engine reports the exact prompt size of every
 * step (cache_n + prompt_n) and how much it generated, so only the messages added since the
 * last step are estimated; without a measurement the whole conversation is.
 */
export class ContextBudget {
  private measured: { messageCount: number; tokens: number } | undefined;
  readonly limit: number;

  constructor(private readonly options: ContextBudgetOptions) {
    const usable = Math.max(0, options.contextSize - options.reserveTokens);
    this.limit = Math.floor(usable * (options.threshold ?? 0.9));
  }

  get contextSize(): number {
    return this.options.contextSize;
  }

  /**
   * Records a finished step: `sentCount` messages made a prompt of `cache_n + prompt_n`
   * tokens, and the reply added `predicted_n`; the reply is the next message.
   */
  observe(sentCount: number, timings: Timings | undefined): void {
    if (!timings) return;
    const prompt = timings.cache_n + timings.prompt_n;
    if (prompt <= 0) return;
    this.measured = { messageCount: sentCount + 1, tokens: prompt + timings.predicted_n };
  }

  /** Forgets the measurement, e.g. after the conversation was rewritten by compaction. */
  reset(): void {
    this.measured = undefined;
  }

  promptTokens(messages: readonly ChatMessage[], tools: readonly ToolDefinition[]): number {
    const m = this.measured;
    if (m && m.messageCount <= messages.length) {
      return m.tokens + estimateConversationTokens(messages.slice(m.messageCount));
    }
    return estimateConversationTokens(messages, tools);
  }

  isOver(tokens: number): boolean {
    return tokens > this.limit;
  }
}
