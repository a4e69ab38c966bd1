import { unifiedDiff } from './unifiedDiff';
import type { AgentTool, ToolContext, ToolOutput, Validation } from '../tool';
import type { ApprovalRequest } from '../workspace/workspace';
import { newProblemsNote, problemsBefore } from './editProblems';
import { applySearchReplace, type AppliedEdit, type EditResult } from './editMatch';
import { parametersSchema, validateArgs, type ParamTable } from './toolArgs';
import { TOOL_LIMITS } from './toolLimits';
import { clipLine, fenced, guarded, ok, plural, ToolError } from './toolOutput';
import { assertWritableReal, workspacePath } from './toolPaths';

export interface EditFileArgs {
  path: string;
  search: string;
  replace: string;
}

const NAME = 'edit_file';

const PARAMS: ParamTable = {
  path: { type: 'string', description: 'File path relative to the workspace root.', nonEmpty: true },
  search: { type: 'string', description: 'The exact text to replace, copied from the file without line numbers. Must occur once.', nonEmpty: true },
  replace: { type: 'string', description: 'The new text.' },
};

interface PreparedEdit {
  path: string;
  /** Where the path really leads, when a symlink takes it elsewhere in the workspace. */
  realPath?: string;
  before: string;
  after: string;
  edit: AppliedEdit;
}

/** Replaces one piece of a file's text, shown to the user as a diff before it is applied. */
export class EditFileTool implements AgentTool<EditFileArgs> {
  readonly category = 'edit';
  readonly definition = {
    type: 'function' as const,
    function: {
      name: NAME,
      description: "Change an existing file by replacing one exact piece of its text. Include enough surrounding lines in 'search' to match only one place.",
      parameters: parametersSchema(PARAMS),
    },
  };

  /** What describe() computed, so run() applies exactly the change the user approved. */
  private readonly prepared = new WeakMap<EditFileArgs, PreparedEdit>();

  validate(raw: unknown): Validation<EditFileArgs> {
    const result = validateArgs<EditFileArgs>(NAME, raw, PARAMS);
    if (result.ok && result.args.search === result.args.replace) {
      return { ok: false, error: `${NAME}: 'search' and 'replace' are the same, so nothing would change.` };
    }
    return result;
  }

  async describe(args: EditFileArgs, context: ToolContext): Promise<ApprovalRequest> {
    const prepared = await prepareEdit(args, context);
    this.prepared.set(args, prepared);
    return {
      category: 'edit',
      tool: NAME,
      title: `Edit ${prepared.path}`,
      detail: unifiedDiff(prepared.path, prepared.before, prepared.after),
      path: prepared.path,
      ...(prepared.realPath ? { realPath: prepared.realPath } : {}),
      before: prepared.before,
      after: prepared.after,
    };
  }

  run(args: EditFileArgs, context: ToolContext): Promise<ToolOutput> {
    return guarded(NAME, async () => {
      let prepared = this.prepared.get(args);
      this.prepared.delete(args);
      if (prepared) {
        const current = await context.workspace.readFile(prepared.path);
        if (current !== prepared.before) {
          throw new ToolError(`${NAME}: ${prepared.path} changed after this edit was prepared, so it was not applied. Read the file again and redo the edit.`);
        }
      } else {
        prepared = await prepareEdit(args, context);
      }
      const before = await problemsBefore(context.workspace, prepared.path, context.signal);
      await context.workspace.applyChange({ kind: 'modify', path: prepared.path, content: prepared.after });
      const output = ok(summary(prepared) + (await newProblemsNote(context.workspace, prepared.path, before, context.signal)));
      // The model knew the whole file and its search text matched exactly: it now knows the
      // result too (what it expects, so a change made while approving shows on a re-read).
      const knew = prepared.edit.how === 'exact' && context.knownText?.(prepared.path)?.text === prepared.before;
      return knew ? { ...output, seen: { path: prepared.path, text: prepared.after, from: 'edit' } } : output;
    });
  }
}

async function prepareEdit(args: EditFileArgs, context: ToolContext): Promise<PreparedEdit> {
  const { workspace } = context;
  const path = workspacePath(NAME, workspace, args.path);
  const realPath = assertWritableReal(NAME, workspace, path);
  const info = await workspace.stat(path);
  if (!info) throw new ToolError(`${NAME}: ${path} does not exist. Use write_file to create a new file.`);
  if (info.type === 'directory') throw new ToolError(`${NAME}: ${path} is a folder, not a file.`);
  const before = await workspace.readFile(path);
  if (before.includes('\u0000')) throw new ToolError(`${NAME}: ${path} is a binary file; only text files can be edited.`);

  // Match on '\n' text; a file written with CRLF throughout gets CRLF back.
  const crlf = usesCrlf(before);
  const text = crlf ? before.replace(/\r\n/g, '\n') : before;
  const result = await applySearchReplace(text, toLf(args.search), toLf(args.replace), context.signal);
  if (!result.ok) throw new ToolError(explainFailure(path, text, result));
  const after = crlf ? result.text.replace(/\n/g, '\r\n') : result.text;
  return { path, ...(realPath ? { realPath } : {}), before, after, edit: result };
}

function explainFailure(path: string, text: string, result: Exclude<EditResult, AppliedEdit>): string {
  if (result.reason === 'ambiguous') {
    const more = result.count > result.lines.length ? `, and ${result.count - result.lines.length} more` : '';
    return `${NAME}: the search text matches ${result.count} places in ${path} (lines ${result.lines.join(', ')}${more}). Add neighbouring lines to 'search' so it matches only one place. Nothing was changed.`;
  }
  const candidate = result.candidate;
  if (!candidate) {
    return `${NAME}: the search text was not found in ${path}, and no part of the file is similar. Use read_file to see its current text. Nothing was changed.`;
  }
  const lines = text.split('\n');
  const last = Math.min(candidate.endLine, candidate.startLine + TOOL_LIMITS.editPreviewMaxLines - 1);
  const quoted = lines.slice(candidate.startLine - 1, last).map((line) => clipLine(line, TOOL_LIMITS.lineMaxChars));
  return [
    `${NAME}: the search text was not found in ${path}. Nothing was changed.`,
    `The most similar text is at lines ${candidate.startLine}-${candidate.endLine} (${Math.round(candidate.similarity * 100)}% similar):`,
    fenced(quoted.join('\n')),
    "If that is the place, retry with 'search' copied exactly from it. Otherwise read_file the file first.",
  ].join('\n');
}

function summary(prepared: PreparedEdit): string {
  const { edit, path } = prepared;
  const how =
    edit.how === 'whitespace'
      ? ' The search text matched when spacing is ignored; the file\'s indentation was kept.'
      : edit.how === 'line-numbers'
        ? ' The line numbers in the search text were ignored.'
        : '';
  const oldRange = edit.oldLineCount <= 1 ? `line ${edit.startLine}` : `lines ${edit.startLine}-${edit.startLine + edit.oldLineCount - 1}`;
  const head = `Edited ${path}: ${oldRange} replaced by ${plural(edit.newLineCount, 'line')}.${how}`;

  const lines = toLf(prepared.after).split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const from = Math.max(1, edit.startLine - TOOL_LIMITS.editContextLines);
  const to = Math.min(lines.length, edit.startLine + Math.max(edit.newLineCount, 1) - 1 + TOOL_LIMITS.editContextLines);
  if (to < from) return head;
  const shownTo = Math.min(to, from + TOOL_LIMITS.editPreviewMaxLines - 1);
  const preview = lines.slice(from - 1, shownTo).map((line) => clipLine(line, TOOL_LIMITS.lineMaxChars));
  const cut = shownTo < to ? `\n[Preview cut at line ${shownTo}; read_file shows the rest.]` : '';
  return `${head}\nThe file now reads (lines ${from}-${shownTo}):\n${fenced(preview.join('\n'))}${cut}`;
}

function usesCrlf(text: string): boolean {
  const crlf = text.split('\r\n').length - 1;
  return crlf > 0 && crlf === text.split('\n').length - 1;
}

function toLf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}
