import { errorMessage } from '../../../engine/errors';
import type { AgentTool, ToolContext, ToolOutput, Validation } from '../../../agent/tool';
import type { ApprovalRequest } from '../../../agent/workspace/workspace';
import type { ToolDefinition } from '../../../engine/protocol';
import { toolParameters } from './chatMessages';

/** A tool registered in VS Code (LanguageModelToolInformation, without vscode). */
export interface ExternalToolInfo {
  name: string;
  description: string;
  inputSchema: object | undefined;
  tags: readonly string[];
  /** For an MCP server's tool, when VS Code names the server (see mcpOrigin). */
  mcp?: McpOrigin;
}

/** The MCP server a tool comes from, as the user named it in mcp.json, and the tool's own name there. */
export interface McpOrigin {
  server: string;
  tool: string;
}

/** Calls the tool (vscode.lm.invokeTool) and returns the text of its result parts. */
export type InvokeTool = (name: string, input: object, signal?: AbortSignal) => Promise<string>;

/** The longest result handed back to the model; a 12B model's context is small. */
export const EXTERNAL_RESULT_LIMIT = 20_000;

/**
 * The server of an MCP tool, read from what VS Code hands every extension at run time beside
 * the stable fields: `fullReferenceName` ("<server>/<tool>", the server as named in mcp.json)
 * and, where the build exposes it, `source.label`. Neither is in the stable API's types, so
 * both are read as untyped facts; without them the card says only "MCP tool".
 */
export function mcpOrigin(tool: unknown): McpOrigin | undefined {
  if (typeof tool !== 'object' || tool === null) return undefined;
  const { tags, fullReferenceName, source } = tool as { tags?: unknown; fullReferenceName?: unknown; source?: unknown };
  if (!Array.isArray(tags) || !tags.includes('mcp')) return undefined;
  const reference = typeof fullReferenceName === 'string' ? fullReferenceName : '';
  const slash = reference.lastIndexOf('/');
  const label = typeof source === 'object' && source !== null && typeof (source as { label?: unknown }).label === 'string' ? (source as { label: string }).label : undefined;
  const server = label || (slash > 0 ? reference.slice(0, slash) : '');
  const name = slash >= 0 ? reference.slice(slash + 1) : '';
  if (!server || !name) return undefined;
  return { server, tool: name };
}

/**
 * Where a tool comes from, for the approval card: VS Code names an MCP server's tools
 * `mcp_<server>_<tool>` and tags them `mcp`.
 */
export function externalToolSource(info: ExternalToolInfo): string {
  if (info.name.startsWith('mcp_') || info.tags.some((t) => t.startsWith('mcp'))) return 'MCP tool';
  return 'VS Code tool';
}

/** The approval card's title: the server and the tool's own name when VS Code gives them. */
export function externalToolTitle(info: ExternalToolInfo): string {
  if (info.mcp) return `Call ${info.mcp.tool} on the MCP server ${info.mcp.server}`;
  return `Call the ${externalToolSource(info)} ${info.name}`;
}

/**
 * A tool from VS Code (an extension's or an MCP server's) as one of the agent's own. It is a
 * 'command': whatever it does happens outside the workspace's checkpoints, so it asks first
 * as a command does.
 */
export class ExternalTool implements AgentTool<object> {
  readonly definition: ToolDefinition;
  readonly category = 'command' as const;

  constructor(
    private readonly info: ExternalToolInfo,
    private readonly invoke: InvokeTool,
  ) {
    this.definition = {
      type: 'function',
      function: { name: info.name, ...(info.description ? { description: info.description } : {}), parameters: toolParameters(info.inputSchema) },
    };
  }

  validate(raw: unknown): Validation<object> {
    if (raw === undefined || raw === null) return { ok: true, args: {} };
    if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, error: `${this.info.name} takes its arguments as a JSON object.` };
    const schema = toolParameters(this.info.inputSchema);
    const missing = (schema.required ?? []).filter((key) => !(key in raw));
    if (missing.length > 0) return { ok: false, error: `${this.info.name} needs ${missing.map((m) => `"${m}"`).join(', ')}.` };
    return { ok: true, args: raw };
  }

  describe(args: object): Promise<ApprovalRequest> {
    const shown = JSON.stringify(args, null, 2);
    return Promise.resolve({
      category: 'command',
      external: true,
      tool: this.info.name,
      title: externalToolTitle(this.info),
      detail: `${this.info.name} ${shown === '{}' ? '' : shown}`.trim(),
    });
  }

  async run(args: object, context: ToolContext): Promise<ToolOutput> {
    try {
      const text = await this.invoke(this.info.name, args, context.signal);
      const content = text.length > EXTERNAL_RESULT_LIMIT ? `${text.slice(0, EXTERNAL_RESULT_LIMIT)}\n[… cut at ${EXTERNAL_RESULT_LIMIT} characters]` : text;
      return { content: content === '' ? '(the tool returned nothing)' : content, isError: false };
    } catch (err) {
      if (context.signal?.aborted) throw err;
      return { content: `${this.info.name} failed: ${errorMessage(err)}`, isError: true };
    }
  }
}

/**
 * The external tools the user chose (gemmaAgent.agent.externalTools), in the order chosen.
 * Names the agent has itself, or that VS Code does not know now, are left out.
 */
export function chooseExternalTools(available: readonly ExternalToolInfo[], chosen: readonly string[], ownNames: readonly string[], invoke: InvokeTool): ExternalTool[] {
  const own = new Set(ownNames);
  const seen = new Set<string>();
  const out: ExternalTool[] = [];
  for (const name of chosen) {
    if (own.has(name) || seen.has(name)) continue;
    const info = available.find((t) => t.name === name);
    if (!info) continue;
    seen.add(name);
    out.push(new ExternalTool(info, invoke));
  }
  return out;
}

/** The chosen MCP tools (VS Code names them `mcp_…`) that VS Code does not list now: their servers have not run. */
export function missingMcpTools(chosen: readonly string[], available: readonly string[]): string[] {
  const listed = new Set(available);
  return [...new Set(chosen)].filter((name) => name.startsWith('mcp_') && !listed.has(name));
}
