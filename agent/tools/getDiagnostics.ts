import type { AgentTool, ToolContext, ToolOutput, Validation } from '../tool';
import type { ApprovalRequest, DiagnosticItem } from '../workspace/workspace';
import { parametersSchema, validateArgs, type ParamTable } from './toolArgs';
import { TOOL_LIMITS } from './toolLimits';
import { fenced, guarded, ok, plural } from './toolOutput';
import { workspacePath } from './toolPaths';

export interface GetDiagnosticsArgs {
  path?: string;
}

const NAME = 'get_diagnostics';

const PARAMS: ParamTable = {
  path: { type: 'string', description: 'Only this file. Leave out for the whole workspace.', optional: true },
};

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2, hint: 3 } as const;

/** Errors and warnings the editor's language servers report, errors first. */
export class GetDiagnosticsTool implements AgentTool<GetDiagnosticsArgs> {
  readonly category = 'read';
  readonly definition = {
    type: 'function' as const,
    function: { name: NAME, description: 'List compile errors and warnings the editor reports, for one file or the whole workspace.', parameters: parametersSchema(PARAMS) },
  };

  validate(raw: unknown): Validation<GetDiagnosticsArgs> {
    return validateArgs<GetDiagnosticsArgs>(NAME, raw, PARAMS);
  }

  async describe(args: GetDiagnosticsArgs, context: ToolContext): Promise<ApprovalRequest> {
    const requested = args.path?.trim();
    const path = requested ? workspacePath(NAME, context.workspace, requested) : undefined;
    return { category: 'read', tool: NAME, title: path ? `Check problems in ${path}` : 'Check problems in the workspace', path };
  }

  run(args: GetDiagnosticsArgs, context: ToolContext): Promise<ToolOutput> {
    return guarded(NAME, async () => {
      const requested = args.path?.trim();
      const path = requested ? workspacePath(NAME, context.workspace, requested) : undefined;
      const items = await context.workspace.diagnostics(path);
      const where = path ? ` in ${path}` : '';
      if (items.length === 0) return ok(`No problems reported${where}.`);
      const sorted = [...items].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.path.localeCompare(b.path) || a.line - b.line);
      const shown = sorted.slice(0, TOOL_LIMITS.diagnosticsMax);
      const errors = items.filter((item) => item.severity === 'error').length;
      const header = `${plural(items.length, 'problem')}${where} (${plural(errors, 'error')}):`;
      const footer = shown.length < sorted.length ? `\n[Showing the first ${shown.length}. Ask for one file with 'path' to see its problems.]` : '';
      return ok(`${header}\n${fenced(shown.map(formatItem).join('\n'))}${footer}`);
    });
  }
}

function formatItem(item: DiagnosticItem): string {
  const source = item.source ? ` [${item.source}]` : '';
  return `${item.path}:${item.line}:${item.column} ${item.severity}: ${item.message.replace(/\s*\n\s*/g, ' ')}${source}`;
}
