import type { ScreenshotToCodeErrorCode } from '../agent/screenshotToCode/errors';
import type { BinaryErrorCode } from '../engine/binary/serverProbe';
import type { BuildErrorCode } from '../engine/binary/llamaServerBuild';
import type { EngineErrorCode } from '../engine/client/errors';
import { errorMessage, problemOf, type ErrorFacts, type Problem } from '../engine/errors';
import type { LaunchPlanErrorCode } from '../engine/launchPlan';
import type { MediaErrorCode } from '../engine/media/errors';
import type { ModelFileErrorCode } from '../engine/models/errors';
import type { EngineStartErrorCode, ExitCause } from '../engine/supervisor/engineSupervisor';
import type { RecorderErrorCode } from './voice/core/recorderErrors';

/**
 * The VS Code words for a failure: the engine and the agent say what failed (a code, facts
 * and a neutral message); this adds what to do about it here, naming the setting to change
 * or the command to run. The headless CLI has its own words (agent/cli/cliErrorText.ts).
 */

/** Every code a coded error of any layer can carry. */
export type ErrorCode =
  | EngineErrorCode
  | EngineStartErrorCode
  | BinaryErrorCode
  | BuildErrorCode
  | ModelFileErrorCode
  | LaunchPlanErrorCode
  | MediaErrorCode
  | ScreenshotToCodeErrorCode
  | RecorderErrorCode;

export interface WordingContext {
  /** gemmaAgent.engine.remoteUrl: set when the engine is a remote server, empty or absent for the local one. */
  readonly remoteUrl?: string;
}

type Advice = (facts: ErrorFacts, context: WordingContext) => string | undefined;

const setting = (name: string): string => `"gemmaAgent.${name}"`;
const command = (title: string): string => `"Gemma Agent: ${title}"`;
const START = command('Start Engine');
const RESTART = command('Restart Engine');
const LOG = command('Show Engine Log');

const ROLE_SETTING: Readonly<Record<string, string>> = {
  model: setting('model.path'),
  drafter: setting('model.drafter'),
  projector: setting('model.projector'),
};
const MODEL_SETTINGS = `${ROLE_SETTING.model}, ${ROLE_SETTING.drafter} and ${ROLE_SETTING.projector}`;

const roleSetting = (facts: ErrorFacts): string | undefined => (typeof facts.role === 'string' ? ROLE_SETTING[facts.role] : undefined);
const remote = (context: WordingContext): boolean => !!context.remoteUrl;

const EXIT_ADVICE: Readonly<Record<ExitCause, string>> = {
  'model-file': `Check ${MODEL_SETTINGS}.`,
  'bad-argument': `Check ${setting('engine.extraArgs')}, or update llama-server.`,
  'out-of-memory': `Lower ${setting('engine.contextSize')} or ${setting('engine.gpuLayers')}, or use a smaller quantization.`,
  'unknown-architecture': `Update it, or clear ${setting('engine.serverPath')} to use the built-in engine.`,
  'port-in-use': `Run ${RESTART} to try again.`,
  unknown: `See ${LOG} for details.`,
};

const exitAdvice: Advice = (facts) => EXIT_ADVICE[(facts.exitCause as ExitCause | undefined) ?? 'unknown'] ?? EXIT_ADVICE.unknown;

const ADVICE: Readonly<Record<ErrorCode, Advice>> = {
  // The engine client: the engine may be this window's, another window's, or a remote server.
  'engine-auth': (_, c) =>
    remote(c)
      ? `Set the remote engine's key with ${command('Set Remote Engine API Key')}.`
      : `The engine was probably restarted with a new key by another window: run ${RESTART} so both sides share one key.`,
  'engine-not-openai': () =>
    `Check that ${setting('engine.remoteUrl')} is the server's base address (for example http://gpu-box:8000), where GET /v1/models lists its models.`,
  'engine-model-missing': (facts) =>
    facts.none
      ? 'Load or pull the model on the server, then try again.'
      : `Set ${setting('engine.remoteModel')} to a model the server serves, or load that model on the server.`,
  'engine-model-required': () => `Set ${setting('engine.remoteModel')} to the model to use.`,
  'engine-tools-unsupported': () =>
    `Start the server with tool calling (vLLM: --enable-auto-tool-choice --tool-call-parser gemma4), or remove "tools" from ${setting('engine.remoteCapabilities')}.`,
  'engine-output-parse': () => 'Retrying usually fixes it; a lower temperature makes it rarer.',
  'context-overflow': (_, c) =>
    remote(c) ? 'Start a new chat, drop attachments, or give the remote server a larger context.' : `Start a new chat, drop attachments, or raise ${setting('engine.contextSize')}.`,
  'engine-loading': () => 'Wait a moment and try again.',
  'engine-http': (facts, c) =>
    typeof facts.status === 'number' && facts.status < 500
      ? 'This is a bug in the request Gemma Agent sent; please report it with the engine log.'
      : remote(c)
        ? "Try again; if it keeps failing, check the remote server's log."
        : `Try again; if it keeps failing, run ${RESTART} and see ${LOG}.`,
  'engine-unreachable': (facts, c) =>
    remote(c)
      ? `Check that the server at ${String(facts.url ?? c.remoteUrl)} is running, or change ${setting('engine.remoteUrl')}.`
      : `The local engine is not running: start it with ${START}, or see ${LOG} for why it stopped.`,
  'engine-connection-lost': (_, c) =>
    remote(c) ? 'The remote server may have restarted; try again.' : `The engine may have crashed or restarted; try again, and see ${LOG} if it keeps happening.`,
  'engine-timeout': (_, c) =>
    remote(c) ? 'It may be busy with another request or stuck; try again, or check the remote server.' : `It may be busy with another request or stuck; try again, or run ${RESTART}.`,
  'engine-protocol': (_, c) =>
    remote(c)
      ? `Check that ${setting('engine.remoteUrl')} points at llama-server or another OpenAI-compatible server.`
      : `Run ${RESTART}; if it happens again, please report it with the engine log.`,

  // Starting and supervising the local llama-server.
  'engine-not-running': () => `Start it with ${START}.`,
  'engine-start-timeout': () => `See ${LOG} for where it stopped; a large model on a slow disk can take minutes.`,
  'engine-stopped': () => `Start it again with ${START}.`,
  'engine-spawn-failed': () => `Check ${setting('engine.serverPath')}, or clear it to use the built-in engine.`,
  'engine-exited': exitAdvice,
  'engine-crash-loop': exitAdvice,
  'engine-shared-start-timeout': () => 'Try again, or restart the window that is starting it.',

  // Finding or building llama-server.
  'binary-bad-path': () => `Fix ${setting('engine.serverPath')} or clear it to use the built-in engine.`,
  'binary-does-not-run': (facts) =>
    facts.downloaded
      ? `Try again, or set ${setting('engine.serverPath')} to a llama-server built for this machine.`
      : `Set ${setting('engine.serverPath')} to a llama-server built for this machine, or clear it to use the built-in engine.`,
  'binary-not-built': () => `Run ${START} to build it (about 10 minutes), or "npm run engine:build".`,
  'binary-too-old': (facts) =>
    facts.declined ? `Download the llama.cpp build when asked, or set ${setting('engine.serverPath')} to a newer llama-server.` : `Update llama.cpp, or set ${setting('engine.serverPath')} to a newer llama-server.`,
  'binary-not-found': (facts) =>
    facts.declined
      ? `Download the llama.cpp build when asked, or set ${setting('engine.serverPath')} to a llama-server of your own.`
      : `Set ${setting('engine.serverPath')} to a llama-server built for this machine.`,
  'build-failed': () => `The compiler's message is in ${LOG}; or set ${setting('engine.serverPath')} to a llama-server you have.`,
  'build-cancelled': () => undefined,

  // Model files.
  'invalid-model-spec': () => `Fix ${MODEL_SETTINGS}.`,
  'model-not-found': (facts) => `Check ${roleSetting(facts) ?? MODEL_SETTINGS}.`,
  'no-network': (facts) =>
    facts.subject === 'llama-server'
      ? `Set ${setting('engine.serverPath')} to a llama-server you have, or install the linux-x64 VSIX, which carries one.`
      : roleSetting(facts)
        ? `A local file works offline: set ${roleSetting(facts)} to its path.`
        : undefined,
  'download-http': () => undefined,
  'disk-full': () => undefined,
  'permission-denied': () => undefined,
  'damaged-file': (facts) => (roleSetting(facts) ? `Set ${roleSetting(facts)} to a .gguf file.` : undefined),
  'download-cancelled': () => undefined,
  'unsupported-model-file': () => `Then set ${ROLE_SETTING.model} to the merged file.`,
  'model-does-not-fit': () => `Set ${ROLE_SETTING.model} to a smaller quantization.`,
  'model-set-mismatch': (facts) => {
    const roles = Array.isArray(facts.roles) ? facts.roles.map((role) => ROLE_SETTING[role]).filter(Boolean) : [];
    return `Fix ${roles.length > 0 ? roles.join(' and ') : MODEL_SETTINGS}.`;
  },

  // Screenshots and voice clips: their messages already say what to do.
  empty: () => undefined,
  unreadable: () => undefined,
  'unsupported-format': () => undefined,
  corrupt: () => undefined,
  'too-large': () => undefined,
  'too-short': () => undefined,
  silent: () => undefined,
  'no-speech': () => undefined,

  // Screenshot to code.
  'no-chromium': () => `Install Chromium, or set ${setting('preview.chromiumPath')} to a Chrome or Chromium binary.`,
  'bad-chromium-path': () => `Point ${setting('preview.chromiumPath')} at a Chrome or Chromium binary, or clear it to use an installed one.`,
  'no-page': () => undefined,
  'render-timeout': () => undefined,
  'render-failed': () => `If it keeps failing, set ${setting('preview.chromiumPath')} to another browser.`,
  'no-files': () => undefined,

  // Voice recording: the recorder's messages are this layer's already.
  'no-recorder': () => undefined,
  'invalid-command': () => undefined,
  'exited-early': () => undefined,
  'no-audio': () => undefined,
  busy: () => undefined,
};

/** What to do about a problem in VS Code terms; undefined when its message says all there is. */
export function errorAdvice(problem: Problem | undefined, context: WordingContext = {}): string | undefined {
  if (!problem || !Object.hasOwn(ADVICE, problem.code)) return undefined;
  return ADVICE[problem.code as ErrorCode](problem.facts, context);
}

/** A message that travelled as text with its problem beside it (an agent run's result), with the advice added. */
export function problemText(message: string, problem: Problem | undefined, context: WordingContext = {}): string {
  const advice = errorAdvice(problem, context);
  return advice ? `${message} ${advice}` : message;
}

/** What to show for anything thrown: its message, and the VS Code words for what to do when its code has any. */
export function errorText(error: unknown, context: WordingContext = {}): string {
  return problemText(errorMessage(error), problemOf(error), context);
}
