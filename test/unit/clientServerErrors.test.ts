import { strict as assert } from 'node:assert';
import {
  contextOverflowIn,
  EngineAuthError,
  EngineContextOverflowError,
  EngineHttpError,
  EngineLoadingError,
  EngineModelMissingError,
  EngineModelRequiredError,
  EngineToolsUnsupportedError,
} from '../../engine/client';
import { errorFromResponseBody } from '../../engine/client/errorClassification';

/**
 * The error shapes of the servers the remote engine may be, as their source and issue
 * trackers show them, each mapped to the error the agent acts on.
 */
describe('errors of OpenAI-compatible servers', () => {
  describe("context overflow, in each server's words", () => {
    const cases: Array<[server: string, message: string, facts: { promptTokens?: number; contextSize?: number }]> = [
      ['llama-server', 'request (9216 tokens) exceeds the available context size (8192 tokens), try increasing it', { promptTokens: 9216, contextSize: 8192 }],
      ['llama-server (no context shift)', 'input (9000 tokens) is larger than the max context size (8192 tokens). skipping', { promptTokens: 9000, contextSize: 8192 }],
      [
        'vLLM renderer',
        "This model's maximum context length is 16384 tokens. However, you requested 8192 output tokens and your prompt contains at least 8193 input tokens, for a total of at least 16385 tokens. Please reduce the length of the input prompt or the number of requested output tokens.",
        { contextSize: 16384, promptTokens: 16385 },
      ],
      [
        'vLLM before the renderer',
        "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
        { contextSize: 4096, promptTokens: 5000 },
      ],
      ['vLLM without max_tokens', "This model's maximum context length is 4096 tokens. However, you requested 4100 tokens in the messages, Please reduce the length of the messages.", { contextSize: 4096, promptTokens: 4100 }],
      [
        'vLLM max_tokens too large',
        "'max_tokens' or 'max_completion_tokens' is too large: 8000. This model's maximum context length is 4096 tokens and your request has 2778 input tokens (8000 > 4096 - 2778). None",
        { contextSize: 4096, promptTokens: 10778 },
      ],
      [
        'vLLM renderer, tokens',
        "You passed 9000 input tokens and requested 100 output tokens. However, the model's context length is only 8192 tokens, resulting in a maximum input length of 8092 tokens. Please reduce the length of the input prompt.",
        { promptTokens: 9100, contextSize: 8192 },
      ],
      [
        'vLLM renderer, characters',
        "You passed 400000 input characters and requested 0 output tokens. However, the model's context length is only 8192 tokens, resulting in a maximum input length of 8192 tokens (at most 98304 characters). Please reduce the length of the input prompt.",
        { contextSize: 8192 },
      ],
      ['vLLM engine', 'The decoder prompt (length 9000) is longer than the maximum model length of 8192. Make sure that `max_model_len` is no smaller than the number of text tokens plus multimodal tokens.', { promptTokens: 9000, contextSize: 8192 }],
      ['SGLang', "The input (43028 tokens) is longer than the model's context length (40960 tokens).", { promptTokens: 43028, contextSize: 40960 }],
      [
        'SGLang with max_tokens',
        "Requested token count exceeds the model's maximum context length of 8192 tokens. You requested a total of 9000 tokens: 8000 tokens from the input messages and 1000 tokens for the completion. Please reduce the number of tokens in the input messages or the completion to fit within the limit.",
        { contextSize: 8192, promptTokens: 9000 },
      ],
      ['LM Studio 0.4', 'Input does not fit in context length. The input has 31430 tokens, but the context length only supports 30000 tokens.', { promptTokens: 31430, contextSize: 30000 }],
      [
        'LM Studio 0.3',
        'Trying to keep the first 111490 tokens when context the overflows. However, the model is loaded with context length of only 32768 tokens, which is not enough. Try to load the model with a larger context length, or provide a shorter input',
        { promptTokens: 111490, contextSize: 32768 },
      ],
      ['LM Studio (llama.cpp)', 'Cannot truncate prompt with n_keep (15028) >= n_ctx (7424)', { promptTokens: 15028, contextSize: 7424 }],
      ['LM Studio keep', 'The number of tokens to keep from the initial prompt is greater than the context length. Try to load the model with a larger context length, or provide a shorter input', {}],
      ['LM Studio MLX', 'Context size has been exceeded.', {}],
      ['Ollama', 'the prompt is longer than the context length currently available to the model; shorten the prompt, adjust the context length in settings, or use a model with a longer context length', {}],
      ['Ollama MLX runner', "input length (9000 tokens) exceeds the model's maximum context length (8192 tokens)", { promptTokens: 9000, contextSize: 8192 }],
      ['Ollama older', 'prompt too long; exceeded max context length by 1200 tokens', {}],
      ['thousands separators', "The input (1,204,281 tokens) is longer than the model's context length (202,752 tokens).", { promptTokens: 1204281, contextSize: 202752 }],
    ];
    for (const [server, message, facts] of cases) {
      it(server, () => {
        assert.deepEqual(contextOverflowIn(message), facts);
        const error = errorFromResponseBody(400, JSON.stringify({ error: { message, type: 'BadRequestError', code: 400 } }));
        assert.ok(error instanceof EngineContextOverflowError, `${server}: ${error.constructor.name}`);
        assert.equal(error.promptTokens, facts.promptTokens);
        assert.equal(error.contextSize, facts.contextSize);
      });
    }

    it('is not claimed for other failures', () => {
      for (const message of ['Invalid API Key', 'rate limit exceeded', 'The model `x` does not exist.', 'Loading model', 'max_tokens must be at least 1, got 0.', 'failed to decode the batch']) {
        assert.equal(contextOverflowIn(message), undefined, message);
      }
    });
  });

  describe('body shapes', () => {
    it("llama-server's typed overflow keeps its own numbers", () => {
      const error = errorFromResponseBody(400, JSON.stringify({ error: { code: 400, message: 'request (9216 tokens) exceeds the available context size (8192 tokens), try increasing it', type: 'exceed_context_size_error', n_prompt_tokens: 9216, n_ctx: 8192 } }));
      assert.ok(error instanceof EngineContextOverflowError);
      assert.deepEqual([error.promptTokens, error.contextSize], [9216, 8192]);
    });

    it("the flat body of SGLang and older vLLM", () => {
      const body = JSON.stringify({ object: 'error', message: "The input (43028 tokens) is longer than the model's context length (40960 tokens).", type: 'BadRequestError', param: null, code: 400 });
      const error = errorFromResponseBody(400, body);
      assert.ok(error instanceof EngineContextOverflowError);
      assert.equal(error.detail, "The input (43028 tokens) is longer than the model's context length (40960 tokens).");
    });

    it("vLLM's and SGLang's 401, whose error is a string, and LM Studio's missing token", () => {
      const plain = errorFromResponseBody(401, '{"error":"Unauthorized"}');
      assert.ok(plain instanceof EngineAuthError);
      assert.equal(plain.detail, 'Unauthorized');
      const lmStudio = errorFromResponseBody(401, JSON.stringify({ error: { type: 'invalid_request', code: 'invalid_api_key', message: 'An LM Studio API token is required to make requests to this server' } }));
      assert.ok(lmStudio instanceof EngineAuthError);
      const forbidden = errorFromResponseBody(403, 'Forbidden');
      assert.ok(forbidden instanceof EngineAuthError);
      assert.equal(forbidden.status, 403);
      assert.match(forbidden.message, /HTTP 403/);
    });

    it('a model the server does not serve, as vLLM, Ollama and LM Studio say it', () => {
      const vllm = errorFromResponseBody(404, JSON.stringify({ error: { message: 'The model `gemma` does not exist.', type: 'NotFoundError', param: 'model', code: 404 } }));
      assert.ok(vllm instanceof EngineModelMissingError);
      assert.equal(vllm.model, 'gemma');
      const ollama = errorFromResponseBody(404, JSON.stringify({ error: { message: "model 'gemma4:12b' not found", type: 'not_found_error', param: null, code: null } }));
      assert.ok(ollama instanceof EngineModelMissingError);
      assert.equal(ollama.model, 'gemma4:12b');
      const lmStudio = errorFromResponseBody(
        400,
        JSON.stringify({ error: { message: 'Invalid model identifier "o4-mini". Please specify a valid downloaded model (e.g., gemma-4-12b-it, qwen3-8b).', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } }),
      );
      assert.ok(lmStudio instanceof EngineModelMissingError);
      assert.equal(lmStudio.model, 'o4-mini');
      assert.deepEqual(lmStudio.available, ['gemma-4-12b-it', 'qwen3-8b']);
      const several = errorFromResponseBody(
        404,
        JSON.stringify({ error: { message: 'Model "default" not found. Please specify a valid model.\n\nYour models:\n\ngemma-3-27b-it-qat\nqwen3-32b', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } }),
      );
      assert.ok(several instanceof EngineModelMissingError);
      assert.deepEqual([several.model, several.available], ['default', ['gemma-3-27b-it-qat', 'qwen3-32b']]);
      const none = errorFromResponseBody(400, JSON.stringify({ error: "No models loaded. Please load a model in the developer page or use the 'lms load' command." }));
      assert.ok(none instanceof EngineModelMissingError);
      assert.equal(none.none, true);
    });

    it('a request without the model a server needs', () => {
      const ollama = errorFromResponseBody(400, JSON.stringify({ error: { message: 'model is required', type: 'invalid_request_error', param: null, code: null } }));
      assert.ok(ollama instanceof EngineModelRequiredError);
      assert.ok(errorFromResponseBody(400, JSON.stringify({ error: { message: "'model' field is required", type: 'invalid_request_error' } })) instanceof EngineModelRequiredError);
      const oldVllm = errorFromResponseBody(400, JSON.stringify({ object: 'error', message: "[{'type': 'missing', 'loc': ('body', 'model'), 'msg': 'Field required', 'input': {}}]", type: 'BadRequestError', param: null, code: 400 }));
      assert.ok(oldVllm instanceof EngineModelRequiredError);
    });

    it('a vLLM started without tool calling', () => {
      const error = errorFromResponseBody(400, JSON.stringify({ error: { message: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set', type: 'BadRequestError', param: null, code: 400 } }));
      assert.ok(error instanceof EngineToolsUnsupportedError);
    });

    it('a loading llama-server and any other failure keep their kinds', () => {
      assert.ok(errorFromResponseBody(503, JSON.stringify({ error: { message: 'Loading model', type: 'unavailable_error', code: 503 } })) instanceof EngineLoadingError);
      const other = errorFromResponseBody(500, 'Internal Server Error');
      assert.ok(other instanceof EngineHttpError);
      assert.equal(other.detail, 'Internal Server Error');
    });
  });
});
