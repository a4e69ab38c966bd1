import type { BinaryErrorCode } from '../../engine/binary/serverProbe';
import type { BuildErrorCode } from '../../engine/binary/llamaServerBuild';
import type { EngineErrorCode } from '../../engine/client/errors';
import { errorMessage, problemOf, type ErrorFacts, type Problem } from '../../engine/errors';
import type { LaunchPlanErrorCode } from '../../engine/launchPlan';
import type { MediaErrorCode } from '../../engine/media/errors';
import type { ModelFileErrorCode } from '../../engine/models/errors';
import type { EngineStartErrorCode, ExitCause } from '../../engine/supervisor/engineSupervisor';
import type { ScreenshotToCodeErrorCode } from '../screenshotToCode/errors';

/**
 * The headless runner's words for a failure. It talks to a llama-server the user started
 * (or any OpenAI-compatible server), so what to do is said in terms of its own flags and
 * llama-server's, never in the extension's settings or commands.
 */

/** Every code the engine and the agent can report. */
export type CliErrorCode =
  | EngineErrorCode
  | EngineStartErrorCode
  | BinaryErrorCode
  | BuildErrorCode
  | ModelFileErrorCode
  | LaunchPlanErrorCode
  | MediaErrorCode
  | ScreenshotToCodeErrorCode;

type Advice = (facts: ErrorFacts) => string | undefined;

/** llama-server's flag for each file of the model set. */
const ROLE_FLAG: Readonly<Record<string, string>> = { model: '-m', drafter: '-md', projector: '--mmproj' };
const roleFlag = (facts: ErrorFacts): string => (typeof facts.role === 'string' ? (ROLE_FLAG[facts.role] ?? '-m') : '-m');

const EXIT_ADVICE: Readonly<Record<ExitCause, string>> = {
  'model-file': 'Check the files given to llama-server with -m, -md and --mmproj.',
  'bad-argument': 'Check the flags llama-server was started with, or update it.',
  'out-of-memory': 'Start llama-server with a smaller -c (context size) or fewer -ngl (GPU layers), or use a smaller quantization.',
  'unknown-architecture': 'Update llama.cpp: Gemma 4 needs a recent llama-server.',
  'port-in-use': 'Start llama-server on a free --port and pass its URL with --endpoint.',
  unknown: "llama-server's output says why.",
};

const exitAdvice: Advice = (facts) => EXIT_ADVICE[(facts.exitCause as ExitCause | undefined) ?? 'unknown'] ?? EXIT_ADVICE.unknown;

const ADVICE: Readonly<Record<CliErrorCode, Advice>> = {
  'engine-auth': () => "Pass the server's key with --api-key or $GEMMA_AGENT_API_KEY.",
  'engine-not-openai': () => "Check that --endpoint is the server's base address (for example http://127.0.0.1:8080), where GET /v1/models lists its models.",
  'engine-model-missing': (facts) =>
    facts.none ? 'Load or pull the model on the server, then run again.' : 'Pass a model the server serves with --model (or $GEMMA_AGENT_MODEL), or load that model on the server.',
  'engine-model-required': () => 'Pass the model to use with --model (or $GEMMA_AGENT_MODEL).',
  'engine-tools-unsupported': () => 'Start the server with tool calling (vLLM: --enable-auto-tool-choice --tool-call-parser gemma4; llama-server: --jinja).',
  'engine-output-parse': () => 'Retrying usually fixes it; a lower --temperature makes it rarer.',
  'context-overflow': () => 'Give a smaller task, or start llama-server with a larger context (-c).',
  'engine-loading': () => 'Wait a moment and run again.',
  'engine-http': (facts) =>
    typeof facts.status === 'number' && facts.status < 500
      ? "This is a bug in the request gemma-agent sent; please report it with llama-server's output."
      : "Run again; if it keeps failing, check llama-server's output.",
  'engine-unreachable': () =>
    'Start llama-server (for example: llama-server -m gemma-4-12b-it-Q4_K_M.gguf --port 8080 --jinja), ' +
    'or point --endpoint (or $GEMMA_AGENT_ENDPOINT) at a server that runs.',
  'engine-connection-lost': () => "llama-server may have crashed or restarted; check its output and run again.",
  'engine-timeout': () => 'It may be busy with another request or stuck; run again, or restart llama-server.',
  'engine-protocol': () => 'Check that --endpoint points at llama-server or another OpenAI-compatible server.',

  'engine-not-running': () => 'Start llama-server, then run again.',
  'engine-start-timeout': () => "llama-server's output says where it stopped.",
  'engine-stopped': () => 'Start llama-server again.',
  'engine-spawn-failed': () => 'Check that llama-server is installed and starts from a terminal.',
  'engine-exited': exitAdvice,
  'engine-crash-loop': exitAdvice,
  'engine-shared-start-timeout': () => 'Run again once the other process has finished.',

  'binary-bad-path': () => 'Check the path to llama-server.',
  'binary-does-not-run': () => 'Use a llama-server built for this machine.',
  'binary-not-built': () => 'Build it with "npm run engine:build", or install llama.cpp.',
  'binary-too-old': () => 'Update llama.cpp.',
  'binary-not-found': () => 'Install llama.cpp (it provides llama-server), or build it with "npm run engine:build".',
  'build-failed': () => 'Install CMake and a C++ compiler, or install a llama.cpp release instead.',
  'build-cancelled': () => undefined,

  'invalid-model-spec': () => undefined,
  'model-not-found': (facts) => `Start llama-server with ${roleFlag(facts)} pointing at the Gemma 4 .gguf file.`,
  'no-network': () => undefined,
  'download-http': () => undefined,
  'disk-full': () => undefined,
  'permission-denied': () => undefined,
  'damaged-file': (facts) => `Give llama-server a .gguf file with ${roleFlag(facts)}.`,
  'download-cancelled': () => undefined,
  'unsupported-model-file': () => undefined,
  'model-does-not-fit': () => 'Start llama-server with a smaller -c (context size), or use a smaller quantization.',
  'model-set-mismatch': () => 'Start llama-server with files that belong together (-m, -md, --mmproj).',

  empty: () => undefined,
  unreadable: () => undefined,
  'unsupported-format': () => undefined,
  corrupt: () => undefined,
  'too-large': () => undefined,
  'too-short': () => undefined,
  silent: () => undefined,
  'no-speech': () => undefined,

  'no-chromium': () => 'Install Chromium, or set $CHROME_PATH to a Chrome or Chromium binary.',
  'bad-chromium-path': () => 'Point it at a Chrome or Chromium binary.',
  'no-page': () => undefined,
  'render-timeout': () => undefined,
  'render-failed': () => 'If it keeps failing, set $CHROME_PATH to another browser.',
  'no-files': () => undefined,
};

/** What to do about a problem in the CLI's terms; undefined when its message says all there is. */
export function cliErrorAdvice(problem: Problem | undefined): string | undefined {
  if (!problem || !Object.hasOwn(ADVICE, problem.code)) return undefined;
  return ADVICE[problem.code as CliErrorCode](problem.facts);
}

/** A message that travelled as text with its problem beside it (an event, a run result), with the advice added. */
export function cliProblemText(message: string, problem: Problem | undefined): string {
  const advice = cliErrorAdvice(problem);
  return advice ? `${message} ${advice}` : message;
}

/** What the CLI prints for anything thrown: its message, and what to do in the CLI's terms. */
export function cliErrorText(error: unknown): string {
  return cliProblemText(errorMessage(error), problemOf(error));
}
