// Calling the agent's real tools the way its loop does.
import type { AgentTool, ToolContext, ToolOutput } from '../../agent/tool';
import { findTool, ToolError } from '../../agent/tools';

export interface ToolCaller {
  /** The tool of that name; throws when there is none. */
  tool(name: string): AgentTool;
  /** validate, describe, run: what the loop does. A ToolError from describe becomes an error result. */
  call(name: string, raw: unknown): Promise<ToolOutput>;
}

/** Calls `tools` in the context `context()` returns when called. */
export function toolCaller(tools: AgentTool[], context: () => ToolContext): ToolCaller {
  const tool = (name: string): AgentTool => {
    const found = findTool(tools, name);
    if (!found) throw new Error(`no tool ${name}`);
    return found;
  };
  const call = async (name: string, raw: unknown): Promise<ToolOutput> => {
    const t = tool(name);
    const valid = t.validate(raw);
    if (!valid.ok) throw new Error(`validation failed: ${valid.error}`);
    try {
      await t.describe(valid.args, context());
    } catch (error) {
      if (error instanceof ToolError) return { content: error.message, isError: true };
      throw error;
    }
    return t.run(valid.args, context());
  };
  return { tool, call };
}
