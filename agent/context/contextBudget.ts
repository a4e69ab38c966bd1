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

/** Compaction aims this far under the limit, so the steps after it do not cross again at once. */
const TARGET_SHARE = 0.7;

/**
 * Keeps track of how full the context is. The engine reports the exact prompt size of every
 * step (cache_n + prompt_n) and how much it generated, so only the messages added since the
 * last step are estimated; without a measurement the whole conversation is. Each measurement
 * also calibrates the character-based estimate (the engine's count over ours for the same
 * messages), so what compaction estimates after a rewrite is in the engine's tokens too: an
 * uncalibrated estimate said 4,607 tokens where the engine counted 12,923, and compaction
 * ran again on the next step.
 */
export class ContextBudget {
  private measured: { messageCount: number; tokens: number } | undefined;
  /** Engine tokens per estimated token, from the last measurement; 1 until one exists. */
  private scale = 1;
  readonly limit: number;
  /** Where compaction aims: well under the limit. */
  readonly target: number;

  constructor(private readonly options: ContextBudgetOptions) {
    const usable = Math.max(0, options.contextSize - options.reserveTokens);
    this.limit = Math.floor(usable * (options.threshold ?? 0.9));
    this.target = Math.floor(this.limit * TARGET_SHARE);
  }

  get contextSize(): number {
    return this.options.contextSize;
  }

  /**
   * Records a finished step: `sentCount` messages made a prompt of `cache_n + prompt_n`
   * tokens, and the reply added `predicted_n`; the reply is the next message.
   */
  observe(sentCount: number, timings: Timings | undefined, sent?: readonly ChatMessage[], tools: readonly ToolDefinition[] = []): void {
    if (!timings) return;
    const prompt = timings.cache_n + timings.prompt_n;
    if (prompt <= 0) return;
    this.measured = { messageCount: sentCount + 1, tokens: prompt + timings.predicted_n };
    if (sent) {
      const estimated = estimateConversationTokens(sent.slice(0, sentCount), tools);
      if (estimated > 0) this.scale = prompt / estimated;
    }
  }

  /** Forgets the measurement, e.g. after the conversation was rewritten by compaction; the calibration stays. */
  reset(): void {
    this.measured = undefined;
  }

  /** The calibrated estimate of a whole conversation, in the engine's tokens. */
  estimate(messages: readonly ChatMessage[], tools: readonly ToolDefinition[]): number {
    return Math.ceil(estimateConversationTokens(messages, tools) * this.scale);
  }

  promptTokens(messages: readonly ChatMessage[], tools: readonly ToolDefinition[]): number {
    const m = this.measured;
    if (m && m.messageCount <= messages.length) {
      return m.tokens + Math.ceil(estimateConversationTokens(messages.slice(m.messageCount)) * this.scale);
    }
    return this.estimate(messages, tools);
  }

  isOver(tokens: number): boolean {
    return tokens > this.limit;
  }
}
