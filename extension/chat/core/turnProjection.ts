import type { AgentEvent } from '../../../agent/events';
import type { ChatMessageView, HostMessage, NoticeLevel, ToolCallView } from '../../../webview/protocol';

/** Command output a card keeps for a restored view; the live page trims the same way. */
export const CARD_OUTPUT_CHARS = 16_000;
/** A tool's result as the card shows it. */
export const CARD_RESULT_CHARS = 4000;

/** The text and path behind an edit card's View diff. */
export interface DiffEntry {
  before: string;
  after: string;
  path?: string;
}

/** What one agent event means for the chat view, applied in order by the controller. */
export type TurnEffect =
  /**
   * The reply appears in the conversation (once, on its first content): `view` is the live
   * reply to keep in the chat, `shown` what to post now (the deltas that follow add the rest).
   */
  | { kind: 'show'; view: ChatMessageView; shown: ChatMessageView }
  | { kind: 'post'; message: HostMessage }
  | { kind: 'diff'; callId: string; diff: DiffEntry }
  | { kind: 'notice'; level: NoticeLevel; text: string }
  | { kind: 'log'; text: string };

/** Events that put something in the reply, so it has to be on the page first. */
const SHOWS_REPLY: ReadonlySet<AgentEvent['type']> = new Set(['text-delta', 'reasoning-delta', 'tool-call-proposed', 'approval-needed', 'approval-decided', 'tool-output', 'tool-result', 'prompt-progress']);

/** "Reading the prompt: 1,200 of 5,100 tokens (4,000 from cache)". */
export function promptProgressText(processed: number, total: number, cached: number): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  return `Reading the prompt: ${n(processed)} of ${n(total)} tokens${cached > 0 ? ` (${n(cached)} from cache)` : ''}`;
}

/**
 * Turns the events of one agent run into the reply the chat shows: its text and thinking,
 * a card per tool call (with approvals, live output and the outcome), and its figures. The
 * reply view it builds is what gets saved, so a reloaded chat shows the same cards, command
 * output included.
 */
export class TurnProjection {
  readonly reply: ChatMessageView;
  private readonly cards = new Map<string, ToolCallView>();
  /** Each project rules file the reply follows, by path, with the words the chat shows. */
  private readonly rules = new Map<string, string>();
  private shown = false;

  constructor(
    replyId: string,
    private readonly contextSize: () => number | undefined,
  ) {
    this.reply = { id: replyId, role: 'assistant', text: '', toolCalls: [] };
  }

  /** Whether the reply has appeared (an empty run shows nothing). */
  get isShown(): boolean {
    return this.shown;
  }

  apply(event: AgentEvent): TurnEffect[] {
    const out: TurnEffect[] = [];
    const post = (message: HostMessage): void => void out.push({ kind: 'post', message });
    // The reply appears as it was before this event; the event's own update follows it.
    if (SHOWS_REPLY.has(event.type)) this.ensureShown(out);
    switch (event.type) {
      case 'text-delta':
        this.reply.text += event.delta;
        post({ type: 'appendDelta', payload: { id: this.reply.id, delta: event.delta } });
        break;
      case 'reasoning-delta':
        this.reply.reasoning = (this.reply.reasoning ?? '') + event.delta;
        post({ type: 'reasoningDelta', payload: { id: this.reply.id, delta: event.delta } });
        break;
      case 'tool-call-proposed':
        post({ type: 'toolCall', payload: this.card(event.callId, { name: event.tool, title: event.tool, state: 'running' }) });
        break;
      case 'approval-needed': {
        const r = event.request;
        if (r.before !== undefined || r.after !== undefined) out.push({ kind: 'diff', callId: event.callId, diff: { before: r.before ?? '', after: r.after ?? '', ...(r.path ? { path: r.path } : {}) } });
        post({ type: 'toolCall', payload: this.card(event.callId, { name: r.tool, title: r.title, category: r.category, detail: r.detail, path: r.path, why: r.why, state: 'pending-approval' }) });
        break;
      }
      case 'approval-decided':
        post({ type: 'toolCall', payload: this.card(event.callId, { state: event.approved ? 'approved' : 'denied', result: event.approved ? undefined : event.reason }) });
        break;
      case 'tool-output': {
        const card = this.cards.get(event.callId);
        if (card) card.output = ((card.output ?? '') + event.chunk).slice(-CARD_OUTPUT_CHARS);
        post({ type: 'toolOutput', payload: { id: event.callId, chunk: event.chunk } });
        break;
      }
      case 'tool-result':
        // A denied card keeps "Denied"; the model's copy of the denial adds nothing for the user.
        if (this.cards.get(event.callId)?.state === 'denied') break;
        post({ type: 'toolCall', payload: this.card(event.callId, { state: event.isError ? 'failed' : 'done', result: event.content.slice(0, CARD_RESULT_CHARS) }) });
        break;
      case 'step-finished':
        if (event.timings) {
          this.ensureShown(out);
          this.reply.stats = {
            outputTokens: event.timings.generatedTokens,
            tokensPerSecond: event.timings.tokensPerSecond,
            draftAcceptance: event.timings.draftAcceptance,
            contextUsed: event.timings.totalPromptTokens + event.timings.generatedTokens,
            contextSize: this.contextSize(),
          };
          post({ type: 'stats', payload: { id: this.reply.id, stats: this.reply.stats } });
        }
        break;
      case 'prompt-progress':
        post({ type: 'replyProgress', payload: { id: this.reply.id, text: promptProgressText(event.processed, event.total, event.cached) } });
        break;
      case 'project-rules':
        for (const file of event.files) this.rules.set(file, event.cut.includes(file) ? `${file} (cut)` : file);
        for (const file of event.cut) if (!event.files.includes(file)) this.rules.set(file, `${file} (left out)`);
        this.reply.rules = [...this.rules.values()];
        // Before the reply appears it carries them; once it is on the page they are an update.
        if (this.shown) post({ type: 'rules', payload: { id: this.reply.id, rules: this.reply.rules } });
        break;
      case 'step-retry':
        out.push({ kind: 'notice', level: 'warning', text: `Retrying: ${event.message}` });
        break;
      case 'error':
        out.push({ kind: 'log', text: `Agent: ${event.message}` });
        break;
      default:
        break;
    }
    return out;
  }

  private ensureShown(out: TurnEffect[]): void {
    if (this.shown) return;
    this.shown = true;
    out.push({ kind: 'show', view: this.reply, shown: { ...this.reply, toolCalls: [...(this.reply.toolCalls ?? [])] } });
  }

  /** Creates or updates a card; the reply's list follows, so what is saved matches the page. */
  private card(callId: string, update: Partial<ToolCallView>): ToolCallView {
    const current = this.cards.get(callId) ?? { id: callId, messageId: this.reply.id, name: update.name ?? 'tool', title: update.name ?? 'tool', state: 'running' as const };
    const next: ToolCallView = { ...current, ...update };
    this.cards.set(callId, next);
    this.reply.toolCalls = [...this.cards.values()];
    // The page gets output through toolOutput; a card update must not append it a second time.
    return { ...next, output: undefined };
  }
}
