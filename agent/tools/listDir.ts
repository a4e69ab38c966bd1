import type { AgentTool, ToolContext, ToolOutput, Validation } from '../tool';
import type { ApprovalRequest } from '../workspace/workspace';
import { parametersSchema, validateArgs, type ParamTable } from './toolArgs';
import { TOOL_LIMITS } from './toolLimits';
import { fenced, guarded, ok, plural, ToolError } from './toolOutput';
import { workspacePath } from './toolPaths';

export interface ListDirArgs {
  path?: string;
}

const NAME = 'list_dir';

const PARAMS: ParamTable = {
  path: { type: 'string', description: "Folder path relative to the workspace root ('.' for the root).", optional: true },
};

/** Lists one folder: subfolders first (with a trailing '/'), then files. */
export class ListDirTool implements AgentTool<ListDirArgs> {
  readonly category = 'read';
  readonly definition = {
    type: 'function' as const,
    function: { name: NAME, description: 'List the files and subfolders of a folder.', parameters: parametersSchema(PARAMS) },
  };

  validate(raw: unknown): Validation<ListDirArgs> {
    return validateArgs<ListDirArgs>(NAME, raw, PARAMS);
  }

  async describe(args: ListDirArgs, context: ToolContext): Promise<ApprovalRequest> {
    const path = workspacePath(NAME, context.workspace, args.path?.trim() || '.');
    return { category: 'read', tool: NAME, title: `List ${path === '.' ? rootLabel(context) : path}`, path };
  }

  run(args: ListDirArgs, context: ToolContext): Promise<ToolOutput> {
    return guarded(NAME, async () => {
      const { workspace } = context;
      const path = workspacePath(NAME, workspace, args.path?.trim() || '.');
      const info = await workspace.stat(path);
      if (!info) throw new ToolError(`${NAME}: ${path} does not exist. Use find_files to look for it.`);
      if (info.type !== 'directory') throw new ToolError(`${NAME}: ${path} is a file, not a folder. Use read_file to read it.`);
      // git's own folder is noise for the model and never something to work on.
      const entries = (await workspace.listDir(path)).filter((entry) => entry.name !== '.git');
      const label = path === '.' ? rootLabel(context) : path;
      if (entries.length === 0) return ok(`Folder ${label} is empty.`);

      const folders = entries.filter((entry) => entry.type === 'directory').map((entry) => `${entry.name}/`);
      const others = entries.filter((entry) => entry.type !== 'directory').map((entry) => (entry.type === 'symlink' ? `${entry.name} (symlink)` : entry.name));
      const all = [...folders, ...others];
      const shown = all.slice(0, TOOL_LIMITS.listMaxEntries);
      const header = `Folder ${label} (${plural(folders.length, 'folder')}, ${plural(others.length, 'file')}):`;
      const footer = shown.length < all.length ? `\n[Showing the first ${shown.length} of ${all.length} entries. Use find_files with a glob to narrow down.]` : '';
      return ok(`${header}\n${fenced(shown.join('\n'))}${footer}`);
    });
  }
}

/** '.' is the root of a one-folder workspace; of one with several folders, the list of them. */
function rootLabel(context: ToolContext): string {
  return context.workspace.folders ? 'the workspace' : 'the workspace root';
}
