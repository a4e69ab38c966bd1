/**
 * How each OpenAI-compatible server says a prompt does not fit its context, so the client can
 * raise EngineContextOverflowError (which makes the agent compact) instead of a plain HTTP
 * error. Only llama-server marks it with a type (`exceed_context_size_error`, with
 * `n_prompt_tokens` and `n_ctx`); the others say it in words, and the numbers are read from
 * those words where they are given.
 *
 * `promptTokens` is what the request needs: where a server counts the answer it was asked to
 * leave room for (vLLM, SGLang: prompt plus max_tokens), the total it names, since that is
 * what has to fit.
 */
export interface OverflowFacts {
  promptTokens?: number;
  contextSize?: number;
}

interface OverflowShape {
  /** Where the wording comes from. */
  readonly server: string;
  readonly pattern: RegExp;
  /** Reads the numbers from the match; absent when the wording carries none. */
  readonly facts?: (m: RegExpExecArray) => OverflowFacts;
}

const n = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text.replace(/,/g, ''));
  return Number.isFinite(value) && value > 0 ? value : undefined;
};

/** A number as the servers print it: digits, perhaps with thousands separators. */
const N = '(\\d[\\d,]*)';

const SHAPES: readonly OverflowShape[] = [
  // llama-server (tools/server/server-context.cpp), also behind Ollama and LM Studio's llama.cpp engine.
  {
    server: 'llama-server',
    pattern: new RegExp(`request \\(${N} tokens\\) exceeds the available context size \\(${N} tokens\\)`, 'i'),
    facts: (m) => ({ promptTokens: n(m[1]), contextSize: n(m[2]) }),
  },
  {
    server: 'llama-server',
    pattern: new RegExp(`input \\(${N} tokens\\) is larger than the max context size \\(${N} tokens\\)`, 'i'),
    facts: (m) => ({ promptTokens: n(m[1]), contextSize: n(m[2]) }),
  },
  // vLLM (vllm/renderers/params.py, vllm/entrypoints/openai/serving_engine.py in older releases):
  // "This model's maximum context length is C tokens. However, you requested M output tokens and
  // your prompt contains at least N input tokens, for a total of at least T tokens. ..."
  {
    server: 'vLLM',
    pattern: new RegExp(`maximum context length is ${N} tokens\\b[\\s\\S]*?for a total of (?:at least )?${N} tokens`, 'i'),
    facts: (m) => ({ contextSize: n(m[1]), promptTokens: n(m[2]) }),
  },
  // older vLLM: "... However, you requested T tokens (N in the messages, M in the completion)."
  // and "... However, you requested N tokens in the messages, Please reduce ..."
  {
    server: 'vLLM',
    pattern: new RegExp(`maximum context length is ${N} tokens\\.? However, you requested ${N} tokens`, 'i'),
    facts: (m) => ({ contextSize: n(m[1]), promptTokens: n(m[2]) }),
  },
  // vLLM: "'max_tokens' or 'max_completion_tokens' is too large: M. This model's maximum context
  // length is C tokens and your request has N input tokens (M > C - N)."
  {
    server: 'vLLM',
    pattern: new RegExp(`too large: ${N}\\. This model's maximum context length is ${N} tokens and your request has ${N} input tokens`, 'i'),
    facts: (m) => {
      const output = n(m[1]);
      const input = n(m[3]);
      return { contextSize: n(m[2]), promptTokens: output !== undefined && input !== undefined ? output + input : input };
    },
  },
  // vLLM's renderer: "You passed N input tokens and requested M output tokens. However, the
  // model's context length is only C tokens, ..."
  {
    server: 'vLLM',
    pattern: new RegExp(`You passed ${N} input tokens and requested ${N} output tokens\\. However, the model's context length is only ${N} tokens`, 'i'),
    facts: (m) => {
      const input = n(m[1]);
      const output = n(m[2]);
      return { promptTokens: input !== undefined ? input + (output ?? 0) : undefined, contextSize: n(m[3]) };
    },
  },
  // The same renderer before it tokenizes: "You passed N input characters and requested M output
  // tokens. However, the model's context length is only C tokens, ..." (characters, not tokens).
  {
    server: 'vLLM',
    pattern: new RegExp(`You passed ${N} input characters[\\s\\S]*?context length is only ${N} tokens`, 'i'),
    facts: (m) => ({ contextSize: n(m[2]) }),
  },
  // vLLM's engine, for prompts given as tokens: "The decoder prompt (length N) is longer than the
  // maximum model length of C."
  {
    server: 'vLLM',
    pattern: new RegExp(`prompt \\(length ${N}\\) is longer than the maximum model length of ${N}`, 'i'),
    facts: (m) => ({ promptTokens: n(m[1]), contextSize: n(m[2]) }),
  },
  // Any other "This model's maximum context length is C tokens" (the OpenAI wording, which
  // vLLM forks and proxies copy).
  {
    server: 'OpenAI-style',
    pattern: new RegExp(`maximum context length is ${N} tokens`, 'i'),
    facts: (m) => ({ contextSize: n(m[1]) }),
  },
  // SGLang (python/sglang/srt/managers/tokenizer_manager.py, _validate_one_request):
  // "The input (N tokens) is longer than the model's context length (C tokens)."
  {
    server: 'SGLang',
    pattern: new RegExp(`input \\(${N} tokens\\) is longer than the model's context length \\(${N} tokens\\)`, 'i'),
    facts: (m) => ({ promptTokens: n(m[1]), contextSize: n(m[2]) }),
  },
  // "Requested token count exceeds the model's maximum context length of C tokens. You requested
  // a total of T tokens: N tokens from the input messages and M tokens for the completion."
  {
    server: 'SGLang',
    pattern: new RegExp(`exceeds the model's maximum context length of ${N} tokens\\.(?: You requested a total of ${N} tokens)?`, 'i'),
    facts: (m) => ({ contextSize: n(m[1]), promptTokens: n(m[2]) }),
  },
  // LM Studio 0.4: "Input does not fit in context length. The input has N tokens, but the context
  // length only supports C tokens." (sent as an `event: error` inside a 200 stream)
  {
    server: 'LM Studio',
    pattern: new RegExp(`input has ${N} tokens, but the context length only supports ${N} tokens`, 'i'),
    facts: (m) => ({ promptTokens: n(m[1]), contextSize: n(m[2]) }),
  },
  // LM Studio 0.3: "Trying to keep the first N tokens when context the overflows. However, the
  // model is loaded with context length of only C tokens, which is not enough. ..."
  {
    server: 'LM Studio',
    pattern: new RegExp(`keep the first ${N} tokens when context the overflows[\\s\\S]*?context length of only ${N} tokens`, 'i'),
    facts: (m) => ({ promptTokens: n(m[1]), contextSize: n(m[2]) }),
  },
  // llama.cpp's context shift, as LM Studio passes it on: "Cannot truncate prompt with n_keep (N) >= n_ctx (C)"
  {
    server: 'LM Studio',
    pattern: new RegExp(`n_keep \\(${N}\\) >= n_ctx \\(${N}\\)`, 'i'),
    facts: (m) => ({ promptTokens: n(m[1]), contextSize: n(m[2]) }),
  },
  // LM Studio: "The number of tokens to keep from the initial prompt is greater than the context length."
  { server: 'LM Studio', pattern: /tokens to keep from the initial prompt is greater than the context length/i },
  // LM Studio's MLX engine.
  { server: 'LM Studio', pattern: /context size has been exceeded/i },
  // Ollama (llm/llama_server.go): "the prompt is longer than the context length currently available
  // to the model; ..." when the last message alone does not fit (older turns it drops silently).
  { server: 'Ollama', pattern: /prompt is longer than the context length/i },
  // Ollama's MLX runner: "input length (N tokens) exceeds the model's maximum context length (C tokens)"
  {
    server: 'Ollama',
    pattern: new RegExp(`input length \\(${N} tokens\\) exceeds the model's maximum context length \\(${N} tokens\\)`, 'i'),
    facts: (m) => ({ promptTokens: n(m[1]), contextSize: n(m[2]) }),
  },
  // Ollama: "prompt too long; exceeded max context length by N tokens" (by how much, not how long).
  { server: 'Ollama', pattern: /prompt too long; exceeded max context length/i },
];

/** The facts of a context overflow when `message` is one, else undefined. */
export function contextOverflowIn(message: string): OverflowFacts | undefined {
  for (const shape of SHAPES) {
    const m = shape.pattern.exec(message);
    if (!m) continue;
    const facts = shape.facts?.(m) ?? {};
    const out: OverflowFacts = {};
    if (facts.promptTokens !== undefined) out.promptTokens = facts.promptTokens;
    if (facts.contextSize !== undefined) out.contextSize = facts.contextSize;
    return out;
  }
  return undefined;
}
