import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { checkEngine, EngineClient, type EngineCheck } from '../../engine/client';
import { errorMessage, problemOf } from '../../engine/errors';
import type { AgentEvent } from '../events';
import { ProjectRules } from '../context/projectRules';
import { FsWorkspace } from '../workspace/fsWorkspace';
import { runAgent, type AgentRunResult, type SamplingOptions } from '../loop';
import { DEFAULT_APPROVAL_SETTINGS, type ApprovalSettings } from '../policy/approvalSettings';
import { createDefaultTools } from '../tools';
import { MultiRootWorkspace } from '../workspace/multiRootWorkspace';
import type { Approver, Workspace } from '../workspace/workspace';
import type { ApprovalMode } from './cliArgs';
import { detectCommandSandbox, type CommandSandbox } from '../sandbox/commandSandbox';
import { cliErrorText } from './cliErrorText';
import { ConsoleApprover } from './consoleApprover';
import { EventPrinter, type TextSink } from './eventPrinter';

export interface HeadlessRunOptions {
  workspace: string;
  /** Every folder of a workspace of several (the first is `workspace`); absent for one folder. */
  folders?: readonly string[];
  endpoint: string;
  apiKey?: string | undefined;
  /** The model every request names; undefined: the one the server lists. */
  model?: string | undefined;
  request: string;
  approvals: ApprovalMode;
  /** The sandbox for commands; undefined: detect it; false: none (commands then always ask). */
  sandbox?: CommandSandbox | false;
  /** Let sandboxed commands reach the network. */
  network?: boolean;
  maxSteps?: number | undefined;
  contextSize?: number | undefined;
  sampling?: SamplingOptions;
  /** Send earlier thinking back within a turn (the official template's rendering). */
  keepEarlierThinking?: boolean;
  /** Send files read again whole instead of the diff since the earlier read. */
  fullRereads?: boolean;
  /** Where events are printed (text, or JSON lines with `json`). */
  out: TextSink;
  json?: boolean;
  /** Ask on the terminal for what the policy does not auto-approve. */
  interactive?: boolean;
  /** Replaces the console approver (tests). */
  approver?: Approver;
  signal?: AbortSignal;
  /** Pause before retrying after an engine failure, in ms. */
  retryDelayMs?: number;
  /** Also receives every event (e.g. to collect timings). */
  onEvent?: (event: AgentEvent) => void;
}

export interface HeadlessRunResult {
  /** 0 answered, 1 anything else. */
  exitCode: 0 | 1;
  result: AgentRunResult | undefined;
  /** Set when the run could not start (no folder, no engine). */
  error?: string;
}

/**
 * The policy of a headless run. default: the extension's default settings (reads, and the
 * allow-listed commands); auto: edits and commands too (the never-auto list, files that run
 * code and the deny patterns still ask); none: nothing is allowed by prefix, so every edit
 * and command goes to the approver.
 */
export function headlessApprovalSettings(mode: ApprovalMode): ApprovalSettings {
  switch (mode) {
    case 'auto':
      return { ...DEFAULT_APPROVAL_SETTINGS, reads: 'auto', edits: 'auto', commands: 'auto', allow: [], restricted: false };
    case 'none':
      return { ...DEFAULT_APPROVAL_SETTINGS, reads: 'auto', edits: 'ask', commands: 'ask', allow: [], restricted: false };
    case 'default':
      return { ...DEFAULT_APPROVAL_SETTINGS, restricted: false };
  }
}

/** Runs one task on a folder with the file-system workspace and the default tools. */
export async function runHeadless(options: HeadlessRunOptions): Promise<HeadlessRunResult> {
  const roots = (options.folders && options.folders.length > 1 ? options.folders : [options.workspace]).map((folder) => path.resolve(folder));
  for (const root of roots) {
    const stat = await fsp.stat(root).catch(() => undefined);
    if (!stat?.isDirectory()) {
      const error = `The workspace ${root} is not a folder. Pass an existing project folder with --workspace.`;
      options.out.write(options.json ? `${JSON.stringify({ type: 'error', message: error, fatal: true })}\n` : `${error}\n`);
      return { exitCode: 1, result: undefined, error };
    }
  }
  const probe = new EngineClient({ baseUrl: options.endpoint, ...(options.apiKey ? { apiKey: options.apiKey } : {}) });
  let check: EngineCheck;
  try {
    // That it answers as an OpenAI-compatible server, takes the key and serves the model; and which model that is.
    check = await checkEngine(probe, { model: options.model, ...(options.signal ? { signal: options.signal } : {}) });
    if (check.readiness === 'loading') options.out.write(options.json ? '' : 'The engine is still loading the model; the run waits for it.\n');
  } catch (error) {
    const problem = problemOf(error);
    const message = errorMessage(error);
    options.out.write(options.json ? `${JSON.stringify({ type: 'error', message, fatal: true, ...(problem ? { problem } : {}) })}\n` : `${cliErrorText(error)}\n`);
    return { exitCode: 1, result: undefined, error: message };
  }

  const client = probe.withModel(check.model);
  const contextSize = options.contextSize ?? check.contextSize;

  const printer = new EventPrinter(options.out);
  const onEvent = (event: AgentEvent): void => {
    if (options.json) options.out.write(`${JSON.stringify(event)}\n`);
    else printer.print(event);
    options.onEvent?.(event);
  };
  const approver = options.approver ?? new ConsoleApprover({ interactive: options.interactive === true, autoApprove: options.approvals === 'auto' });
  // Commands run in the OS sandbox when there is one; without it, none runs unasked.
  const sandbox = options.sandbox === undefined ? await detectCommandSandbox({ network: options.network === true }) : options.sandbox || undefined;
  if (!sandbox && !options.json) options.out.write('No OS sandbox for commands here, so every command asks first.\n');
  const workspace: Workspace = roots.length > 1 ? new MultiRootWorkspace(roots.map((root) => ({ workspace: new FsWorkspace(root) }))) : new FsWorkspace(roots[0]);
  // The project's rules files, read the way the extension reads them; the run prints which apply.
  const rules = await ProjectRules.load(workspace);
  const result = await runAgent({
    client,
    workspace,
    tools: createDefaultTools(workspace.folders?.map((folder) => folder.name)),
    ...rules.sessionOptions(),
    approver,
    approval: { ...headlessApprovalSettings(options.approvals), sandbox: sandbox ? 'os' : 'none' },
    ...(sandbox ? { sandbox } : {}),
    request: options.request,
    onEvent,
    ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
    ...(contextSize !== undefined ? { contextSize } : {}),
    ...(options.sampling ? { sampling: options.sampling } : {}),
    ...(options.keepEarlierThinking ? { keepEarlierThinking: true } : {}),
    ...(options.fullRereads ? { fullRereads: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
  });
  return { exitCode: result.reason === 'answered' ? 0 : 1, result };
}
