import type { AssistantMessage } from './messages';

/**
 * Timings object as llama-server serialises it (server_slot_stats::to_json). The draft
 * fields are present only when a drafter proposed tokens during the request.
 */
export interface WireTimings {
  cache_n: number;
  prompt_n: number;
  prompt_ms: number;
  prompt_per_token_ms: number;
  prompt_per_second: number;
  predicted_n: number;
  predicted_ms: number;
  predicted_per_token_ms: number;
  predicted_per_second: number;
  draft_n?: number;
  draft_n_accepted?: number;
}

export interface Usage {
  completion_tokens: number;
  prompt_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

/** Sent while the prompt is processed when the request sets return_progress. */
export interface PromptProgress {
  total: number;
  cache: number;
  processed: number;
  time_ms: number;
}

export type WireFinishReason = 'stop' | 'length' | 'tool_calls';

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatDelta {
  role?: 'assistant';
  content?: string | null;
  /** The thinking, as llama-server, SGLang, LM Studio and older vLLM name it. */
  reasoning_content?: string;
  /** The thinking, as newer vLLM and Ollama name it. */
  reasoning?: string;
  tool_calls?: ToolCallDelta[];
}

export interface ChunkChoice {
  index: number;
  delta: ChatDelta;
  finish_reason: WireFinishReason | null;
}

/** One `data:` payload of a streamed chat completion. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  system_fingerprint?: string;
  /** Empty in the trailing usage chunk. */
  choices: ChunkChoice[];
  usage?: Usage;
  timings?: WireTimings;
  prompt_progress?: PromptProgress;
}

/** Non-streamed reply. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint?: string;
  choices: Array<{ index: number; message: AssistantMessage; finish_reason: WireFinishReason }>;
  usage: Usage;
  timings?: WireTimings;
}

/**
 * The error object of an OpenAI-compatible server, as the whole body or inside an SSE event.
 * llama-server fills every field; other servers leave some out (LM Studio sends only
 * `message`), and Ollama and LM Studio put a string in `code` (`model_not_found`).
 */
export interface WireError {
  code?: number | string | null;
  message: string;
  type?: string;
  param?: string | null;
  /** Present with type 'exceed_context_size_error'. */
  n_prompt_tokens?: number;
  n_ctx?: number;
}

export interface ErrorBody {
  error: WireError;
}
