import type { AssistantMessage, PromptProgress, Usage } from '../protocol';
import type { Timings } from './timings';
import type { AssembledToolCall } from './toolCallAssembler';

/** 'unknown' when the stream ended with [DONE] but never said why it stopped. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'unknown';

export type ChatEvent =
  | { type: 'text'; delta: string }
  | { type: 'reasoning'; delta: string }
  | { type: 'tool-call-delta'; index: number; id?: string; name?: string; argumentsDelta: string }
  /** Only with `return_progress: true` in the request, before the first token. */
  | { type: 'prompt-progress'; progress: PromptProgress }
  /** All calls of the turn, assembled; comes just before 'done' and only when there were calls. */
  | { type: 'tool-calls'; calls: AssembledToolCall[] }
  | { type: 'done'; finishReason: FinishReason; timings?: Timings; usage?: Usage };

export type ChatEventType = ChatEvent['type'];

/** What `EngineClient.chat` returns: the whole turn at once. */
export interface ChatResult {
  /** Ready to append to the history of the next request. */
  message: AssistantMessage;
  text: string;
  reasoning: string;
  toolCalls: AssembledToolCall[];
  finishReason: FinishReason;
  timings?: Timings;
  usage?: Usage;
}
