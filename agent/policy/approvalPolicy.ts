import type { ApprovalRequest, WorkspaceFolder } from '../workspace/workspace';
import { isUnderAny } from '../workspace/fileWalk';
import { nestedFolders, splitFolderPath } from '../workspace/workspaceFolders';
import type { ApprovalSettings } from './approvalSettings';
import { sandboxHint } from '../sandbox/commandSandbox';
import { codeRunningFileReason } from './codeRunningFiles';
import { analyseCommand } from './commandLine';
import { neverAutoApproveReason } from './neverAutoApprove';

/** 'auto': run without asking. 'ask': the Approver decides; `why` says what made it ask. 'refuse': not run, nobody asked. */
export type PolicyDecision = { action: 'auto' } | { action: 'ask'; why: string; neverAuto: boolean } | { action: 'refuse'; why: string };

const AUTO: PolicyDecision = { action: 'auto' };

function ask(why: string, neverAuto = false): PolicyDecision {
  return { action: 'ask', why, neverAuto };
}

/**
 * Decides whether a tool action may run without the user. Reads and edits follow their
 * setting. A command runs on its own only when every simple command in it (chained with
 * `;`, `&&`, `|` or hidden in `$(...)`) is allowed, none matches a deny pattern, and none
 * is on the never-auto list, which no setting overrides. `folders`: those of a workspace with
 * several, whose paths start with the folder's name; each folder is a root of its own (its
 * `.vscode/settings.json` is read by VS Code as the root's is).
 */
export function decideApproval(request: ApprovalRequest, settings: ApprovalSettings, folders?: readonly WorkspaceFolder[]): PolicyDecision {
  if (settings.readOnly && request.category !== 'read') {
    return { action: 'refuse', why: `this is Ask mode, where the agent only reads: ${request.category === 'edit' ? 'no file is changed' : 'no command is run'}. Write the plan instead; the user can run it in Agent mode` };
  }
  if (request.external) return ask('it is a tool from outside Gemma Agent (VS Code or an MCP server) and runs outside the sandbox, so it always asks', true);
  switch (request.category) {
    case 'read':
      return settings.reads === 'auto' ? AUTO : ask('reads ask first');
    case 'edit': {
      // Judged on the real path too: `gitlink/config` with `gitlink -> .git` is git's config.
      const paths = [request.path, request.realPath].filter((p): p is string => p !== undefined);
      const runsCode = paths.flatMap((p) => insideFolders(p, folders)).map((p) => codeRunningFileReason(p)).find((why) => why !== undefined);
      if (runsCode) return ask(`${runsCode}, so edits to it always ask`, true);
      return settings.edits === 'auto' ? AUTO : ask('edits ask first');
    }
    case 'command':
      return decideCommand(request.detail ?? '', settings);
  }
}

/**
 * The path as each folder that holds it sees it: inside its folder in a workspace of several
 * folders, and also inside every folder nested there that holds it, since VS Code reads a
 * nested folder's `.vscode/settings.json` as a root's even when the path names the outer
 * folder (`app/packages/ui/.vscode/settings.json`). The path itself otherwise.
 */
function insideFolders(path: string, folders: readonly WorkspaceFolder[] | undefined): string[] {
  if (!folders) return [path];
  try {
    const split = splitFolderPath(folders, path);
    if (!split) return [path];
    const nested = (nestedFolders(folders).get(split.folder.name) ?? []).filter((inner) => isUnderAny(split.inside, [inner.inside]));
    return [split.inside, ...nested.map((inner) => split.inside.slice(inner.inside.length + 1))];
  } catch {
    return [path];
  }
}

export function decideCommand(line: string, settings: ApprovalSettings): PolicyDecision {
  if (line.trim() === '') return ask('the command line is empty');
  const analysis = analyseCommand(line);
  const never = neverAutoApproveReason(analysis, line);
  if (never) return ask(`never runs without asking: ${never}`, true);
  if (analysis.commands.length === 0) return ask('the command line has no command');
  if (settings.sandbox === 'none') return ask(`there is no OS sandbox here, so the command would run unsandboxed with your full rights; ${sandboxHint()}`, true);
  for (const command of analysis.commands) {
    const pattern = settings.deny.find((candidate) => matchesDenyPattern(command.text, candidate));
    if (pattern !== undefined) return ask(`\`${command.text}\` matches the deny pattern "${pattern}"`);
  }
  const allowed = analysis.commands.every((command) =>
    settings.allow.some((prefix) => matchesAllowPrefix(command.text, prefix)),
  );
  if (allowed) return AUTO;
  if (settings.commands === 'auto') return AUTO;
  const unlisted = analysis.commands.find((command) => !settings.allow.some((prefix) => matchesAllowPrefix(command.text, prefix)));
  return ask(`\`${unlisted?.text ?? line}\` is not in the allow list and commands ask first`);
}

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** "npm test" allows "npm test" and "npm test -- --grep x", not "npm testify". */
export function matchesAllowPrefix(command: string, prefix: string): boolean {
  const p = normalise(prefix);
  const c = normalise(command);
  if (p === '') return false;
  return c === p || c.startsWith(`${p} `);
}

/** A deny pattern matches as whole words anywhere in the command; `*` stands for any text. */
export function matchesDenyPattern(command: string, pattern: string): boolean {
  const p = normalise(pattern);
  if (p === '') return false;
  const body = p
    .split('*')
    .map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`(^|\\s)${body}(\\s|$)`).test(normalise(command));
}
