import type { AgentTool, KnownText, ToolContext, ToolOutput, Validation } from '../tool';
import type { ApprovalRequest } from '../workspace/workspace';
import { parametersSchema, validateArgs, type ParamTable } from './toolArgs';
import { TOOL_LIMITS } from './toolLimits';
import { clipLine, fenced, guarded, ok, ToolError } from './toolOutput';
import { workspacePath } from './toolPaths';
import { unifiedDiff } from './unifiedDiff';

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
 *
 * Reading again a file whose whole text is still in the history says so, or sends only the
 * diff since: models re-read a file to check their own edit, and the whole file again was
 * the largest new prompt of a 10-step run (`npm run bench:agent`). A line range always reads.
 */
export class ReadFileTool implements AgentTool<ReadFileArgs> {
  readonly category = 'read';
  readonly definition = {
    type: 'function' as const,
    function: {
      name: NAME,
      description: `Read a text file, ${TOOL_LIMITS.readMaxLines} lines at a time (start_line, end_line for more). Read again, it shows what changed since; start_line=1 shows it whole.`,
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
      const whole = args.start_line === undefined && args.end_line === undefined;
      const known = whole ? context.knownText?.(path) : undefined;
      const window = renderWindow(path, text, args.start_line, args.end_line);
      if (known !== undefined) {
        const again = renderReread(known, text, window.content);
        if (again !== undefined) return ok(again);
      }
      return window.whole ? { ...ok(window.content), seen: { path, text, from: 'read' } } : ok(window.content);
    });
  }
}

/** Since when the model knows the file's text, and what that text is, in a re-read's words. */
const SINCE: Record<KnownText['from'], { since: string; holds: string; rest: string }> = {
  read: { since: 'you read it in full earlier in this conversation', holds: 'that text still holds', rest: 'as you read it' },
  write: { since: 'you created it with write_file earlier in this conversation', holds: 'it is exactly the content you wrote', rest: 'as you wrote it' },
  edit: {
    since: 'your last edit_file of it earlier in this conversation',
    holds: 'it is the text you last saw in full with your edits applied',
    rest: 'as your edit left it',
  },
};

/** What a re-read sends instead of the whole file, or undefined when the file itself is shorter. */
function renderReread(known: KnownText, now: string, full: string): string | undefined {
  const { path } = known;
  const { since, holds, rest } = SINCE[known.from];
  if (known.text === now) return `${path} has not changed since ${since}; ${holds}. To see it again anyway, call read_file with start_line=1.`;
  const diff = unifiedDiff(path, known.text, now);
  // A diff about as long as the file helps nobody: send the file.
  if (diff.length > full.length / 2) return undefined;
  return `${path} changed since ${since}. What changed since then (a unified diff; the rest is ${rest}):\n${fenced(diff)}\nTo see the whole file again, call read_file with start_line=1.`;
}

/** The lines asked for, and whether they are the whole file unclipped. */
function renderWindow(path: string, text: string, startLine: number | undefined, endLine: number | undefined): { content: string; whole: boolean } {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const total = lines.length;
  if (total === 0) return { content: `${path} is empty (0 lines).`, whole: false };
  const first = startLine ?? 1;
  if (first > total) throw new ToolError(`${NAME}: start_line ${first} is past the end; ${path} has ${total} lines.`);
  const wanted = Math.min(endLine ?? total, total, first + TOOL_LIMITS.readMaxLines - 1);

  const shown: string[] = [];
  let chars = 0;
  let clipped = false;
  for (let n = first; n <= wanted; n++) {
    const line = clipLine(lines[n - 1], TOOL_LIMITS.lineMaxChars);
    clipped ||= line.length !== lines[n - 1].length;
    if (shown.length > 0 && chars + line.length > TOOL_LIMITS.readMaxChars) break;
    shown.push(line);
    chars += line.length + 1;
  }
  const last = first + shown.length - 1;
  const header = `Contents of ${path} (lines ${first}-${last} of ${total}):`;
  const requestedEnd = Math.min(endLine ?? total, total);
  const footer = last < requestedEnd ? `\n[Shown up to line ${last} of ${total}. To read on, call read_file with start_line=${last + 1}.]` : '';
  return { content: `${header}\n${fenced(shown.join('\n'))}${footer}`, whole: first === 1 && last === total && !clipped };
}
