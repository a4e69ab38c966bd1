import type { DiagnosticItem, Workspace } from '../workspace/workspace';
import { fenced } from './toolOutput';

/** How long an edit waits for the language servers to look at the file again. */
export const SETTLE_TIMEOUT_MS = 5000;
/** New problems named after an edit at most; the rest are counted. */
const MAX_SHOWN = 10;

/** The errors of a file now, to compare with after the edit. */
export async function problemsBefore(workspace: Workspace, path: string, signal?: AbortSignal): Promise<DiagnosticItem[]> {
  if (!workspace.settledDiagnostics) return [];
  try {
    // A file no editor has open has not been checked yet: its problems are asked for first,
    // so errors it already had are not taken for new ones.
    return (await workspace.settledDiagnostics(path, { timeoutMs: SETTLE_TIMEOUT_MS, changed: false, ...(signal ? { signal } : {}) })).filter((d) => d.severity === 'error');
  } catch {
    return [];
  }
}

/**
 * What an edit broke: the errors the file has once the language servers settle, less the
 * ones it had before. Problems are matched by message and source, not by line, since the
 * edit moves lines; an error that was already there is never reported as new.
 */
export async function newProblemsNote(workspace: Workspace, path: string, before: readonly DiagnosticItem[], signal?: AbortSignal): Promise<string> {
  if (!workspace.settledDiagnostics) return '';
  let after: DiagnosticItem[];
  try {
    after = (await workspace.settledDiagnostics(path, { timeoutMs: SETTLE_TIMEOUT_MS, changed: true, ...(signal ? { signal } : {}) })).filter((d) => d.severity === 'error');
  } catch {
    return '';
  }
  const seen = new Map<string, number>();
  for (const d of before) seen.set(key(d), (seen.get(key(d)) ?? 0) + 1);
  const added: DiagnosticItem[] = [];
  for (const d of after) {
    const left = seen.get(key(d)) ?? 0;
    if (left > 0) seen.set(key(d), left - 1);
    else added.push(d);
  }
  if (added.length === 0) return '';
  const shown = added.slice(0, MAX_SHOWN).map((d) => `${d.path}:${d.line}:${d.column} error: ${d.message.replace(/\s*\n\s*/g, ' ')}${d.source ? ` [${d.source}]` : ''}`);
  const more = added.length > shown.length ? `\n[${added.length - shown.length} more]` : '';
  return `\nThis change introduced ${added.length === 1 ? '1 new error' : `${added.length} new errors`} in ${path} (the editor's language server reports):\n${fenced(shown.join('\n'))}${more}\nFix ${added.length === 1 ? 'it' : 'them'} before going on.`;
}

function key(d: DiagnosticItem): string {
  return `${d.source ?? ''}\u0000${d.message}`;
}
