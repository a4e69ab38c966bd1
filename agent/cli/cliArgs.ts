import { parseArgs } from 'node:util';
import { errorMessage } from '../../engine/errors';
import { DEFAULT_THINKING_BUDGET } from '../loop/agentOptions';

export interface CliRunOptions {
  /** The (first) folder. */
  workspace: string;
  /** Every folder, the first included, when --workspace is given more than once. */
  folders?: string[];
  endpoint: string;
  apiKey: string | undefined;
  /** The model every request names; undefined: the one the server lists. */
  model: string | undefined;
  /** default: the extension's default settings; auto: edits and commands too; none: nothing but reads runs without a yes. */
  approvals: ApprovalMode;
  /** Let commands in the sandbox reach the network. */
  network: boolean;
  maxSteps: number | undefined;
  maxTokens: number | undefined;
  temperature: number | undefined;
  contextSize: number | undefined;
  thinking: boolean;
  thinkingBudget: number;
  thinkingSteps: 'every' | 'first-and-after-failure';
  keepEarlierThinking: boolean;
  fullRereads: boolean;
  json: boolean;
  request: string;
}

export type ApprovalMode = 'default' | 'auto' | 'none';
const APPROVAL_MODES: readonly ApprovalMode[] = ['default', 'auto', 'none'];

export type ParsedCli = { kind: 'run'; options: CliRunOptions } | { kind: 'help' } | { kind: 'usage-error'; message: string };

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080';

export const USAGE = `Usage: gemma-agent run --workspace DIR [options] "task"

Runs the Gemma Agent on a folder without VS Code, against a running llama-server
(or any OpenAI-compatible endpoint serving Gemma 4: vLLM, SGLang, Ollama, LM Studio),
and prints what it does.

Options:
  --workspace, -w DIR   The project folder the agent works in (required). Give it again
                        for a workspace of several folders: paths then start with the
                        folder's name, and commands run in the first unless told otherwise.
  --endpoint URL        The engine (default $GEMMA_AGENT_ENDPOINT or ${DEFAULT_ENDPOINT}).
  --api-key KEY         The engine's API key (default $GEMMA_AGENT_API_KEY).
  --model NAME          The model to ask for, as the server's /v1/models lists it
                        (default $GEMMA_AGENT_MODEL, else the one model it lists).
                        Needed when it lists several (Ollama, LM Studio).
  --approvals MODE      What runs without asking: "default" (as the extension's default
                        settings: reads, and the allow-listed commands such as npm test),
                        "auto" (edits and commands too; the never-auto list, files that
                        run code and deny patterns still need a yes) or "none" (only reads).
  --auto-approve        The same as --approvals auto.
  --network             Let commands reach the network (they run in an OS sandbox
                        without it: bubblewrap on Linux, sandbox-exec on macOS).
  --max-steps N         Most model turns (default 25).
  --max-tokens N        Most tokens per turn.
  --temperature T       Sampling temperature.
  --context-size N      The engine's context size (default: read from the engine).
  --no-thinking         Answer without the thinking phase (faster).
  --thinking-budget N   Most thinking tokens per step (default ${DEFAULT_THINKING_BUDGET}; 0: none).
  --thinking-steps S    "every" step thinks (default), or "first-and-after-failure".
  --keep-earlier-thinking
                        Send earlier thinking back within a turn, as the official chat
                        template renders it (off: the next turn's prompt cache is kept).
  --full-rereads        Send a file read again whole (off: "not changed" or the diff
                        since the earlier whole read, while that read is in the history).
  --json                Print events as JSON lines instead of text.
  --help, -h            Show this help.

What does not run on its own is asked for on a terminal, and denied (with a message saying
so) when input is not a terminal. Reads are always allowed.

Exit codes: 0 the agent answered; 1 it failed, was stopped or hit a limit; 2 usage error.`;

/** `value` as a whole number of at least 1, or undefined when absent; throws naming `name` otherwise. */
export function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, got "${value}".`);
  return n;
}

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ParsedCli {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        workspace: { type: 'string', short: 'w', multiple: true },
        endpoint: { type: 'string' },
        'api-key': { type: 'string' },
        model: { type: 'string' },
        'auto-approve': { type: 'boolean', default: false },
        approvals: { type: 'string' },
        network: { type: 'boolean', default: false },
        'max-steps': { type: 'string' },
        'max-tokens': { type: 'string' },
        temperature: { type: 'string' },
        'context-size': { type: 'string' },
        'no-thinking': { type: 'boolean', default: false },
        'thinking-budget': { type: 'string' },
        'thinking-steps': { type: 'string' },
        'keep-earlier-thinking': { type: 'boolean', default: false },
        'full-rereads': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return { kind: 'usage-error', message: errorMessage(error) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [command, ...rest] = positionals;
  if (command !== 'run') {
    return { kind: 'usage-error', message: command === undefined ? 'Say what to do: gemma-agent run ...' : `Unknown command "${command}"; the only command is "run".` };
  }
  const folders = values.workspace ?? [];
  if (folders.length === 0 || folders.some((folder) => folder === '')) return { kind: 'usage-error', message: '--workspace DIR is required.' };
  const request = rest.join(' ').trim();
  if (request === '') return { kind: 'usage-error', message: 'Give the task as the last argument, in quotes.' };
  const approvals = (values.approvals ?? (values['auto-approve'] ? 'auto' : 'default')) as ApprovalMode;
  if (!APPROVAL_MODES.includes(approvals)) return { kind: 'usage-error', message: `--approvals must be one of ${APPROVAL_MODES.join(', ')}, got "${values.approvals}".` };
  if (values.approvals !== undefined && values['auto-approve'] && approvals !== 'auto') return { kind: 'usage-error', message: '--auto-approve and --approvals disagree; give one of them.' };
  try {
    const thinkingSteps = values['thinking-steps'] ?? 'every';
    if (thinkingSteps !== 'every' && thinkingSteps !== 'first-and-after-failure') throw new Error(`--thinking-steps must be "every" or "first-and-after-failure", got "${thinkingSteps}".`);
    const budget = values['thinking-budget'];
    const thinkingBudget = budget === undefined ? DEFAULT_THINKING_BUDGET : Number(budget);
    if (!Number.isInteger(thinkingBudget) || thinkingBudget < 0) throw new Error(`--thinking-budget must be a whole number of tokens, 0 or more, got "${budget}".`);
    const temperature = values.temperature === undefined ? undefined : Number(values.temperature);
    if (temperature !== undefined && !(temperature >= 0 && temperature <= 2)) {
      throw new Error(`--temperature must be a number from 0 to 2, got "${values.temperature}".`);
    }
    return {
      kind: 'run',
      options: {
        workspace: folders[0],
        ...(folders.length > 1 ? { folders } : {}),
        endpoint: values.endpoint ?? env.GEMMA_AGENT_ENDPOINT ?? DEFAULT_ENDPOINT,
        apiKey: values['api-key'] ?? env.GEMMA_AGENT_API_KEY,
        model: (values.model ?? env.GEMMA_AGENT_MODEL)?.trim() || undefined,
        approvals,
        network: values.network === true,
        maxSteps: positiveInt('--max-steps', values['max-steps']),
        maxTokens: positiveInt('--max-tokens', values['max-tokens']),
        temperature,
        contextSize: positiveInt('--context-size', values['context-size']),
        thinking: values['no-thinking'] !== true,
        thinkingBudget,
        thinkingSteps,
        keepEarlierThinking: values['keep-earlier-thinking'] === true,
        fullRereads: values['full-rereads'] === true,
        json: values.json === true,
        request,
      },
    };
  } catch (error) {
    return { kind: 'usage-error', message: errorMessage(error) };
  }
}
