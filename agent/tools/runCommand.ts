import type { AgentTool, ToolContext, ToolOutput, Validation } from '../tool';
import { missingCodeRunningPaths, removeCreated, type WritableRoots } from '../sandbox/commandSandbox';
import type { ApprovalRequest, CommandResult, Workspace, WorkspaceFolder } from '../workspace/workspace';
import { findFolder, folderList } from '../workspace/workspaceFolders';
import { stripTerminalEscapes } from '../workspace/terminalEscapes';
import { parametersSchema, validateArgs, type ParamTable } from './toolArgs';
import { TOOL_LIMITS } from './toolLimits';
import { failure, fenced, guarded, ok, oneLine, ToolError } from './toolOutput';

export interface RunCommandArgs {
  command: string;
  timeout_seconds?: number;
  /** Only offered in a workspace of several folders. */
  folder?: string;
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

/** The parameters in a workspace of several folders: the command runs in one of them. */
function multiRootParams(folders: readonly string[]): ParamTable {
  return {
    command: { type: 'string', description: 'The command line, run by the shell in the folder given by `folder`.', nonEmpty: true },
    folder: { type: 'string', description: `The workspace folder to run it in: ${folders.join(', ')} (default ${folders[0]}).`, optional: true },
    timeout_seconds: PARAMS.timeout_seconds,
  };
}

/**
 * Runs a shell command in the workspace root and reports its exit code and output. A
 * non-zero exit or a timeout comes back as an error result, with the output, so the model
 * sees that something failed. In a workspace of several folders it runs in one of them (the
 * first unless the call names another), and the sandbox lets it write in every one.
 */
export class RunCommandTool implements AgentTool<RunCommandArgs> {
  readonly category = 'command';
  readonly definition;
  private readonly params: ParamTable;

  /** `folders`: the names of the workspace's folders when it has several; the single-folder tool has no `folder` argument. */
  constructor(folders?: readonly string[]) {
    const multi = folders !== undefined && folders.length > 1;
    this.params = multi ? multiRootParams(folders) : PARAMS;
    this.definition = {
      type: 'function' as const,
      function: {
        name: NAME,
        description: multi ? 'Run a shell command in a folder of the workspace; returns its exit code and output.' : 'Run a shell command in the workspace root; returns its exit code and output.',
        parameters: parametersSchema(this.params),
      },
    };
  }

  validate(raw: unknown): Validation<RunCommandArgs> {
    return validateArgs<RunCommandArgs>(NAME, raw, this.params);
  }

  async describe(args: RunCommandArgs, context: ToolContext): Promise<ApprovalRequest> {
    const folder = commandFolder(args, context.workspace);
    const where = folder && context.workspace.folders ? ` in ${folder.name}` : '';
    return { category: 'command', tool: NAME, title: `Run ${oneLine(args.command)}${where}`, detail: args.command };
  }

  run(args: RunCommandArgs, context: ToolContext): Promise<ToolOutput> {
    return guarded(NAME, async () => {
      const timeoutSeconds = args.timeout_seconds ?? TOOL_LIMITS.commandDefaultTimeoutSeconds;
      let removed: string[] = [];
      const started = Date.now();
      // The sandbox is the boundary: the approved line runs inside it, not beside it.
      const network = context.sandbox && context.commandNetwork ? await context.commandNetwork() : undefined;
      const folder = commandFolder(args, context.workspace);
      const roots = writableRoots(context.workspace, folder);
      const line = context.sandbox ? context.sandbox.wrap(args.command, roots, network) : args.command;
      const missing = context.sandbox ? missingCodeRunningPaths(roots) : undefined;
      let result: CommandResult;
      try {
        result = await context.workspace.runCommand(line, {
          ...(folder ? { folder: folder.name } : {}),
          timeoutMs: timeoutSeconds * 1000,
          maxOutputBytes: TOOL_LIMITS.commandOutputBytes,
          signal: context.signal,
          onOutput: context.onOutput,
        });
      } finally {
        // Also after a timeout or a stop: the command is over either way, and VS Code and the user's git must not run what it left.
        if (missing) removed = removeCreated(missing);
      }
      const seconds = (Date.now() - started) / 1000;
      const text = report(args.command, result, timeoutSeconds, seconds) + removedNote(removed);
      return result.timedOut || result.exitCode !== 0 ? failure(text) : ok(text);
    });
  }
}

/** The folder a command runs in when the workspace has several; throws for a name that is none of them. */
function commandFolder(args: RunCommandArgs, workspace: Workspace): WorkspaceFolder | undefined {
  const folders = workspace.folders;
  if (!folders) return undefined;
  if (args.folder === undefined || args.folder.trim() === '' || args.folder.trim() === '.') return folders[0];
  const name = args.folder.trim().replace(/^\.\//, '').replace(/\/+$/, '');
  const folder = findFolder(folders, name);
  if (!folder) throw new ToolError(`${NAME}: '${args.folder}' is not a folder of the workspace. ${folderList(folders)}; give one of these names.`);
  return folder;
}

/** Where a sandboxed command may write: its workspace folder, or every folder with the one it runs in first. */
function writableRoots(workspace: Workspace, folder: WorkspaceFolder | undefined): WritableRoots {
  if (!folder || !workspace.folders) return workspace.root;
  return [folder.root, ...workspace.folders.filter((f) => f !== folder).map((f) => f.root)];
}

/** What the model is told about the code-running files removed after its command (see missingCodeRunningPaths). */
function removedNote(removed: readonly string[]): string {
  if (removed.length === 0) return '';
  return `\nRemoved ${removed.join(', ')}, which the command made: the editor or git outside the sandbox would run code from there (tasks, editor configuration, hooks, git config, or a commondir sending git to another folder's). To add such a file, use write_file, which asks the user.`;
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
