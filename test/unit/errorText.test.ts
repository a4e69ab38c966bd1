import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { cliErrorText, cliProblemText, type CliErrorCode } from '../../agent/cli/cliErrorText';
import { SCREENSHOT_TO_CODE_ERROR_CODES, ScreenshotToCodeError } from '../../agent/screenshotToCode/errors';
import { BuildError, BUILD_ERROR_CODES } from '../../engine/binary/llamaServerBuild';
import { BINARY_ERROR_CODES, BinaryNotFoundError } from '../../engine/binary/serverProbe';
import {
  ENGINE_ERROR_CODES,
  EngineAuthError,
  EngineConnectionLostError,
  EngineContextOverflowError,
  EngineHttpError,
  EngineLoadingError,
  EngineModelMissingError,
  EngineModelRequiredError,
  EngineNotOpenAiError,
  EngineOutputParseError,
  EngineProtocolError,
  EngineToolsUnsupportedError,
  EngineTimeoutError,
  EngineUnavailableError,
} from '../../engine/client/errors';
import { problemOf, type CodedError } from '../../engine/errors';
import { LAUNCH_PLAN_ERROR_CODES, MemoryPlanError, ModelSetError } from '../../engine/launchPlan';
import { MEDIA_ERROR_CODES, MediaError } from '../../engine/media/errors';
import {
  CorruptModelFileError,
  DiskFullError,
  DownloadCancelledError,
  DownloadHttpError,
  InvalidModelSpecError,
  MODEL_FILE_ERROR_CODES,
  ModelNotFoundError,
  NoNetworkError,
  PermissionDeniedError,
  UnsupportedModelFileError,
} from '../../engine/models/errors';
import { ENGINE_START_ERROR_CODES, EngineStartError, EXIT_CAUSE_TEXT, exitCause, type ExitCause } from '../../engine/supervisor/engineSupervisor';
import { errorAdvice, errorText, problemText, type ErrorCode } from '../../extension/errorText';
import { RECORDER_ERROR_CODES, RecorderError } from '../../extension/voice/core/recorderErrors';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Words that belong to VS Code: a setting, a palette command, the packaging. */
const VS_CODE_WORDS = [/gemmaAgent\.\w/, /Gemma Agent: [A-Z]/, /Command Palette/i, /\bpalette\b/i, /\bVSIX\b/];

function vsCodeWord(text: string): RegExp | undefined {
  return VS_CODE_WORDS.find((pattern) => pattern.test(text));
}

const exited = (cause: ExitCause): EngineStartError =>
  new EngineStartError('engine-exited', `The engine exited during start-up (exit code 1). ${EXIT_CAUSE_TEXT[cause]}`.trim(), '', { exit: 'exit code 1', exitCause: cause });

/** One error of each code, built as the engine, the agent and the recorder build them. */
const SAMPLES: Readonly<Record<ErrorCode, () => CodedError>> = {
  'engine-auth': () => new EngineAuthError('Invalid API Key'),
  'engine-not-openai': () => new EngineNotOpenAiError('http://gpu-box:8000', 'GET /v1/models answered HTTP 404', 404),
  'engine-model-missing': () => new EngineModelMissingError('gemma-4-12b', ['google/gemma-4-31B-it']),
  'engine-model-required': () => new EngineModelRequiredError(['gemma4:12b', 'qwen3:8b']),
  'engine-tools-unsupported': () => new EngineToolsUnsupportedError('"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set'),
  'engine-output-parse': () => new EngineOutputParseError('does not match the expected peg-gemma4 format', 'peg-gemma4'),
  'context-overflow': () => new EngineContextOverflowError(9000, 8192, 'the request exceeds the available context size'),
  'engine-loading': () => new EngineLoadingError('Loading model'),
  'engine-http': () => new EngineHttpError(500, '{}', 'failed to decode the batch'),
  'engine-unreachable': () => new EngineUnavailableError('http://127.0.0.1:8080'),
  'engine-connection-lost': () => new EngineConnectionLostError('other side closed'),
  'engine-timeout': () => new EngineTimeoutError(60_000, 'body'),
  'engine-protocol': () => new EngineProtocolError('/props is not JSON: <html>'),
  'engine-not-running': () => new EngineStartError('engine-not-running', 'The engine is not running.', ''),
  'engine-start-timeout': () => new EngineStartError('engine-start-timeout', 'The engine did not become ready within 300 s.', '', { seconds: 300, phase: 'start' }),
  'engine-stopped': () => new EngineStartError('engine-stopped', 'The engine was stopped.', ''),
  'engine-spawn-failed': () => new EngineStartError('engine-spawn-failed', 'Could not start /opt/llama-server: spawn ENOENT. The file does not exist.', '', { binary: '/opt/llama-server', errno: 'ENOENT' }),
  'engine-exited': () => exited('out-of-memory'),
  'engine-crash-loop': () => new EngineStartError('engine-crash-loop', 'The engine crashed 6 times in a row and was not restarted again.', '', { crashes: 6, exitCause: 'unknown' }),
  'engine-shared-start-timeout': () => new EngineStartError('engine-shared-start-timeout', 'Another process (pid 42) has been starting the shared engine for too long.', '', { holder: 42 }),
  'binary-bad-path': () => new BinaryNotFoundError('binary-bad-path', 'The configured llama-server "/nope" does not exist.', { path: '/nope' }),
  'binary-does-not-run': () => new BinaryNotFoundError('binary-does-not-run', '/x did not run (exec format error).', { binary: '/x', reason: 'exec format error' }),
  'binary-not-built': () => new BinaryNotFoundError('binary-not-built', 'llama-server has not been built yet from the bundled llama.cpp source.'),
  'binary-too-old': () => new BinaryNotFoundError('binary-too-old', '/usr/bin/llama-server lacks MTP drafting.', { binary: '/usr/bin/llama-server', missing: ['MTP drafting'] }),
  'binary-not-found': () => new BinaryNotFoundError('binary-not-found', 'No llama-server found.'),
  'build-failed': () => new BuildError('build-failed', 'Compiling llama-server failed (exit code 2).', 'error: ...'),
  'build-cancelled': () => new BuildError('build-cancelled', 'The llama-server build was cancelled.', ''),
  'invalid-model-spec': () => new InvalidModelSpecError('"ftp://x" is not a model location I can use.'),
  'model-not-found': () => new ModelNotFoundError('There is no MTP drafter file at /m/drafter.gguf.', { facts: { role: 'drafter', path: '/m/drafter.gguf' } }),
  'no-network': () => new NoNetworkError('No network: could not reach huggingface.co.', { facts: { host: 'huggingface.co', role: 'model' } }),
  'download-http': () => new DownloadHttpError('Downloading the model failed with HTTP 418.', 418),
  'disk-full': () => new DiskFullError('The disk is full while writing /m/x.partial.', { facts: { path: '/m/x.partial' } }),
  'permission-denied': () => new PermissionDeniedError('Permission denied while creating /m.', { facts: { path: '/m' } }),
  'damaged-file': () => new CorruptModelFileError('/m/x.gguf is not a GGUF file.', { facts: { role: 'model', path: '/m/x.gguf' } }),
  'download-cancelled': () => new DownloadCancelledError('Downloading the model was cancelled.'),
  'unsupported-model-file': () => new UnsupportedModelFileError('hf:a/b:F16 is split into several files.'),
  'model-does-not-fit': () => new MemoryPlanError('The model does not fit in memory even with a context of 8192 tokens.', 8192, 9e9),
  'model-set-mismatch': () => new ModelSetError([{ severity: 'error', role: 'projector', message: 'mmproj.gguf has neither a vision nor an audio encoder.' }]),
  empty: () => new MediaError('empty', 'The image is empty (0 bytes).'),
  unreadable: () => new MediaError('unreadable', 'Cannot read the image /x.png: permission denied.'),
  'unsupported-format': () => new MediaError('unsupported-format', 'Animated WebP images are not supported.'),
  corrupt: () => new MediaError('corrupt', 'The PNG file is damaged.'),
  'too-large': () => new MediaError('too-large', 'The image is too large.'),
  'too-short': () => new MediaError('too-short', 'The recording is too short.'),
  silent: () => new MediaError('silent', 'The recording is silent.'),
  'no-speech': () => new MediaError('no-speech', 'No speech was heard in the recording.'),
  'no-chromium': () => new ScreenshotToCodeError('no-chromium', 'No Chrome or Chromium was found.'),
  'bad-chromium-path': () => new ScreenshotToCodeError('bad-chromium-path', 'The browser path /nope names no runnable program.', { facts: { path: '/nope' } }),
  'no-page': () => new ScreenshotToCodeError('no-page', 'There is no page to render at /w/x.'),
  'render-timeout': () => new ScreenshotToCodeError('render-timeout', 'Rendering the page took longer than 30 s and was stopped.'),
  'render-failed': () => new ScreenshotToCodeError('render-failed', 'chromium ended (exit code 1) without writing a screenshot.', { facts: { browser: 'chromium' } }),
  'no-files': () => new ScreenshotToCodeError('no-files', 'The reply held no files.'),
  'no-recorder': () => new RecorderError('no-recorder', 'No recorder program was found.'),
  'invalid-command': () => new RecorderError('invalid-command', '"gemmaAgent.voice.recorderCommand" has no {file}.'),
  'exited-early': () => new RecorderError('exited-early', 'The recorder exited early.'),
  'no-audio': () => new RecorderError('no-audio', 'The recorder wrote no audio.'),
  busy: () => new RecorderError('busy', 'The recorder is already recording.'),
};

/** The codes the extension's recorder adds; every other code comes from the engine or the agent. */
const EXTENSION_CODES = new Set<string>(RECORDER_ERROR_CODES);

const LOCAL = { remoteUrl: '' };
const REMOTE = { remoteUrl: 'http://gpu-box:8080' };

/** String and template literals of a TypeScript file, without its comments. */
function literals(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) found.push(node.text);
    node.forEachChild(visit);
  };
  visit(source);
  return found;
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

describe('error wording: facts below, words on top', () => {
  it('every code is one of a kind and each family lists its own', () => {
    const families = [ENGINE_ERROR_CODES, ENGINE_START_ERROR_CODES, BINARY_ERROR_CODES, BUILD_ERROR_CODES, MODEL_FILE_ERROR_CODES, LAUNCH_PLAN_ERROR_CODES, MEDIA_ERROR_CODES, SCREENSHOT_TO_CODE_ERROR_CODES, RECORDER_ERROR_CODES];
    const all = families.flat();
    assert.equal(new Set(all).size, all.length, `a code is used twice: ${all.filter((c, i) => all.indexOf(c) !== i).join(', ')}`);
    assert.deepEqual([...all].sort(), Object.keys(SAMPLES).sort(), 'the samples cover every code');
    for (const [code, make] of Object.entries(SAMPLES)) assert.equal(make().code, code);
  });

  it('no engine or agent message names a VS Code setting, command or package', () => {
    for (const [code, make] of Object.entries(SAMPLES)) {
      if (EXTENSION_CODES.has(code)) continue;
      const { message } = make();
      assert.ok(message.trim().length > 0, `${code} has a message`);
      assert.equal(vsCodeWord(message), undefined, `${code}: ${message}`);
    }
    // What the code builds, read from the source: every string in engine/ and agent/.
    for (const file of [...tsFiles(path.join(REPO_ROOT, 'engine')), ...tsFiles(path.join(REPO_ROOT, 'agent'))]) {
      for (const text of literals(file)) {
        const word = vsCodeWord(text);
        assert.equal(word, undefined, `${path.relative(REPO_ROOT, file)}: "${text}" matches ${word}`);
        // The layers below speak of no settings. Allowed: the CLI's usage text, which compares its modes to the
        // extension's, and the policy's reason for asking about a workspace's .vscode/settings.json.
        const allowed = file.includes(`${path.sep}cli${path.sep}`) || file.endsWith('codeRunningFiles.ts');
        if (!allowed && /\s/.test(text)) assert.doesNotMatch(text, /\bsettings?\b/i, `${path.relative(REPO_ROOT, file)}: "${text}"`);
      }
    }
  });

  it('the CLI never answers with VS Code words, for any code', () => {
    for (const [code, make] of Object.entries(SAMPLES)) {
      if (EXTENSION_CODES.has(code)) continue;
      const text = cliErrorText(make());
      assert.equal(vsCodeWord(text), undefined, `${code}: ${text}`);
      assert.ok(text.startsWith(make().message), `${code}: the message comes first, then the advice`);
    }
  });

  it('the extension has words for every code, and adds them after the message', () => {
    for (const [code, make] of Object.entries(SAMPLES)) {
      const error = make();
      for (const context of [LOCAL, REMOTE]) {
        const text = errorText(error, context);
        assert.ok(text.startsWith(error.message), code);
        const advice = errorAdvice(problemOf(error), context);
        assert.equal(text, advice ? `${error.message} ${advice}` : error.message, code);
      }
    }
    assert.equal(errorText(new Error('plain')), 'plain', 'an uncoded error is shown as it is');
    assert.equal(errorText('thrown text'), 'thrown text');
  });

  describe('engine unreachable', () => {
    const error = new EngineUnavailableError('http://127.0.0.1:8080');

    it('is a fact without advice below the top layer', () => {
      assert.equal(error.message, 'Nothing answers at http://127.0.0.1:8080: no engine is listening there.');
    });

    it('in VS Code: start the local engine from the palette, or fix the remote URL', () => {
      assert.match(errorText(error, LOCAL), /start it with "Gemma Agent: Start Engine"/);
      const remote = errorText(new EngineUnavailableError('http://gpu-box:8080'), REMOTE);
      assert.match(remote, /Check that the server at http:\/\/gpu-box:8080 is running, or change "gemmaAgent\.engine\.remoteUrl"/);
      assert.doesNotMatch(remote, /Start Engine/, 'a remote server is not started from the palette');
    });

    it('in the CLI: start llama-server or point --endpoint at one', () => {
      const text = cliErrorText(error);
      assert.match(text, /^Nothing answers at http:\/\/127\.0\.0\.1:8080: no engine is listening there\. Start llama-server \(for example: llama-server -m .*\.gguf --port 8080/);
      assert.match(text, /--endpoint \(or \$GEMMA_AGENT_ENDPOINT\)/);
    });

    it('keeps its words through a wrapper that has it as its cause', () => {
      const wrapper = new Error(`Could not reach the remote engine at http://gpu-box:8080: ${error.message}`, { cause: error });
      assert.match(errorText(wrapper, REMOTE), /^Could not reach the remote engine .* or change "gemmaAgent\.engine\.remoteUrl"\.$/);
    });
  });

  describe('model missing', () => {
    const error = SAMPLES['model-not-found']();

    it('in VS Code: names the setting of the missing file', () => {
      assert.equal(errorText(error, LOCAL), 'There is no MTP drafter file at /m/drafter.gguf. Check "gemmaAgent.model.drafter".');
      assert.match(errorText(new ModelNotFoundError('There is no file at /m/x.gguf.', { facts: { path: '/m/x.gguf' } })), /Check "gemmaAgent\.model\.path", "gemmaAgent\.model\.drafter" and "gemmaAgent\.model\.projector"/);
    });

    it("in the CLI: names llama-server's flag for that file", () => {
      assert.equal(cliErrorText(error), 'There is no MTP drafter file at /m/drafter.gguf. Start llama-server with -md pointing at the Gemma 4 .gguf file.');
    });
  });

  describe('context overflow', () => {
    const error = SAMPLES['context-overflow']();

    it('in VS Code: a new chat, or a larger context where it is set', () => {
      assert.equal(error.message, "The conversation (9000 tokens) no longer fits the engine's context of 8192 tokens.");
      assert.match(errorText(error, LOCAL), /Start a new chat, drop attachments, or raise "gemmaAgent\.engine\.contextSize"\.$/);
      assert.match(errorText(error, REMOTE), /give the remote server a larger context\.$/);
      assert.doesNotMatch(errorText(error, REMOTE), /gemmaAgent\.engine\.contextSize/, 'the local setting does not size a remote server');
    });

    it("in the CLI: a smaller task, or llama-server's -c", () => {
      assert.match(cliErrorText(error), /Give a smaller task, or start llama-server with a larger context \(-c\)\.$/);
    });
  });

  describe('a remote engine that is not what it should be', () => {
    it('not an OpenAI-compatible server: the URL in VS Code, --endpoint in the CLI', () => {
      const error = SAMPLES['engine-not-openai']();
      assert.equal(error.message, 'The server at http://gpu-box:8000 does not answer as an OpenAI-compatible engine (GET /v1/models answered HTTP 404).');
      assert.match(errorText(error, REMOTE), /Check that "gemmaAgent\.engine\.remoteUrl" is the server's base address/);
      assert.match(cliErrorText(error), /Check that --endpoint is the server's base address/);
    });

    it('a model it does not serve, or none chosen among several: the model setting or --model', () => {
      const missing = SAMPLES['engine-model-missing']();
      assert.equal(missing.message, 'The server serves no model named "gemma-4-12b"; it serves "google/gemma-4-31B-it".');
      assert.match(errorText(missing, REMOTE), /Set "gemmaAgent\.engine\.remoteModel" to a model the server serves/);
      assert.match(cliErrorText(missing), /Pass a model the server serves with --model/);
      const none = new EngineModelMissingError(undefined, [], undefined, true);
      assert.match(errorText(none, REMOTE), /none is loaded or installed there\. Load or pull the model on the server/);
      const required = SAMPLES['engine-model-required']();
      assert.equal(required.message, 'The server serves several models ("gemma4:12b", "qwen3:8b") and none is chosen for the requests.');
      assert.match(errorText(required, REMOTE), /Set "gemmaAgent\.engine\.remoteModel" to the model to use\.$/);
      assert.match(cliErrorText(required), /Pass the model to use with --model \(or \$GEMMA_AGENT_MODEL\)\.$/);
    });

    it('a vLLM without tool calling: its flags, or tools off', () => {
      const error = SAMPLES['engine-tools-unsupported']();
      assert.match(errorText(error, REMOTE), /--enable-auto-tool-choice --tool-call-parser gemma4\), or remove "tools" from "gemmaAgent\.engine\.remoteCapabilities"/);
      assert.match(cliErrorText(error), /vLLM: --enable-auto-tool-choice --tool-call-parser gemma4; llama-server: --jinja/);
    });

    it('a refused key says which status', () => {
      assert.match(new EngineAuthError('Forbidden', 403).message, /HTTP 403/);
      assert.match(errorText(new EngineAuthError(), REMOTE), /Set Remote Engine API Key/);
    });
  });

  describe('engine exited', () => {
    it('reads the cause from the log, and states it without advice', () => {
      assert.equal(exitCause('ggml_backend_cuda_buffer_type_alloc_buffer: cudaMalloc failed: out of memory'), 'out-of-memory');
      assert.equal(exitCause('error: invalid argument: --frobnicate'), 'bad-argument');
      assert.equal(exitCause('llama_model_load: error loading model: failed to open /x.gguf'), 'model-file');
      assert.equal(exitCause('all is well'), 'unknown');
      for (const text of Object.values(EXIT_CAUSE_TEXT)) assert.equal(vsCodeWord(text), undefined, text);
    });

    it('in VS Code: the settings that cause it, or the engine log', () => {
      assert.match(errorText(exited('out-of-memory')), /not enough memory .* Lower "gemmaAgent\.engine\.contextSize" or "gemmaAgent\.engine\.gpuLayers", or use a smaller quantization\.$/);
      assert.match(errorText(exited('bad-argument')), /Check "gemmaAgent\.engine\.extraArgs"/);
      assert.match(errorText(exited('unknown')), /^The engine exited during start-up \(exit code 1\)\. See "Gemma Agent: Show Engine Log" for details\.$/);
    });

    it("in the CLI: llama-server's own flags and output", () => {
      assert.match(cliErrorText(exited('out-of-memory')), /Start llama-server with a smaller -c \(context size\) or fewer -ngl \(GPU layers\)/);
      assert.match(cliErrorText(exited('unknown')), /llama-server's output says why\.$/);
    });
  });

  it('words a run that failed from its result, message first', () => {
    const result = { error: 'The connection to the engine broke before the reply finished (other side closed). (gave up after 3 retries)', problem: { code: 'engine-connection-lost', facts: {} } };
    assert.match(problemText(result.error, result.problem, LOCAL), /gave up after 3 retries\) The engine may have crashed or restarted; try again, and see "Gemma Agent: Show Engine Log"/);
    assert.match(cliProblemText(result.error, result.problem), /gave up after 3 retries\) llama-server may have crashed or restarted; check its output and run again\.$/);
    assert.equal(problemText('Something else.', undefined), 'Something else.');
    assert.equal(cliProblemText('Something else.', { code: 'not-a-code', facts: {} }), 'Something else.', 'an unknown code adds nothing');
  });

  it('the API key: the remote key command in VS Code, --api-key in the CLI', () => {
    const error = SAMPLES['engine-auth']();
    assert.match(errorText(error, REMOTE), /"Gemma Agent: Set Remote Engine API Key"/);
    assert.match(errorText(error, LOCAL), /"Gemma Agent: Restart Engine"/);
    assert.match(cliErrorText(error), /--api-key or \$GEMMA_AGENT_API_KEY/);
  });

  it('a declined llama-server download says the way out', () => {
    const declined = new BinaryNotFoundError('binary-not-found', 'No llama-server found.', { declined: true });
    assert.match(errorText(declined), /Download the llama\.cpp build when asked, or set "gemmaAgent\.engine\.serverPath" to a llama-server of your own\.$/);
  });

  it('the CLI table and the extension table know the same engine and agent codes', () => {
    const cliCodes: CliErrorCode[] = Object.keys(SAMPLES).filter((code) => !EXTENSION_CODES.has(code)) as CliErrorCode[];
    for (const code of cliCodes) assert.doesNotThrow(() => cliErrorText(SAMPLES[code]()), code);
  });
});
