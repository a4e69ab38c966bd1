import type { CommandSandbox } from '../sandbox/commandSandbox';
import { errorMessage, isAbortError } from '../../engine/errors';
import type { AgentEvent } from '../events';
import { decideApproval } from '../policy/approvalPolicy';
import type { ApprovalSettings } from '../policy/approvalSettings';
import type { AgentTool, KnownText, ToolContext } from '../tool';
import type { ApprovalDecision, Approver, Workspace } from '../workspace/workspace';

export interface ExecutionContext {
  step: number;
  callId: string;
  workspace: Workspace;
  approver: Approver;
  approval: ApprovalSettings;
  signal: AbortSignal | undefined;
  emit: (event: AgentEvent) => void;
  maxOutputChars: number;
  sandbox?: CommandSandbox;
  commandNetwork?: () => Promise<boolean>;
  knownText?: (path: string) => KnownText | undefined;
}

/** What goes back to the model for one call; `stopped` when the user aborted during it. */
export interface ExecutionResult {
  content: string;
  isError: boolean;
  stopped: boolean;
  /** The workspace-relative path the call worked on, once approved (for the project rules of its folder). */
  touched?: string;
  /** The file text this result, uncut, lets the model know, for later re-reads. */
  seen?: KnownText;
}

/** Keeps the head and tail of a long output: the start says what it is, the end how it ended. */
export function clampOutput(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.6);
  const tail = max - head;
  return `${text.slice(0, head)}\n[... ${text.length - head - tail} characters cut ...]\n${text.slice(-tail)}`;
}

const STOPPED: ExecutionResult = { content: 'Stopped by the user before it finished.', isError: true, stopped: true };

/**
 * Describes the call, asks for approval when the policy says so, and runs it. Every
 * failure becomes a message for the model rather than an exception, so the run goes on.
 */
export async function executeToolCall(tool: AgentTool, args: unknown, context: ExecutionContext): Promise<ExecutionResult> {
  const { step, callId, emit, signal } = context;
  const toolContext: ToolContext = {
    workspace: context.workspace,
    onOutput: (chunk) => emit({ type: 'tool-output', step, callId, chunk }),
  };
  if (signal) toolContext.signal = signal;
  if (context.sandbox) toolContext.sandbox = context.sandbox;
  if (context.commandNetwork) toolContext.commandNetwork = context.commandNetwork;
  if (context.knownText) toolContext.knownText = context.knownText;
  const name = tool.definition.function.name;

  let request;
  try {
    request = await tool.describe(args, toolContext);
  } catch (error) {
    if (isAbortError(error, signal)) return STOPPED;
    return { content: `${name} failed: ${errorMessage(error)}`, isError: true, stopped: false };
  }

  const policy = decideApproval(request, context.approval, context.workspace.folders);
  if (policy.action === 'refuse') {
    emit({ type: 'approval-decided', step, callId, approved: false, automatic: true, reason: policy.why });
    return { content: `Not done: ${policy.why}.`, isError: true, stopped: false };
  }
  let decision: ApprovalDecision;
  if (policy.action === 'auto') {
    decision = { approved: true };
    emit({ type: 'approval-decided', step, callId, approved: true, automatic: true });
  } else {
    request = { ...request, why: policy.why };
    emit({ type: 'approval-needed', step, callId, request });
    try {
      decision = await context.approver.approve(request, { callId, step }, signal);
    } catch (error) {
      if (isAbortError(error, signal)) return STOPPED;
      decision = { approved: false, reason: `the approval could not be asked (${errorMessage(error)})` };
    }
    const event: AgentEvent = { type: 'approval-decided', step, callId, approved: decision.approved, automatic: false };
    if (!decision.approved && decision.reason) event.reason = decision.reason;
    emit(event);
  }
  if (signal?.aborted) return STOPPED;
  if (!decision.approved) {
    return {
      content: `The user denied: ${decision.reason ?? 'no reason given'}. This action was not performed; do not repeat it. Choose another way or ask the user.`,
      isError: true,
      stopped: false,
    };
  }

  const touched = request.path !== undefined ? { touched: request.path } : {};
  try {
    const output = await tool.run(args, toolContext);
    // The tool finished even if a stop came meanwhile: the model must see what it did.
    const content = clampOutput(output.content, context.maxOutputChars);
    const seen = output.seen && content === output.content ? { seen: output.seen } : {};
    return { content, isError: output.isError, stopped: signal?.aborted === true, ...touched, ...seen };
  } catch (error) {
    if (isAbortError(error, signal)) return STOPPED;
    return { content: `${name} failed: ${errorMessage(error)}`, isError: true, stopped: false, ...touched };
  }
}
