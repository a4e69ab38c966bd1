import * as vscode from 'vscode';
import type { AgentTool } from '../../agent/tool';
import { createDefaultTools } from '../../agent/tools';
import { setting } from '../settings/settings';
import { toLmPart, toolResultText } from './core/chatMessages';
import { chooseExternalTools, type InvokeTool } from './core/externalTool';

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

/**
 * The tools registered in VS Code (vscode.lm.tools, MCP servers' included) that the user
 * offers the agent in gemmaAgent.agent.externalTools; none by default.
 */
export function externalTools(): AgentTool[] {
  const chosen = setting('externalTools');
  if (chosen.length === 0) return [];
  const own = createDefaultTools().map((tool) => tool.definition.function.name);
  return chooseExternalTools(vscode.lm.tools, chosen, own, invokeVsCodeTool);
}

/** A pick of every VS Code tool, the chosen ones ticked; the choice is saved in the user's settings. */
export async function chooseExternalToolsCommand(): Promise<void> {
  const chosen = new Set(setting('externalTools'));
  const items = vscode.lm.tools.map((tool) => ({ label: tool.name, description: tool.tags.join(', '), detail: tool.description, picked: chosen.has(tool.name) }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Gemma Agent: no tools are registered in VS Code (extensions and MCP servers add them).');
    return;
  }
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Tools the Gemma agent may call (each call asks first)' });
  if (!picked) return;
  await vscode.workspace.getConfiguration('gemmaAgent').update('agent.externalTools', picked.map((p) => p.label), vscode.ConfigurationTarget.Global);
}
