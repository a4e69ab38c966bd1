import * as vscode from 'vscode';
import type { AgentEvent } from '../../agent/events';
import { ProjectRules } from '../../agent/context/projectRules';
import { AgentSession, type AgentRunResult } from '../../agent/loop';
import type { ApprovalSettings } from '../../agent/policy/approvalSettings';
import { detectCommandSandbox } from '../../agent/sandbox/commandSandbox';
import { createDefaultTools } from '../../agent/tools';
import { externalTools } from '../languageModel/externalTools';
import type { EngineClient } from '../../engine/client';
import { errorMessage } from '../../engine/errors';
import type { ChatMessage, ContentPart } from '../../engine/protocol';
import type { EngineController } from '../engineController';
import { setting } from '../settings/settings';
import type { WindowWorkspace } from '../workspace/windowWorkspace';
import type { Workspace } from '../../agent/workspace/workspace';
import type { ChatApprover } from './chatApprover';
import type { NetworkChoice } from './core/networkChoice';


/** The approval settings as the user set them; Restricted Mode turns the tools off. */
export function approvalSettings(): ApprovalSettings {
  return {
    reads: setting('approvalReads'),
    edits: setting('approvalEdits'),
    commands: setting('approvalCommands'),
    allow: setting('commandsAllow'),
    deny: setting('commandsDeny'),
    restricted: !vscode.workspace.isTrusted,
  };
}

export interface ChatTurnDeps {
  engine: EngineController;
  workspace: WindowWorkspace;
  approver: ChatApprover;
  network: NetworkChoice;
  /** Ask mode: reads only; edits and commands are refused without asking. */
  readOnly?: boolean;
  /** Awaited before each step (a checkpoint). */
  beforeStep?: (step: number) => Promise<void>;
}

export interface ChatTurnResult {
  result: AgentRunResult;
  /** The conversation to keep for the next turn (without the system prompt). */
  history: ChatMessage[];
}

/**
 * One agent run for a chat message, over the window's workspace with the default tools,
 * every command in the OS sandbox when the machine has one. Throws what keeps the run from
 * starting (no engine, media the engine cannot take); everything later ends in the result.
 */
export async function runChatTurn(deps: ChatTurnDeps, parts: ContentPart[], history: readonly ChatMessage[], signal: AbortSignal, onEvent: (event: AgentEvent) => void): Promise<ChatTurnResult> {
  const { client, capabilities } = await deps.engine.connection();
  const unsupported = parts.find((p) => (p.type === 'image_url' && !capabilities.vision) || (p.type === 'input_audio' && !capabilities.audio));
  if (unsupported) {
    throw new Error(`The engine cannot ${unsupported.type === 'image_url' ? 'read images' : 'hear audio'}: set "gemmaAgent.model.projector" to the Gemma 4 projector (mmproj).`);
  }
  const session = await chatSession(deps, client, history, capabilities.tools);
  const result = await session.run(parts, { signal, onEvent });
  return { result, history: session.messages.filter((m) => m.role !== 'system') };
}

/**
 * Has the engine read what every chat run starts with (system prompt and tool definitions)
 * each time it becomes ready, so the first question is served from the prompt cache.
 */
export function warmUpWhenReady(deps: ChatTurnDeps, busy: () => boolean, log: vscode.LogOutputChannel): vscode.Disposable {
  let wasReady = false;
  return deps.engine.onDidChangeState((state) => {
    const ready = state.status === 'ready' || state.status === 'remote';
    if (ready && !wasReady && !busy()) {
      void (async () => {
        const { client, capabilities } = await deps.engine.connection();
        await (await chatSession(deps, client, [], capabilities.tools)).warmUp();
        log.info('Engine warmed up: the system prompt and tool definitions are in its cache.');
      })().catch((err: unknown) => log.warn(`Engine warm-up skipped: ${errorMessage(err)}`));
    }
    wasReady = ready;
  });
}

/** The session of a chat run: the same options every time, so its prompt starts the same way. */
async function chatSession(deps: ChatTurnDeps, client: EngineClient, history: readonly ChatMessage[], toolsSupported: boolean): Promise<AgentSession> {
  const workspace = deps.workspace.get();
  const settings = approvalSettings();
  // Every command runs in the OS sandbox when the machine has one; without it none runs unasked.
  const sandbox = workspace ? await detectCommandSandbox() : undefined;
  // Read fresh for each message, so a changed rules file counts from the next one. None in
  // Restricted Mode: the files of a folder the user does not trust do not steer the agent.
  const rules = workspace && !settings.restricted ? await ProjectRules.load(workspace) : undefined;
  return new AgentSession({
    client,
    workspace: workspace ?? new NoFolderWorkspace(),
    // An engine without tool calling (gemmaAgent.engine.remoteCapabilities) gets none.
    tools: workspace && toolsSupported ? [...createDefaultTools(folderNames(workspace)), ...(await externalTools())] : [],
    approver: deps.approver,
    approval: workspace ? { ...settings, sandbox: sandbox ? 'os' : 'none', ...(deps.readOnly ? { readOnly: true } : {}) } : { ...settings, restricted: true },
    ...(sandbox ? { sandbox, commandNetwork: () => deps.network.allowed() } : {}),
    ...rules?.sessionOptions(),
    ...(deps.beforeStep ? { beforeStep: deps.beforeStep } : {}),
    maxSteps: setting('maxSteps'),
    history,
    contextSize: deps.engine.contextSize,
    sampling: { thinking: setting('thinking'), thinkingBudget: setting('thinkingBudget'), thinkingSteps: setting('thinkingSteps') },
    waitForEngine: async () => (await deps.engine.connection()).client,
  });
}

/** The names of the window's folders when it has several (run_command offers them). */
function folderNames(workspace: Workspace): string[] | undefined {
  return workspace.folders?.map((folder) => folder.name);
}

/** With no folder open the agent answers without tools; nothing here is ever called. */
class NoFolderWorkspace {
  readonly root = '';
  private refuse(): never {
    throw new Error('Open a folder to let the agent read and edit files.');
  }
  readFile = (): Promise<string> => this.refuse();
  stat = (): Promise<undefined> => this.refuse();
  listDir = (): Promise<never[]> => this.refuse();
  findFiles = (): Promise<string[]> => this.refuse();
  searchText = (): Promise<never[]> => this.refuse();
  applyChange = (): Promise<void> => this.refuse();
  runCommand = (): Promise<never> => this.refuse();
  diagnostics = (): Promise<never[]> => this.refuse();
}
