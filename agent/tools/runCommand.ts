import type { AgentTool, ToolContext, ToolOutput, Validation } from '../tool';
import type { ApprovalRequest, CommandResult } from '../workspace/workspace';
import { stripTerminalEscapes } from '../workspace/terminalEscapes';
import { parametersSchema, validateArgs, type ParamTable } from './toolArgs';
import { TOOL_LIMITS } from './toolLimits';
import { failure, fenced, guarded, ok, oneLine } from './toolOutput';

export interface RunCommandArgs {
  command: string;
  timeout_seconds?: number;
}

const NAME = 'run_command';

const PARAMS: ParamTable = {
  command: { type: 'string', description: 'The command line, run by the shell in the workspace root.', nonEmpty: true },
  timeout_seconds: {
    type: 'integer',
    description: `Stop it after this many seconds (default ${TOOL_LIMITS.commandDefaultTimeoutSeconds}).`,
    optional: true,
    minimum: 1,
    maximum: TOOL_LIMITS.commandMaxTimeoutSeconds,
  },
};

/**
 * Runs a shell command in the workspace root and reports its exit code and output. A
 * non-zero exit or a timeout comes back as an error result, with the output, so the model
 * sees that something failed.
 */
export class RunCommandTool implements AgentTool<RunCommandArgs> {
  readonly category = 'command';
  readonly definition = {
    type: 'function' as const,
    function: { name: NAME, description: 'Run a shell command in the workspace root; returns its exit code and output.', parameters: parametersSchema(PARAMS) },
  };

  validate(raw: unknown): Validation<RunCommandArgs> {
    return validateArgs<RunCommandArgs>(NAME, raw, PARAMS);
  }

  async describe(args: RunCommandArgs): Promise<ApprovalRequest> {
    return { category: 'command', tool: NAME, title: `Run ${oneLine(args.command)}`, detail: args.command };
  }

  run(args: RunCommandArgs, context: ToolContext): Promise<ToolOutput> {
    return guarded(NAME, async () => {
      const timeoutSeconds = args.timeout_seconds ?? TOOL_LIMITS.commandDefaultTimeoutSeconds;
      const started = Date.now();
      // The sandbox is the boundary: the approved line runs inside it, not beside it.
      const network = context.sandbox && context.commandNetwork ? await context.commandNetwork() : undefined;
      const line = context.sandbox ? context.sandbox.wrap(args.command, context.workspace.root, network) : args.command;
      const result = await context.workspace.runCommand(line, {
        timeoutMs: timeoutSeconds * 1000,
        maxOutputBytes: TOOL_LIMITS.commandOutputBytes,
        signal: context.signal,
        onOutput: context.onOutput,
      });
      const seconds = (Date.now() - started) / 1000;
      const text = report(args.command, result, timeoutSeconds, seconds);
      return result.timedOut || result.exitCode !== 0 ? failure(text) : ok(text);
    });
  }
}

function report(command: string, result: CommandResult, timeoutSeconds: number, seconds: number): string {
  const status = result.timedOut
    ? `Timed out after ${timeoutSeconds} s; the command and everything it started were stopped. Pass a larger timeout_seconds if it needs longer.`
    : result.exitCode === null
      ? `Ended by a signal after ${seconds.toFixed(1)} s.`
      : `Exit code ${result.exitCode} after ${seconds.toFixed(1)} s.`;
  const output = cleanOutput(result.output);
  const body = output.trim() === '' ? '(no output)' : `Output${result.truncated ? ' (too long: the middle was cut)' : ''}:\n${fenced(output)}`;
  return `$ ${oneLine(command, 200)}\n${status}\n${body}`;
}

/* eslint-disable no-control-regex -- control characters are what this removes */
const OTHER_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;
/* eslint-enable no-control-regex */

/**
 * Output as a log would read: colour codes removed, and a progress line redrawn with '\r'
 * reduced to its last state.
 */
export function cleanOutput(output: string): string {
  return stripTerminalEscapes(output)
    .split('\n')
    .map((line) => {
      const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
      const parts = trimmed.split('\r');
      return parts[parts.length - 1];
    })
    .join('\n')
    .replace(OTHER_CONTROL, '');
}
