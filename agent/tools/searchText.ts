import type { AgentTool, ToolContext, ToolOutput, Validation } from '../tool';
import type { ApprovalRequest, TextMatch } from '../workspace/workspace';
import { parametersSchema, validateArgs, type ParamTable } from './toolArgs';
import { TOOL_LIMITS } from './toolLimits';
import { clipLine, fenced, guarded, ok, plural } from './toolOutput';
import { workspaceGlob } from './toolPaths';

export interface SearchTextArgs {
  query: string;
  regex?: boolean;
  glob?: string;
}

const NAME = 'search_text';

const PARAMS: ParamTable = {
  query: { type: 'string', description: 'Text to look for (case-insensitive unless it has capitals).', nonEmpty: true },
  regex: { type: 'boolean', description: 'Treat query as a regular expression. Default false.', optional: true },
  glob: { type: 'string', description: "Only search files matching this glob, e.g. '**/*.py'.", optional: true },
};

/** Searches file contents and shows matching lines grouped by file. */
export class SearchTextTool implements AgentTool<SearchTextArgs> {
  readonly category = 'read';
  readonly definition = {
    type: 'function' as const,
    function: { name: NAME, description: 'Search the contents of the workspace files; shows matching lines with file and line number.', parameters: parametersSchema(PARAMS) },
  };

  validate(raw: unknown): Validation<SearchTextArgs> {
    return validateArgs<SearchTextArgs>(NAME, raw, PARAMS);
  }

  async describe(args: SearchTextArgs): Promise<ApprovalRequest> {
    const glob = args.glob && args.glob.trim() !== '' ? workspaceGlob(NAME, args.glob) : undefined;
    return { category: 'read', tool: NAME, title: `Search for ${JSON.stringify(args.query)}${glob ? ` in ${glob}` : ''}` };
  }

  run(args: SearchTextArgs, context: ToolContext): Promise<ToolOutput> {
    return guarded(NAME, async () => {
      const glob = args.glob && args.glob.trim() !== '' ? workspaceGlob(NAME, args.glob) : undefined;
      const matches = await context.workspace.searchText(args.query, {
        regex: args.regex ?? false,
        glob,
        maxResults: TOOL_LIMITS.searchMaxResults + 1,
        signal: context.signal,
      });
      const where = glob ? ` in files matching '${glob}'` : '';
      const what = `${args.regex ? 'regex ' : ''}${JSON.stringify(args.query)}`;
      if (matches.length === 0) return ok(`No matches for ${what}${where}.`);
      const shown = matches.slice(0, TOOL_LIMITS.searchMaxResults);
      const more = matches.length > shown.length;
      const files = new Set(shown.map((match) => match.path)).size;
      const count = more ? `first ${shown.length} matching lines` : `${plural(shown.length, 'matching line')} in ${plural(files, 'file')}`;
      const footer = more ? '\n[There are more matches. Make the query more specific or add a glob.]' : '';
      return ok(`Matches for ${what}${where} (${count}):\n${fenced(groupByFile(shown))}${footer}`);
    });
  }
}

function groupByFile(matches: readonly TextMatch[]): string {
  const out: string[] = [];
  let current: string | undefined;
  for (const match of matches) {
    if (match.path !== current) {
      current = match.path;
      out.push(current);
    }
    out.push(`  ${match.line}: ${clipLine(match.text.trim(), TOOL_LIMITS.searchLineMaxChars)}`);
  }
  return out.join('\n');
}
