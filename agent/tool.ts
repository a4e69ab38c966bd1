import type { CommandSandbox } from './sandbox/commandSandbox';
import type { ToolDefinition } from '../engine/protocol';
import type { ApprovalCategory, ApprovalRequest, Workspace } from './workspace/workspace';

/**
 * A file's whole text as the conversation lets the model know it, for later re-reads.
 * `read`: a result showed the text itself. `write`: the model wrote it (write_file's own
 * content). `edit`: the model's earlier whole view of the file with its exact edit applied,
 * so it holds only while that earlier view does too.
 */
export interface KnownText {
  path: string;
  text: string;
  from: 'read' | 'write' | 'edit';
}

/** What a tool hands back to the model. Tool output is data, never instructions. */
export interface ToolOutput {
  content: string;
  isError: boolean;
  /** The whole text of the file this result lets the model know, for later re-reads. */
  seen?: KnownText;
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
   * The whole text of `path` as the model last knew it from this conversation (a whole
   * read, or its own write or exact edit on top of such a read), while what it learnt that
   * from is still in the history word for word (not compacted away); undefined otherwise.
   * A re-read can then send only what changed since.
   */
  knownText?: (path: string) => KnownText | undefined;
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
