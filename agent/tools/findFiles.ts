import type { AgentTool, ToolContext, ToolOutput, Validation } from '../tool';
import type { ApprovalRequest } from '../workspace/workspace';
import { parametersSchema, validateArgs, type ParamTable } from './toolArgs';
import { TOOL_LIMITS } from './toolLimits';
import { fenced, guarded, ok, plural } from './toolOutput';
import { workspaceGlob } from './toolPaths';

export interface FindFilesArgs {
  glob: string;
}

const NAME = 'find_files';

const PARAMS: ParamTable = {
  glob: { type: 'string', description: "Glob, e.g. '**/*.ts' or 'src/**/test_*.py'. A pattern without '/' matches at any depth.", nonEmpty: true },
};

/** Finds files by path pattern, skipping what .gitignore, .git and node_modules hide. */
export class FindFilesTool implements AgentTool<FindFilesArgs> {
  readonly category = 'read';
  readonly definition = {
    type: 'function' as const,
    function: { name: NAME, description: 'Find files whose path matches a glob pattern.', parameters: parametersSchema(PARAMS) },
  };

  validate(raw: unknown): Validation<FindFilesArgs> {
    return validateArgs<FindFilesArgs>(NAME, raw, PARAMS);
  }

  async describe(args: FindFilesArgs): Promise<ApprovalRequest> {
    return { category: 'read', tool: NAME, title: `Find files matching ${workspaceGlob(NAME, args.glob)}` };
  }

  run(args: FindFilesArgs, context: ToolContext): Promise<ToolOutput> {
    return guarded(NAME, async () => {
      const glob = workspaceGlob(NAME, args.glob);
      // One more than shown, to know whether there were more.
      const found = await context.workspace.findFiles(glob, TOOL_LIMITS.findMaxResults + 1);
      if (found.length === 0) {
        return ok(`No files match '${glob}'. Files ignored by .gitignore, and .git and node_modules, are not searched.`);
      }
      const shown = found.slice(0, TOOL_LIMITS.findMaxResults);
      const more = found.length > shown.length;
      const header = more ? `Files matching '${glob}' (first ${shown.length}; there are more):` : `Files matching '${glob}' (${plural(shown.length, 'file')}):`;
      const footer = more ? '\n[More files match. Use a narrower glob, e.g. with a folder in front.]' : '';
      return ok(`${header}\n${fenced(shown.join('\n'))}${footer}`);
    });
  }
}
