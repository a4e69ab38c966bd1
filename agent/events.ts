import type { Problem } from '../engine/errors';
import type { ApprovalRequest } from './workspace/workspace';

/** Why an agent run ended. */
export type DoneReason = 'answered' | 'stopped' | 'step-limit' | 'loop-detected' | 'failed';

/** Speed and cache figures of one model turn, from llama-server's `timings`. */
export interface StepTimings {
  /** Generation speed, tokens per second. */
  tokensPerSecond: number;
  /** Share of drafted tokens the target model accepted (0..1); undefined without a drafter. */
  draftAcceptance: number | undefined;
  /** Prompt tokens served from the engine's KV cache. */
  cachedPromptTokens: number;
  /** Prompt tokens in all: cached plus evaluated. */
  totalPromptTokens: number;
  /** Tokens the model generated in this turn. */
  generatedTokens: number;
  promptMs: number;
  generationMs: number;
}

/** Why a model turn was sent again. */
export type RetryCause = 'engine' | 'parse';

/**
 * Everything a run reports, in order. `step` counts model turns from 1. Text and reasoning
 * stream as deltas; a step that is retried after an engine failure is announced with a
 * 'step-retry' event, and its partial deltas should be discarded by a UI.
 */
export type AgentEvent =
  | { type: 'run-started'; request: string }
  | { type: 'step-started'; step: number }
  /** The engine is reading the prompt: `processed` of `total` tokens, `cached` of them from its cache. */
  | { type: 'prompt-progress'; step: number; processed: number; total: number; cached: number }
  | { type: 'text-delta'; step: number; delta: string }
  | { type: 'reasoning-delta'; step: number; delta: string }
  | { type: 'tool-call-proposed'; step: number; callId: string; tool: string; args: unknown }
  | { type: 'approval-needed'; step: number; callId: string; request: ApprovalRequest }
  | { type: 'approval-decided'; step: number; callId: string; approved: boolean; automatic: boolean; reason?: string }
  /** Live output of a running tool (command output as it arrives). */
  | { type: 'tool-output'; step: number; callId: string; chunk: string }
  /** What went back to the model for a call, including validation errors and denials. */
  | { type: 'tool-result'; step: number; callId: string; tool: string; content: string; isError: boolean }
  | { type: 'step-finished'; step: number; finishReason: string; timings: StepTimings | undefined }
  | { type: 'step-retry'; step: number; cause: RetryCause; attempt: number; message: string }
  | { type: 'context-compacted'; tokensBefore: number; tokensAfter: number; method: 'truncate' | 'summarise' }
  /**
   * Project rules files (AGENTS.md, ...) the model has: at the start of a run all that apply,
   * later those a step's calls brought in. `cut`: shown in part or left out to fit the budget.
   */
  | { type: 'project-rules'; files: string[]; cut: string[] }
  /** A problem the run reports; `fatal` ones end it with reason 'failed'. `problem`: the code and facts behind it, when known. */
  | { type: 'error'; message: string; fatal: boolean; problem?: Problem }
  | { type: 'done'; reason: DoneReason; steps: number; answer: string; error?: string };

export type AgentEventType = AgentEvent['type'];

export type AgentEventListener = (event: AgentEvent) => void;
