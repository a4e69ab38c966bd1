/**
 * Small in-memory stand-ins for the agent loop's tests: a Workspace over a Map, a few tools
 * with the real tools' names and shapes, and approvers. The loop must behave the same with
 * the real FsWorkspace and tools, which the end-to-end tests use.
 */
import type { AgentEvent } from '../../agent/events';
import type { AgentTool, ToolContext, ToolOutput, Validation } from '../../agent/tool';
import type {
  ApprovalDecision,
  ApprovalRequest,
  Approver,
  CommandOptions,
  CommandResult,
  DiagnosticItem,
  DirEntry,
  FileChange,
  FileStat,
  TextMatch,
  Workspace,
} from '../../agent/workspace/workspace';
import type { JsonSchema } from '../../engine/protocol';

export class MemoryWorkspace implements Workspace {
  readonly root = '/memory/project';
  readonly files = new Map<string, string>();
  readonly commands: string[] = [];
  readonly changes: FileChange[] = [];
  commandResult: (command: string) => CommandResult = () => ({ exitCode: 0, output: 'ok\n', truncated: false, timedOut: false, via: 'process' });

  constructor(files: Record<string, string> = {}) {
    for (const [name, content] of Object.entries(files)) this.files.set(name, content);
  }

  private check(path: string): string {
    if (path.startsWith('/') || path.split('/').includes('..')) throw new Error(`${path} is outside the workspace; use a path inside it.`);
    return path.replace(/^\.\//, '');
  }

  async readFile(path: string): Promise<string> {
    const content = this.files.get(this.check(path));
    if (content === undefined) throw new Error(`${path} does not exist.`);
    return content;
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const content = this.files.get(this.check(path));
    return content === undefined ? undefined : { type: 'file', size: content.length };
  }

  async listDir(): Promise<DirEntry[]> {
    return [...this.files.keys()].map((name) => ({ name, type: 'file' }));
  }

  async findFiles(): Promise<string[]> {
    return [...this.files.keys()];
  }

  async searchText(): Promise<TextMatch[]> {
    return [];
  }

  async applyChange(change: FileChange): Promise<void> {
    const path = this.check(change.path);
    this.changes.push(change);
    if (change.kind === 'delete') this.files.delete(path);
    else this.files.set(path, change.content);
  }

  async runCommand(command: string, options: CommandOptions): Promise<CommandResult> {
    this.commands.push(command);
    const result = this.commandResult(command);
    options.onOutput?.(result.output);
    return result;
  }

  async diagnostics(): Promise<DiagnosticItem[]> {
    return [];
  }
}

function objectSchema(properties: Record<string, JsonSchema>, required: string[]): JsonSchema {
  return { type: 'object', properties, required };
}

/** Checks that every required field is a string. */
function stringArgs<K extends string>(raw: unknown, keys: K[]): Validation<Record<K, string>> {
  if (typeof raw !== 'object' || raw === null) return { ok: false, error: 'arguments must be an object' };
  const record = raw as Record<string, unknown>;
  for (const key of keys) {
    if (record[key] === undefined) return { ok: false, error: `"${key}" is required` };
    if (typeof record[key] !== 'string') return { ok: false, error: `"${key}" must be a string, got ${typeof record[key]}` };
  }
  return { ok: true, args: record as Record<K, string> };
}

export function readFileTool(): AgentTool<{ path: string }> {
  return {
    definition: { type: 'function', function: { name: 'read_file', description: 'Read a file.', parameters: objectSchema({ path: { type: 'string' } }, ['path']) } },
    category: 'read',
    validate: (raw) => stringArgs(raw, ['path']),
    describe: async (args) => ({ category: 'read', tool: 'read_file', title: `Read ${args.path}`, path: args.path }),
    run: async (args, context: ToolContext): Promise<ToolOutput> => ({ content: await context.workspace.readFile(args.path), isError: false }),
  };
}

export function writeFileTool(): AgentTool<{ path: string; content: string }> {
  return {
    definition: {
      type: 'function',
      function: { name: 'write_file', description: 'Create or replace a file.', parameters: objectSchema({ path: { type: 'string' }, content: { type: 'string' } }, ['path', 'content']) },
    },
    category: 'edit',
    validate: (raw) => stringArgs(raw, ['path', 'content']),
    describe: async (args) => ({ category: 'edit', tool: 'write_file', title: `Write ${args.path}`, path: args.path, after: args.content }),
    run: async (args, context) => {
      const exists = await context.workspace.stat(args.path);
      await context.workspace.applyChange({ kind: exists ? 'modify' : 'create', path: args.path, content: args.content });
      return { content: `Wrote ${args.path}.`, isError: false };
    },
  };
}

export function editFileTool(): AgentTool<{ path: string; old_text: string; new_text: string }> {
  return {
    definition: {
      type: 'function',
      function: {
        name: 'edit_file',
        description: 'Replace text in a file.',
        parameters: objectSchema({ path: { type: 'string' }, old_text: { type: 'string' }, new_text: { type: 'string' } }, ['path', 'old_text', 'new_text']),
      },
    },
    category: 'edit',
    validate: (raw) => stringArgs(raw, ['path', 'old_text', 'new_text']),
    describe: async (args, context) => {
      const before = await context.workspace.readFile(args.path);
      if (!before.includes(args.old_text)) throw new Error(`old_text was not found in ${args.path}; read the file and copy the text exactly.`);
      return { category: 'edit', tool: 'edit_file', title: `Edit ${args.path}`, path: args.path, before, after: before.replace(args.old_text, args.new_text) };
    },
    run: async (args, context) => {
      const before = await context.workspace.readFile(args.path);
      await context.workspace.applyChange({ kind: 'modify', path: args.path, content: before.replace(args.old_text, args.new_text) });
      return { content: `Edited ${args.path}.`, isError: false };
    },
  };
}

export function runCommandTool(): AgentTool<{ command: string }> {
  return {
    definition: { type: 'function', function: { name: 'run_command', description: 'Run a shell command.', parameters: objectSchema({ command: { type: 'string' } }, ['command']) } },
    category: 'command',
    validate: (raw) => stringArgs(raw, ['command']),
    describe: async (args) => ({ category: 'command', tool: 'run_command', title: `Run ${args.command}`, detail: args.command }),
    run: async (args, context) => {
      const onOutput = context.onOutput;
      const result = await context.workspace.runCommand(args.command, { timeoutMs: 10_000, maxOutputBytes: 10_000, ...(onOutput ? { onOutput } : {}) });
      return { content: `exit code ${result.exitCode}\n${result.output}`, isError: result.exitCode !== 0 };
    },
  };
}

export function memoryTools(): AgentTool[] {
  return [readFileTool(), writeFileTool(), editFileTool(), runCommandTool()] as AgentTool[];
}

/** Answers every approval the same way and remembers what it was asked. */
export class ScriptedApprover implements Approver {
  readonly asked: ApprovalRequest[] = [];

  constructor(private readonly answer: (request: ApprovalRequest) => ApprovalDecision = () => ({ approved: true })) {}

  async approve(request: ApprovalRequest): Promise<ApprovalDecision> {
    this.asked.push(request);
    return this.answer(request);
  }
}

export function eventsOfType<T extends AgentEvent['type']>(events: AgentEvent[], type: T): Array<Extract<AgentEvent, { type: T }>> {
  return events.filter((event): event is Extract<AgentEvent, { type: T }> => event.type === type);
}
