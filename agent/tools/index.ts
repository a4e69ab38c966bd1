import type { ToolDefinition } from '../../engine/protocol';
import type { AgentTool } from '../tool';
import { EditFileTool } from './editFile';
import { FindFilesTool } from './findFiles';
import { GetDiagnosticsTool } from './getDiagnostics';
import { ListDirTool } from './listDir';
import { ReadFileTool } from './readFile';
import { RunCommandTool } from './runCommand';
import { SearchTextTool } from './searchText';
import { WriteFileTool } from './writeFile';

export { EditFileTool, FindFilesTool, GetDiagnosticsTool, ListDirTool, ReadFileTool, RunCommandTool, SearchTextTool, WriteFileTool };
export { ToolError } from './toolOutput';
export { TOOL_LIMITS } from './toolLimits';

/**
 * The agent's tool set, in the order the model sees it. Fresh instances per run: edit_file
 * keeps the edit it showed for approval until it runs. `folders`: the names of the
 * workspace's folders when it has several (run_command then takes the folder to run in).
 */
export function createDefaultTools(folders?: readonly string[]): AgentTool[] {
  return [new ReadFileTool(), new ListDirTool(), new FindFilesTool(), new SearchTextTool(), new EditFileTool(), new WriteFileTool(), new RunCommandTool(folders), new GetDiagnosticsTool()];
}

/** The definitions to send with a chat request. */
export function toolDefinitions(tools: readonly AgentTool[]): ToolDefinition[] {
  return tools.map((tool) => tool.definition);
}

/** The tool the model called by name, if there is one. */
export function findTool(tools: readonly AgentTool[], name: string): AgentTool | undefined {
  return tools.find((tool) => tool.definition.function.name === name);
}
