import type { ChatMessage } from './messages';
import type { ToolChoice, ToolDefinition } from './tools';

/** Variables handed to the Jinja chat template. */
export interface ChatTemplateKwargs {
  /** Gemma 4 thinks by default; false skips the thinking block for quick answers. */
  enable_thinking?: boolean;
  [name: string]: unknown;
}

/**
 * Body of POST /v1/chat/completions as llama-server reads it: the OpenAI fields plus the
 * server's own extensions that this project uses.
 */
export interface ChatRequest {
  messages: ChatMessage[];
  /** Ignored by a single-model llama-server; kept for OpenAI compatibility and logs. */
  model?: string;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  min_p?: number;
  seed?: number;
  max_tokens?: number;
  stop?: string | string[];
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  chat_template_kwargs?: ChatTemplateKwargs;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  /** Reuse the KV cache of the common prefix with the slot's previous prompt (server default: true). */
  cache_prompt?: boolean;
  /** Streams prompt-processing progress before the first token, useful for long prompts on CPU. */
  return_progress?: boolean;
  /** Seconds between SSE keepalive comments while the model is silent (server default 30, -1 off). */
  sse_ping_interval?: number;
  /** Most tokens the model may think before the engine ends the thought (llama-server; 0: no thinking, -1: no limit). */
  thinking_budget_tokens?: number;
  /** Pin the request to a slot so its cache is reused (-1: any slot). */
  id_slot?: number;
}
