import { createTwoFilesPatch } from 'diff';

/** Gives up on diffs this slow (huge rewrites of huge files) rather than stall the extension host. */
const DIFF_TIMEOUT_MS = 1500;

/**
 * A git-style unified diff of one file, for approval cards and logs. `before` undefined means
 * the file is being created, `after` undefined that it is being deleted.
 */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined, context = 3): string {
  const oldName = before === undefined ? '/dev/null' : `a/${path}`;
  const newName = after === undefined ? '/dev/null' : `b/${path}`;
  const patch = createTwoFilesPatch(oldName, newName, before ?? '', after ?? '', undefined, undefined, { context, timeout: DIFF_TIMEOUT_MS });
  if (patch === undefined) {
    return `--- ${oldName}\n+++ ${newName}\n(the change is too large to show as a diff: ${countLines(before)} lines before, ${countLines(after)} after)\n`;
  }
  // Drop the "=====" underline jsdiff puts first; git and VS Code do not use it.
  return patch.replace(/^=+\n/, '');
}

function countLines(text: string | undefined): number {
  if (!text) return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
