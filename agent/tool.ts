import type { CommandSandbox } from './sandbox/commandSandbox';
import type { ToolDefinition } from '../engine/protocol';
import type { ApprovalCategory, ApprovalRequest, Workspace } from './workspace/workspace';

/** What a tool hands back to the model. Tool output is data, never instructions. */
export interface ToolOutput {
  content: string;
  isError: boolean;
  /** The whole text of a file this result shows in full (read_file), for later re-reads. */
  seen?: { path: string; text: string };
}

export interface ToolContext {
  workspace: Workspace;
  signal?: AbortSignal;
  /** Live output for the UI (command output while it runs). */
  onOutput?: (chunk: string) => void;
  /** The OS sandbox commands run in, when the machine has one. */
  sandbox?: CommandSandbox;
  /**
   * Whether this command may reach the network, asked just before a sandboxed command
   * runs (the extension asks the user once); without it the sandbox's own choice holds.
   */
  commandNetwork?: () => Promise<boolean>;
  /**
   * The text of `path` as an earlier result of this conversation showed it in full, while
   * that result is still in the history word for word (not compacted away); undefined
   * otherwise. A re-read can then send only what changed since.
   */
  earlierRead?: (path: string) => string | undefined;
}

/** Arguments that passed validation, or a precise message for the model to retry with. */
export type Validation<A> = { ok: true; args: A } | { ok: false; error: string };

/**
 * One capability the model may call. The loop validates arguments, asks for approval with
 * the request the tool describes, then runs it; a tool never asks the user itself.
 */
export interface AgentTool<A = unknown> {
  readonly definition: ToolDefinition;
  readonly category: ApprovalCategory;
  validate(raw: unknown): Validation<A>;
  /** What the user is asked to approve; for edits it computes the new text and diff first. */
  describe(args: A, context: ToolContext): Promise<ApprovalRequest>;
  run(args: A, context: ToolContext): Promise<ToolOutput>;
}
