import type { CommandSandbox } from '../sandbox/commandSandbox';
import type { EngineClient, EngineError } from '../../engine/client';
import type { Problem } from '../../engine/errors';
import type { ChatMessage, ContentPart } from '../../engine/protocol';
import type { AgentEventListener, DoneReason } from '../events';
import type { RunCheckpoint } from '../checkpoint/runCheckpoint';
import type { Summariser } from '../context/compaction';
import type { ProjectRules } from '../context/projectRules';
import type { ApprovalSettings } from '../policy/approvalSettings';
import type { AgentTool } from '../tool';
import type { Approver, Workspace } from '../workspace/workspace';

/** How the model samples each step. Unset fields keep the engine's defaults. */
export interface SamplingOptions {
  temperature?: number;
  topP?: number;
  topK?: number;
  /** Most tokens per step; a tool call cut off by it is sent back to the model as an error. */
  maxTokens?: number;
  seed?: number;
  /** Let the model think before acting (Gemma 4's thinking channel). Default true. */
  thinking?: boolean;
  /** Most thinking tokens per step (the engine cuts the thought off there); unset: no limit. */
  thinkingBudget?: number;
  /**
   * Which steps think: 'every' step (default), or only the 'first-and-after-failure' (the
   * first step of a run, and a step after a failed or refused tool call), which saves the
   * thinking time of routine steps.
   */
  thinkingSteps?: 'every' | 'first-and-after-failure';
  /** 'required' forces a call every step (tests and fuzzing); default 'auto'. */
  toolChoice?: 'auto' | 'required';
}

/** Most model turns in one run unless told otherwise. */
export const DEFAULT_MAX_STEPS = 25;

/** Thinking tokens per step the front ends allow unless told otherwise (about 20 to 50 s of decoding on a laptop). */
export const DEFAULT_THINKING_BUDGET = 1024;

export interface AgentSessionOptions {
  client: EngineClient;
  workspace: Workspace;
  tools: readonly AgentTool[];
  approver: Approver;
  /** Default: DEFAULT_APPROVAL_SETTINGS. `restricted: true` runs without tools. */
  approval?: ApprovalSettings;
  /** The OS sandbox every command runs in (see detectCommandSandbox); without one, set approval.sandbox to 'none'. */
  sandbox?: CommandSandbox;
  /** Asked before each sandboxed command: may it reach the network? (The extension asks the user once.) */
  commandNetwork?: () => Promise<boolean>;
  /**
   * Send the model's earlier thinking back with its tool calls, as the official template
   * would render it within a turn. Default false: the template drops it once the next user
   * message comes, so keeping it makes the follow-up turn re-read the whole conversation.
   */
  keepEarlierThinking?: boolean;
  /**
   * Send a file read again whole, even when its earlier whole read is still in the history.
   * Default false: the re-read says "not changed" or sends the diff since (far fewer tokens).
   */
  fullRereads?: boolean;
  /** Awaited before each step's request, e.g. to take a checkpoint of the workspace (commands change files too). */
  beforeStep?: (step: number) => Promise<void>;
  /** Most model turns in one run (default 25). */
  maxSteps?: number;
  /** Replaces the built-in system prompt. */
  systemPrompt?: string;
  /** Appended to the built-in system prompt (project instructions). */
  extraInstructions?: string;
  /**
   * The project's rules files: the root's go in extraInstructions (ProjectRules.sessionOptions
   * sets both), a sub-folder's come as a note once a call touches it (see projectRules.ts).
   */
  projectRules?: ProjectRules;
  /** Earlier turns to continue from (without the system prompt), e.g. a restored chat. */
  history?: readonly ChatMessage[];
  sampling?: SamplingOptions;
  /**
   * Called after a retryable engine failure (crash, lost connection, still loading); resolves
   * with a client for the engine once it serves again (the supervisor restarts it). Without
   * it the loop waits retryDelayMs and tries the same client again.
   */
  waitForEngine?: (error: EngineError) => Promise<EngineClient>;
  /** Retries of one step after engine failures (default 3). */
  engineRetries?: number;
  /** Pause before retrying without waitForEngine, in ms (default 1000). */
  retryDelayMs?: number;
  /** Turns in a row whose calls were all malformed before the run fails (default 3). */
  malformedRetries?: number;
  /** Tool calls the engine could not parse, per run, before it fails (default 3). */
  parseRetries?: number;
  /** Identical calls in a row that count as a loop (default 3). */
  loopThreshold?: number;
  /** The engine's context size; read from /props when absent. 0 turns compaction off. */
  contextSize?: number;
  /** Writes summaries when the context fills up; default: the engine itself. */
  summariser?: Summariser;
  /** Tool output longer than this is cut (head and tail kept) before it goes to the model. */
  maxToolOutputChars?: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Receives every event of the run, synchronously and in order; must not throw. */
  onEvent?: AgentEventListener;
}

export interface AgentRunResult {
  reason: DoneReason;
  /** The final answer (or the text written before the run ended). */
  answer: string;
  /** Model turns taken. */
  steps: number;
  /** What went wrong, for reason 'failed'. */
  error?: string;
  /** The code and facts of the failure behind `error`, for the front end to say what to do. */
  problem?: Problem;
  /** Undo for every file the run changed. */
  checkpoint: RunCheckpoint;
  /** The whole conversation after the run, system prompt first. */
  messages: readonly ChatMessage[];
}

export type UserRequest = string | ContentPart[];
