import type { AssembledToolCall, EngineClient, FinishReason, Timings } from '../../engine/client';
import { isAbortError } from '../../engine/errors';
import type { ChatRequest } from '../../engine/protocol';
import type { AgentEvent, StepTimings } from '../events';

export interface TurnOutput {
  text: string;
  reasoning: string;
  calls: AssembledToolCall[];
  finishReason: FinishReason;
  timings: Timings | undefined;
}

export type TurnOutcome =
  | { kind: 'complete'; turn: TurnOutput }
  | { kind: 'aborted'; partialText: string }
  | { kind: 'failed'; error: unknown; partialText: string };

/** Streams one model turn, forwarding text and thinking as they arrive. Never throws. */
export async function streamTurn(
  client: EngineClient,
  request: ChatRequest,
  step: number,
  emit: (event: AgentEvent) => void,
  signal: AbortSignal | undefined,
): Promise<TurnOutcome> {
  let text = '';
  let reasoning = '';
  let calls: AssembledToolCall[] = [];
  try {
    for await (const event of client.streamChat(request, signal ? { signal } : {})) {
      switch (event.type) {
        case 'text':
          text += event.delta;
          emit({ type: 'text-delta', step, delta: event.delta });
          break;
        case 'reasoning':
          reasoning += event.delta;
          emit({ type: 'reasoning-delta', step, delta: event.delta });
          break;
        case 'tool-calls':
          calls = event.calls;
          break;
        case 'prompt-progress':
          emit({ type: 'prompt-progress', step, processed: event.progress.processed, total: event.progress.total, cached: event.progress.cache });
          break;
        case 'done':
          return { kind: 'complete', turn: { text, reasoning, calls, finishReason: event.finishReason, timings: event.timings } };
        default:
          break;
      }
    }
    return { kind: 'failed', error: new Error('the reply ended without a final event'), partialText: text };
  } catch (error) {
    if (isAbortError(error, signal)) return { kind: 'aborted', partialText: text };
    return { kind: 'failed', error, partialText: text };
  }
}

export function stepTimings(timings: Timings | undefined): StepTimings | undefined {
  if (!timings) return undefined;
  return {
    tokensPerSecond: timings.tokensPerSecond,
    draftAcceptance: timings.draftAcceptance,
    cachedPromptTokens: timings.cache_n,
    totalPromptTokens: timings.cache_n + timings.prompt_n,
    generatedTokens: timings.predicted_n,
    promptMs: timings.prompt_ms,
    generationMs: timings.predicted_ms,
  };
}
