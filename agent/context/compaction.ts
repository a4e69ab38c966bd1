import type { ChatMessage, ToolDefinition } from '../../engine/protocol';
import { RULES_NOTE_PREFIX } from './projectRules';
import { estimateConversationTokens, estimateTextTokens } from './tokenEstimate';

/** Writes a summary of the given messages (a request to the model); may throw. */
export type Summariser = (transcript: string, signal?: AbortSignal) => Promise<string>;

export interface CompactionInput {
  messages: readonly ChatMessage[];
  /** Index of the user request the run is working on: kept word for word. */
  requestIndex: number;
  tools: readonly ToolDefinition[];
  /** Token count to get under. */
  limit: number;
  summarise?: Summariser;
  signal?: AbortSignal;
  /** Counts a conversation in the engine's tokens (a calibrated estimate); default: the plain estimate. */
  count?: (messages: readonly ChatMessage[]) => number;
}

export interface CompactionResult {
  messages: ChatMessage[];
  requestIndex: number;
  method: 'truncate' | 'summarise';
  tokensBefore: number;
  tokensAfter: number;
}

/** Recent messages left untouched, so the model still sees its last steps exactly. */
const KEEP_RECENT = 4;
/** What is left of an old tool output after truncation. */
const TRUNCATED_HEAD_CHARS = 300;
/** The transcript sent for summarising is cut to this share of the limit. */
const TRANSCRIPT_SHARE = 0.5;
/** Below this many tokens, a plain list of the calls says as much as a model's summary, for nothing. */
const MIN_MODEL_SUMMARY_TOKENS = 1500;

export const EARLIER_CONVERSATION_HEADER = 'Summary of the earlier conversation (older messages were removed to fit the context):';
export const PROGRESS_HEADER = 'Summary of the steps taken so far on this request (older steps were removed to fit the context):';

/**
 * Makes a conversation fit the context again, in stages that stop as soon as it fits:
 * 1. old tool outputs are cut down (cheap, deterministic, usually enough: file contents and
 *    command logs dominate), then all but the latest one; 2. only when that is not enough,
 *    the oldest turns are replaced by a summary, written by the model when a summariser is
 *    given and there is enough to summarise, else a plain list of the calls made; 3. the
 *    latest tool output is cut too. The system prompt (message 0) and the current user
 *    request are never removed or changed, and a tool call is never separated from its
 *    result. Returns undefined when nothing could be removed.
 */
export async function compactConversation(input: CompactionInput): Promise<CompactionResult | undefined> {
  const count = input.count ?? ((messages: readonly ChatMessage[]): number => estimateConversationTokens(messages, input.tools));
  const tokensBefore = count(input.messages);
  let messages: ChatMessage[] = [...input.messages];
  let requestIndex = input.requestIndex;
  let method: CompactionResult['method'] | undefined;
  const done = (): CompactionResult | undefined =>
    method ? { messages, requestIndex, method, tokensBefore, tokensAfter: count(messages) } : undefined;

  for (const keep of [KEEP_RECENT, 1]) {
    const cut = truncateToolOutputs(messages, keep);
    if (!cut.changed) continue;
    messages = cut.messages;
    method = 'truncate';
    if (count(messages) <= input.limit) return done();
  }

  const summarised = await summariseOldTurns(messages, { ...input, requestIndex });
  if (summarised) {
    messages = summarised.messages;
    requestIndex = summarised.requestIndex;
    method = 'summarise';
    if (count(messages) <= input.limit) return done();
  }

  const cut = truncateToolOutputs(messages, 0);
  if (cut.changed) {
    messages = cut.messages;
    method ??= 'truncate';
  }
  return done();
}

/** Cuts tool outputs down to their head, except in the last `keepRecent` messages. */
function truncateToolOutputs(messages: readonly ChatMessage[], keepRecent: number): { messages: ChatMessage[]; changed: boolean } {
  let changed = false;
  const cutoff = messages.length - keepRecent;
  const out = messages.map((message, index): ChatMessage => {
    if (index >= cutoff || message.role !== 'tool' || typeof message.content !== 'string') return message;
    if (message.content.length <= TRUNCATED_HEAD_CHARS * 2) return message;
    changed = true;
    const removed = message.content.length - TRUNCATED_HEAD_CHARS;
    return {
      ...message,
      content: `${message.content.slice(0, TRUNCATED_HEAD_CHARS)}\n[${removed} more characters of this output were removed to save context; call the tool again if you need them]`,
    };
  });
  return { messages: out, changed };
}

/** A cut before index `i` is allowed when it does not separate tool results from their call. */
function canCutBefore(messages: readonly ChatMessage[], i: number): boolean {
  return i >= messages.length || messages[i]?.role !== 'tool';
}

async function summariseOldTurns(
  messages: ChatMessage[],
  input: CompactionInput,
): Promise<{ messages: ChatMessage[]; requestIndex: number } | undefined> {
  const hasSystem = messages[0]?.role === 'system';
  const start = hasSystem ? 1 : 0;
  const request = input.requestIndex;
  // Keep the latest steps as they are; summarise everything older except the request.
  let cut = Math.max(start, messages.length - KEEP_RECENT);
  while (cut > start && !canCutBefore(messages, cut)) cut--;

  const before = messages.slice(start, Math.min(request, cut));
  const afterStart = request + 1;
  const after = cut > afterStart ? messages.slice(afterStart, cut) : [];
  if (before.length === 0 && after.length === 0) return undefined;

  const summaries = await Promise.all([
    before.length > 0 ? summaryOf(before, input) : Promise.resolve(''),
    after.length > 0 ? summaryOf(after, input) : Promise.resolve(''),
  ]);
  const out: ChatMessage[] = hasSystem && messages[0] ? [messages[0]] : [];
  if (before.length > 0) out.push({ role: 'user', content: `${EARLIER_CONVERSATION_HEADER}\n${summaries[0]}` });
  // When the cut falls before the request, everything from the cut up to it is kept as it was.
  if (cut < request) out.push(...messages.slice(cut, request));
  const requestMessage = messages[request];
  if (!requestMessage) return undefined;
  out.push(requestMessage);
  const newRequestIndex = out.length - 1;
  // A user turn, not the assistant's: the summary quotes tool output, which is data, and
  // must not read as something the model said (or be continued as its own words).
  if (after.length > 0) out.push({ role: 'user', content: `${PROGRESS_HEADER}\n${summaries[1]}` });
  out.push(...messages.slice(Math.max(cut, afterStart)));
  return { messages: out, requestIndex: newRequestIndex };
}

async function summaryOf(messages: readonly ChatMessage[], input: CompactionInput): Promise<string> {
  const transcript = renderTranscript(messages, Math.floor(input.limit * TRANSCRIPT_SHARE));
  if (input.summarise && estimateConversationTokens(messages) >= MIN_MODEL_SUMMARY_TOKENS) {
    try {
      const summary = (await input.summarise(transcript, input.signal)).trim();
      if (summary !== '') return summary;
    } catch (error) {
      // A failed summary must not end the run: the plain list below still fits.
      if (input.signal?.aborted) throw error;
    }
  }
  return plainSummary(messages);
}

/** Without a model: the requests and the calls made, one line each. */
export function plainSummary(messages: readonly ChatMessage[]): string {
  const lines: string[] = [];
  for (const message of messages) {
    const text = message.role === 'user' ? textOf(message.content) : '';
    // An earlier summary is carried over line by line instead of summarised again, so summaries never nest.
    const earlier = [EARLIER_CONVERSATION_HEADER, PROGRESS_HEADER].find((header) => text.startsWith(header));
    if (earlier) lines.push(...text.slice(earlier.length).split('\n').filter((line) => line.trim() !== ''));
    // A note of project rules is the project's text, not a request; it comes again with the next message.
    else if (message.role === 'user' && text.startsWith(RULES_NOTE_PREFIX)) lines.push(`- Project rules were shown (${oneLine(text.slice(RULES_NOTE_PREFIX.length).split(':')[0] ?? '', 120).replace(/^, from /, '')})`);
    else if (message.role === 'user') lines.push(`- The user asked: ${oneLine(text, 200)}`);
    else if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) lines.push(`- Called ${call.function.name} ${oneLine(call.function.arguments, 160)}`);
      const text = textOf(message.content);
      if (text !== '') lines.push(`- Answered: ${oneLine(text, 200)}`);
    } else if (message.role === 'tool') {
      lines.push(`  -> ${oneLine(textOf(message.content), 120)}`);
    }
  }
  return lines.join('\n');
}

/** The messages as plain text for the summariser, cut to about `maxTokens`. */
export function renderTranscript(messages: readonly ChatMessage[], maxTokens: number): string {
  const parts = messages.map((message) => {
    switch (message.role) {
      case 'system':
        return `SYSTEM: ${textOf(message.content)}`;
      case 'user':
        return `USER: ${textOf(message.content)}`;
      case 'assistant': {
        const calls = (message.tool_calls ?? []).map((call) => `CALL ${call.function.name} ${call.function.arguments}`);
        return [`ASSISTANT: ${textOf(message.content)}`, ...calls].join('\n');
      }
      case 'tool':
        return `RESULT: ${oneLine(textOf(message.content), 2000)}`;
    }
  });
  let text = parts.join('\n\n');
  const maxChars = Math.max(1000, maxTokens * 3);
  if (estimateTextTokens(text) > maxTokens && text.length > maxChars) {
    // Keep the start (the task) and the end (the latest state).
    text = `${text.slice(0, maxChars / 2)}\n[...]\n${text.slice(-maxChars / 2)}`;
  }
  return text;
}

function textOf(content: ChatMessage['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : `[${part.type === 'image_url' ? 'image' : 'audio'}]`)).join(' ');
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
