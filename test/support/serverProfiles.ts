/**
 * How the OpenAI-compatible servers a remote engine may be differ where the client can tell,
 * for the scripted engine (scriptedEngine.ts) to play each of them. Written from their public
 * source and issue trackers:
 *
 * - llama-server: llama.cpp tools/server (server-http.cpp, server-context.cpp, server-common.cpp).
 * - vLLM: vllm/entrypoints/openai (api_server.py's AuthenticationMiddleware, engine/protocol.py's
 *   ModelCard, ErrorResponse and DeltaMessage), vllm/renderers/params.py for the overflow wording.
 * - SGLang: python/sglang/srt/entrypoints/openai/serving_base.py and serving_chat.py (errors,
 *   in-stream for a streamed request), managers/tokenizer_manager.py (_validate_one_request).
 * - Ollama: openai/openai.go and middleware/openai.go (its OpenAI endpoint), server/routes.go
 *   and server/prompt.go (model checks, history truncation), llm/llama_server.go.
 * - LM Studio: its bug tracker (lmstudio-ai/lmstudio-bug-tracker #237, #546, #619, #2205, #2322)
 *   and the error bodies users captured from it; its server is not open source.
 */

export type ServerProfileName = 'llama-server' | 'vllm' | 'sglang' | 'ollama' | 'lmstudio';

export const SERVER_PROFILES: readonly ServerProfileName[] = ['llama-server', 'vllm', 'sglang', 'ollama', 'lmstudio'];

export interface HttpReply {
  status: number;
  contentType: string;
  body: string;
}

/** An overflow answered before the stream starts, or inside a stream that began with 200. */
export type OverflowReply = { delivery: 'http'; reply: HttpReply } | { delivery: 'stream'; chunk: string };

export interface ModelListFacts {
  ids: readonly string[];
  nCtx: number;
  created: number;
}

export interface ServerProfile {
  readonly name: ServerProfileName;
  /** The id it lists when a test names none, as such a server would name Gemma 4 12B. */
  readonly defaultModel: string;
  /** GET /v1/models. */
  modelList(facts: ModelListFacts): unknown;
  /** GET /health when ready; undefined: there is no such route. */
  health(): HttpReply | undefined;
  /** Any route the server does not have. */
  notFound(method: string, path: string): HttpReply;
  /** A missing or wrong key. */
  unauthorized(): HttpReply;
  /** /props, /tokenize, /metrics: llama-server's own endpoints. */
  readonly nativeEndpoints: boolean;
  /** The thinking's field in a delta. */
  readonly reasoningField: 'reasoning_content' | 'reasoning';
  /** llama-server's timings in the last chunk. */
  readonly timings: boolean;
  /** A request without `model`: refused with this reply, or undefined when the server picks its own. */
  missingModel(): HttpReply | undefined;
  /** A request naming a model the server lacks: refused with this reply, or undefined when it uses its own anyway. */
  unknownModel(model: string, ids: readonly string[]): HttpReply | undefined;
  /** A prompt of `promptTokens` with `maxTokens` to answer in (if the request set it), against a context of `nCtx`, for a streamed request or not. */
  overflow(promptTokens: number, nCtx: number, maxTokens: number | undefined, streamed: boolean): OverflowReply;
  /** The `Server` header, where the server sends one. */
  readonly serverHeader?: string;
}

const json = (status: number, body: unknown): HttpReply => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
const text = (status: number, body: string): HttpReply => ({ status, contentType: 'text/plain; charset=utf-8', body });
const sse = (payload: unknown, event?: string): string => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(payload)}\n\n`;

/** FastAPI's answer to an unknown route (vLLM, SGLang). */
const fastApiNotFound = (): HttpReply => json(404, { detail: 'Not Found' });

const llamaServer: ServerProfile = {
  name: 'llama-server',
  defaultModel: '/models/gemma-4-12B-it-Q4_K_M.gguf',
  // One model; id is --alias, else -hf's repository, else -m's path as given
  // (server-context.cpp, common_params_model::get_name). /v1/models also carries an
  // Ollama-style "models" list.
  modelList: ({ ids, nCtx, created }) => ({
    models: ids.map((id) => ({ name: id, model: id, modified_at: '', size: '', digest: '', type: 'model', description: '', tags: [''], capabilities: ['completion', 'multimodal'] })),
    object: 'list',
    data: ids.map((id) => ({
      id,
      aliases: [],
      tags: [],
      object: 'model',
      created,
      owned_by: 'llamacpp',
      meta: { vocab_type: 2, n_vocab: 262144, n_ctx: nCtx, n_ctx_train: 262144, n_embd: 3840, n_params: 11_766_034_944, size: 7_300_000_000, ftype: 15 },
    })),
  }),
  health: () => json(200, { status: 'ok' }),
  notFound: () => json(404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } }),
  unauthorized: () => json(401, { error: { message: 'Invalid API Key', type: 'authentication_error', code: 401 } }),
  nativeEndpoints: true,
  reasoningField: 'reasoning_content',
  timings: true,
  missingModel: () => undefined,
  unknownModel: () => undefined,
  overflow: (promptTokens, nCtx) => ({
    delivery: 'http',
    reply: json(400, {
      error: {
        code: 400,
        message: `request (${promptTokens} tokens) exceeds the available context size (${nCtx} tokens), try increasing it`,
        type: 'exceed_context_size_error',
        n_prompt_tokens: promptTokens,
        n_ctx: nCtx,
      },
    }),
  }),
  serverHeader: 'llama.cpp',
};

const vllm: ServerProfile = {
  name: 'vllm',
  defaultModel: 'google/gemma-4-12b-it',
  modelList: ({ ids, nCtx, created }) => ({
    object: 'list',
    data: ids.map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: 'vllm',
      root: id,
      parent: null,
      max_model_len: nCtx,
      permission: [{ id: 'modelperm-0', object: 'model_permission', created, allow_create_engine: false, allow_sampling: true, allow_logprobs: true, allow_search_indices: false, allow_view: true, allow_fine_tuning: false, organization: '*', group: null, is_blocking: false }],
    })),
  }),
  // An empty 200, outside the /v1 prefix the key guards.
  health: () => ({ status: 200, contentType: 'application/json', body: '' }),
  notFound: fastApiNotFound,
  unauthorized: () => json(401, { error: 'Unauthorized' }),
  nativeEndpoints: false,
  reasoningField: 'reasoning',
  timings: false,
  // Newer vLLM takes the first served model; older releases required it (see legacyVllm).
  missingModel: () => undefined,
  unknownModel: (model, ids) => (ids.includes(model) ? undefined : json(404, { error: { message: `The model \`${model}\` does not exist.`, type: 'NotFoundError', param: 'model', code: 404 } })),
  overflow: (promptTokens, nCtx, maxTokens) => ({
    delivery: 'http',
    reply: json(400, {
      error: {
        message:
          `This model's maximum context length is ${nCtx} tokens. However, you requested ${maxTokens ?? 0} output tokens and your prompt contains at least ` +
          `${promptTokens} input tokens, for a total of at least ${promptTokens + (maxTokens ?? 0)} tokens. Please reduce the length of the input prompt or the number of requested output tokens.`,
        type: 'BadRequestError',
        param: 'input_tokens',
        code: 400,
      },
    }),
  }),
};

/** vLLM before `model` became optional and errors were nested: flat errors, `reasoning_content`. */
const legacyVllm: ServerProfile = {
  ...vllm,
  reasoningField: 'reasoning_content',
  missingModel: () =>
    json(400, { object: 'error', message: "[{'type': 'missing', 'loc': ('body', 'model'), 'msg': 'Field required', 'input': {}}]", type: 'BadRequestError', param: null, code: 400 }),
  unknownModel: (model, ids) => (ids.includes(model) ? undefined : json(404, { object: 'error', message: `The model \`${model}\` does not exist.`, type: 'NotFoundError', param: null, code: 404 })),
  overflow: (promptTokens, nCtx, maxTokens) => ({
    delivery: 'http',
    reply: json(400, {
      object: 'error',
      message:
        maxTokens === undefined
          ? `This model's maximum context length is ${nCtx} tokens. However, you requested ${promptTokens} tokens in the messages, Please reduce the length of the messages.`
          : `This model's maximum context length is ${nCtx} tokens. However, you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
      type: 'BadRequestError',
      param: null,
      code: 400,
    }),
  }),
};

const sglang: ServerProfile = {
  name: 'sglang',
  defaultModel: 'google/gemma-4-12b-it',
  modelList: ({ ids, nCtx, created }) => ({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created, owned_by: 'sglang', root: id, max_model_len: nCtx })) }),
  health: () => ({ status: 200, contentType: 'application/json', body: '' }),
  notFound: fastApiNotFound,
  unauthorized: () => json(401, { error: 'Unauthorized' }),
  nativeEndpoints: false,
  reasoningField: 'reasoning_content',
  timings: false,
  missingModel: () => undefined,
  unknownModel: () => undefined,
  // Tokenizing happens inside the streaming generator: the 200 is sent, then the error as an event.
  overflow: (promptTokens, nCtx, _maxTokens, streamed) => {
    const error = { object: 'error', message: `The input (${promptTokens} tokens) is longer than the model's context length (${nCtx} tokens).`, type: 'BadRequestError', param: null, code: 400 };
    return streamed ? { delivery: 'stream', chunk: `${sse({ error })}data: [DONE]\n\n` } : { delivery: 'http', reply: json(400, error) };
  },
};

const ollamaError = (status: number, message: string): HttpReply =>
  json(status, { error: { message, type: status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : 'api_error', param: null, code: null } });

const ollama: ServerProfile = {
  name: 'ollama',
  defaultModel: 'gemma4:12b',
  // owned_by is the namespace of the name: "library" for the official models.
  modelList: ({ ids, created }) => ({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created, owned_by: id.includes('/') ? id.split('/')[0] : 'library' })) }),
  health: () => undefined,
  notFound: () => text(404, '404 page not found'),
  // Ollama has no keys of its own; a team puts it behind a proxy that checks one.
  unauthorized: () => text(401, 'Unauthorized'),
  nativeEndpoints: false,
  reasoningField: 'reasoning',
  timings: false,
  missingModel: () => ollamaError(400, 'model is required'),
  unknownModel: (model, ids) => (ids.includes(model) || ids.includes(`${model}:latest`) ? undefined : ollamaError(404, `model '${model}' not found`)),
  // Older turns are dropped to fit num_ctx without a word (server/prompt.go); only a last
  // message that alone does not fit is refused.
  overflow: () => ({
    delivery: 'http',
    reply: ollamaError(
      400,
      'the prompt is longer than the context length currently available to the model; shorten the prompt, adjust the context length in settings, or use a model with a longer context length',
    ),
  }),
};

const lmStudio: ServerProfile = {
  name: 'lmstudio',
  defaultModel: 'google/gemma-4-12b',
  modelList: ({ ids }) => ({ data: ids.map((id) => ({ id, object: 'model', owned_by: 'organization_owner' })), object: 'list' }),
  health: () => undefined,
  // "Unexpected endpoint or method. (GET /health). Returning 200 anyway"
  notFound: (method, path) => json(200, { error: `Unexpected endpoint or method. (${method} ${path})` }),
  unauthorized: () =>
    json(401, {
      error: {
        type: 'invalid_request',
        code: 'invalid_api_key',
        message:
          "An LM Studio API token is required to make requests to this server, but none was provided using the Authorization header using the 'Bearer' scheme (i.e., 'Authorization: Bearer $LM_API_TOKEN').",
      },
    }),
  nativeEndpoints: false,
  reasoningField: 'reasoning_content',
  timings: false,
  missingModel: () => json(400, { error: { message: "'model' field is required", type: 'invalid_request_error', param: 'model', code: 'missing_required_parameter' } }),
  // With one model loaded it answers with that one whatever the request names (bug tracker #619).
  unknownModel: (model, ids) =>
    ids.length <= 1 || ids.includes(model)
      ? undefined
      : json(404, { error: { message: `Model "${model}" not found. Please specify a valid model.\n\nYour models:\n\n${ids.join('\n')}`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' } }),
  // 0.4.21: an `event: error` inside a 200 stream (bug tracker #2322).
  overflow: (promptTokens, nCtx, _maxTokens, streamed) => {
    const message = `Input does not fit in context length. The input has ${promptTokens} tokens, but the context length only supports ${nCtx} tokens.`;
    return streamed ? { delivery: 'stream', chunk: sse({ error: { message }, message }, 'error') } : { delivery: 'http', reply: json(400, { error: { message }, message }) };
  },
};

export function serverProfile(name: ServerProfileName, options: { legacy?: boolean } = {}): ServerProfile {
  switch (name) {
    case 'llama-server':
      return llamaServer;
    case 'vllm':
      return options.legacy ? legacyVllm : vllm;
    case 'sglang':
      return sglang;
    case 'ollama':
      return ollama;
    case 'lmstudio':
      return lmStudio;
  }
}
