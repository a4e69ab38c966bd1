import { unifiedDiff } from './unifiedDiff';
import { newProblemsNote } from './editProblems';
import type { AgentTool, ToolContext, ToolOutput, Validation } from '../tool';
import type { ApprovalRequest } from '../workspace/workspace';
import { countLines } from './editMatch';
import { parametersSchema, validateArgs, type ParamTable } from './toolArgs';
import { guarded, ok, plural, ToolError } from './toolOutput';
import { assertWritableReal, realWorkspacePath, workspacePath } from './toolPaths';

export interface WriteFileArgs {
  path: string;
  content: string;
}

const NAME = 'write_file';

const PARAMS: ParamTable = {
  path: { type: 'string', description: 'Path of the new file, relative to the workspace root.', nonEmpty: true },
  content: { type: 'string', description: 'The whole text of the file.' },
};

/**
 * Creates a new file (and its folders). It never overwrites: rewriting a whole existing file
 * from memory is how a small model loses code, so existing files are changed with edit_file.
 */
export class WriteFileTool implements AgentTool<WriteFileArgs> {
  readonly category = 'edit';
  readonly definition = {
    type: 'function' as const,
    function: {
      name: NAME,
      description: 'Create a new file with the given content. It does not overwrite: change existing files with edit_file.',
      parameters: parametersSchema(PARAMS),
    },
  };

  validate(raw: unknown): Validation<WriteFileArgs> {
    return validateArgs<WriteFileArgs>(NAME, raw, PARAMS);
  }

  async describe(args: WriteFileArgs, context: ToolContext): Promise<ApprovalRequest> {
    const path = await checkNewFile(args, context);
    const real = realWorkspacePath(context.workspace, path);
    return { category: 'edit', tool: NAME, title: `Create ${path}`, detail: unifiedDiff(path, undefined, args.content), path, ...(real && real !== path ? { realPath: real } : {}), before: '', after: args.content };
  }

  run(args: WriteFileArgs, context: ToolContext): Promise<ToolOutput> {
    return guarded(NAME, async () => {
      const path = await checkNewFile(args, context);
      await context.workspace.applyChange({ kind: 'create', path, content: args.content });
      const output = ok(`Created ${path} (${plural(countLines(args.content), 'line')}).${await newProblemsNote(context.workspace, path, [], context.signal)}`);
      // The model wrote every word of it, so a re-read can answer with what changed since.
      return { ...output, seen: { path, text: args.content, from: 'write' } };
    });
  }
}

async function checkNewFile(args: WriteFileArgs, context: ToolContext): Promise<string> {
  const path = workspacePath(NAME, context.workspace, args.path);
  assertWritableReal(NAME, context.workspace, path);
  const info = await context.workspace.stat(path);
  if (info?.type === 'directory') throw new ToolError(`${NAME}: ${path} is a folder. Give the path of a new file.`);
  if (info) throw new ToolError(`${NAME}: ${path} already exists, and write_file does not overwrite. Use edit_file to change it (read_file it first).`);
  return path;
}
