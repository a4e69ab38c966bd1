import type { AgentTool, ToolContext, ToolOutput, Validation } from '../tool';
import type { ApprovalRequest } from '../workspace/workspace';
import { parametersSchema, validateArgs, type ParamTable } from './toolArgs';
import { TOOL_LIMITS } from './toolLimits';
import { clipLine, fenced, guarded, ok, ToolError } from './toolOutput';
import { workspacePath } from './toolPaths';

export interface ReadFileArgs {
  path: string;
  start_line?: number;
  end_line?: number;
}

const NAME = 'read_file';

const PARAMS: ParamTable = {
  path: { type: 'string', description: 'File path relative to the workspace root.', nonEmpty: true },
  start_line: { type: 'integer', description: 'First line to show (1-based).', optional: true, minimum: 1 },
  end_line: { type: 'integer', description: 'Last line to show.', optional: true, minimum: 1 },
};

/**
 * Reads a text file, a window at a time for long files. The text comes as it is, without a
 * number on every line: numbers cost about 40% more tokens on typical code (3,107 against
 * 2,209 for a 200-line file), and edits name text, not lines. The header gives the range.
 */
export class ReadFileTool implements AgentTool<ReadFileArgs> {
  readonly category = 'read';
  readonly definition = {
    type: 'function' as const,
    function: {
      name: NAME,
      description: `Read a text file. The header names the lines shown; long files are shown ${TOOL_LIMITS.readMaxLines} lines at a time; use start_line and end_line for the rest.`,
      parameters: parametersSchema(PARAMS),
    },
  };

  validate(raw: unknown): Validation<ReadFileArgs> {
    const result = validateArgs<ReadFileArgs>(NAME, raw, PARAMS);
    if (result.ok && result.args.start_line !== undefined && result.args.end_line !== undefined && result.args.end_line < result.args.start_line) {
      return { ok: false, error: `${NAME}: 'end_line' (${result.args.end_line}) is before 'start_line' (${result.args.start_line}).` };
    }
    return result;
  }

  async describe(args: ReadFileArgs, context: ToolContext): Promise<ApprovalRequest> {
    const path = workspacePath(NAME, context.workspace, args.path);
    return { category: 'read', tool: NAME, title: `Read ${path}`, path };
  }

  run(args: ReadFileArgs, context: ToolContext): Promise<ToolOutput> {
    return guarded(NAME, async () => {
      const { workspace } = context;
      const path = workspacePath(NAME, workspace, args.path);
      const info = await workspace.stat(path);
      if (!info) throw new ToolError(`${NAME}: ${path} does not exist. Use find_files to look for it.`);
      if (info.type === 'directory') throw new ToolError(`${NAME}: ${path} is a folder. Use list_dir to see what it holds.`);
      const text = await workspace.readFile(path);
      if (text.includes('\u0000')) throw new ToolError(`${NAME}: ${path} is a binary file (${info.size} bytes); only text files can be read.`);
      return ok(renderWindow(path, text, args.start_line, args.end_line));
    });
  }
}

function renderWindow(path: string, text: string, startLine: number | undefined, endLine: number | undefined): string {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const total = lines.length;
  if (total === 0) return `${path} is empty (0 lines).`;
  const first = startLine ?? 1;
  if (first > total) throw new ToolError(`${NAME}: start_line ${first} is past the end; ${path} has ${total} lines.`);
  const wanted = Math.min(endLine ?? total, total, first + TOOL_LIMITS.readMaxLines - 1);

  const shown: string[] = [];
  let chars = 0;
  for (let n = first; n <= wanted; n++) {
    const line = clipLine(lines[n - 1], TOOL_LIMITS.lineMaxChars);
    if (shown.length > 0 && chars + line.length > TOOL_LIMITS.readMaxChars) break;
    shown.push(line);
    chars += line.length + 1;
  }
  const last = first + shown.length - 1;
  const header = `Contents of ${path} (lines ${first}-${last} of ${total}):`;
  const requestedEnd = Math.min(endLine ?? total, total);
  const footer = last < requestedEnd ? `\n[Shown up to line ${last} of ${total}. To read on, call read_file with start_line=${last + 1}.]` : '';
  return `${header}\n${fenced(shown.join('\n'))}${footer}`;
}
