import * as vscode from 'vscode';
import type { AgentTool } from '../../agent/tool';
import { createDefaultTools } from '../../agent/tools';
import { setting } from '../settings/settings';
import { toLmPart, toolResultText } from './core/chatMessages';
import { chooseExternalTools, mcpOrigin, missingMcpTools, type ExternalToolInfo, type InvokeTool } from './core/externalTool';

/** Runs a VS Code tool (an extension's or an MCP server's) and joins the text of its result. */
const invokeVsCodeTool: InvokeTool = async (name, input, signal) => {
  const cancel = new vscode.CancellationTokenSource();
  const onAbort = (): void => cancel.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, cancel.token);
    return toolResultText(result.content.map(toLmPart));
  } finally {
    signal?.removeEventListener('abort', onAbort);
    cancel.dispose();
  }
};

/** VS Code's tools as the core sees them, each MCP tool with its server when VS Code names it. */
function availableTools(): ExternalToolInfo[] {
  return vscode.lm.tools.map((tool) => {
    const mcp = mcpOrigin(tool);
    return { name: tool.name, description: tool.description, inputSchema: tool.inputSchema, tags: tool.tags, ...(mcp ? { mcp } : {}) };
  });
}

/** How long a turn waits for MCP servers to start and list their tools. */
const MCP_START_LIMIT_MS = 20_000;
const mcpStarts = new Map<string, Promise<void>>();

/**
 * VS Code lists an MCP server's tools only once the server has run (later windows list them
 * from its cache), and starts servers by itself only for its own chat. This asks VS Code to
 * start the configured servers as its chat does, with the workbench's start command (not part
 * of the extension API: where it is missing or fails, their tools are simply not listed).
 */
async function startMcpServers(): Promise<void> {
  const command = Promise.resolve(vscode.commands.executeCommand('workbench.mcp.startServer', '*', { waitForLiveTools: true })).then(
    () => undefined,
    () => undefined,
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([command, new Promise<void>((resolve) => (timer = setTimeout(resolve, MCP_START_LIMIT_MS)))]).finally(() => clearTimeout(timer));
}

/** Starts the servers when a chosen `mcp_` tool is missing, once per set of missing names in a window. */
function startMcpServersFor(missing: readonly string[]): Promise<void> {
  if (missing.length === 0) return Promise.resolve();
  const key = missing.join('\n');
  let start = mcpStarts.get(key);
  if (!start) {
    start = startMcpServers().then(async () => {
      // The window tells the extension host about the new tools a moment after the start returns.
      for (let waited = 0; waited < 2000 && missingMcpTools(missing, vscode.lm.tools.map((tool) => tool.name)).length > 0; waited += 100) await new Promise((r) => setTimeout(r, 100));
    });
    mcpStarts.set(key, start);
  }
  return start;
}

/**
 * The tools registered in VS Code (vscode.lm.tools, MCP servers' included) that the user
 * offers the agent in gemmaAgent.agent.externalTools; none by default. Chosen MCP tools whose
 * server has not run yet are started first.
 */
export async function externalTools(): Promise<AgentTool[]> {
  const chosen = setting('externalTools');
  if (chosen.length === 0) return [];
  const missing = missingMcpTools(chosen, vscode.lm.tools.map((tool) => tool.name));
  await startMcpServersFor(missing);
  const own = createDefaultTools().map((tool) => tool.definition.function.name);
  return chooseExternalTools(availableTools(), chosen, own, invokeVsCodeTool);
}

/**
 * A pick of every VS Code tool, the chosen ones ticked; the choice is saved in the user's
 * settings. The configured MCP servers are started first, so their tools are in the list.
 */
export async function chooseExternalToolsCommand(): Promise<void> {
  const chosen = new Set(setting('externalTools'));
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Gemma Agent: starting MCP servers' }, startMcpServers);
  const items = availableTools().map((tool) => ({
    label: tool.name,
    description: tool.mcp ? `MCP server ${tool.mcp.server}` : tool.tags.join(', '),
    detail: tool.description,
    picked: chosen.has(tool.name),
  }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Gemma Agent: no tools are registered in VS Code (extensions and MCP servers add them).');
    return;
  }
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Tools the Gemma agent may call (each call asks first)' });
  if (!picked) return;
  await vscode.workspace.getConfiguration('gemmaAgent').update('agent.externalTools', picked.map((p) => p.label), vscode.ConfigurationTarget.Global);
}
