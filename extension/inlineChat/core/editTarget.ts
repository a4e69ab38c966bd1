import type { TextSpot } from './lineSplice';

/**
 * The whole lines an inline edit works on. `rewrite` replaces `lineCount` lines from
 * `startLine`; `insert` adds code before `startLine`, a blank line the cursor sits on,
 * which stays as it is.
 */
export interface EditTarget {
  mode: 'rewrite' | 'insert';
  startLine: number;
  lineCount: number;
}

export interface SelectionSpan {
  start: TextSpot;
  end: TextSpot;
}

/** Selections are widened to whole lines; a selection ending at column 0 does not take that line. */
export function editTargetFor(selection: SelectionSpan, lineText: (line: number) => string): EditTarget {
  const empty = selection.start.line === selection.end.line && selection.start.character === selection.end.character;
  if (empty) {
    const line = selection.start.line;
    if (lineText(line).trim() === '') return { mode: 'insert', startLine: line, lineCount: 0 };
    return { mode: 'rewrite', startLine: line, lineCount: 1 };
  }
  let endLine = selection.end.line;
  if (selection.end.character === 0 && endLine > selection.start.line) endLine--;
  return { mode: 'rewrite', startLine: selection.start.line, lineCount: endLine - selection.start.line + 1 };
}

/** Lines around the target the model sees, nearest first kept when the caps bite. */
export interface Surroundings {
  before: string[];
  after: string[];
  /** First line of `before` in the document. */
  beforeStart: number;
}

export interface SurroundingLimits {
  maxLines: number;
  maxChars: number;
}

export const DEFAULT_SURROUNDING_LIMITS: SurroundingLimits = { maxLines: 60, maxChars: 4000 };

export function surroundingsOf(lines: readonly string[], target: EditTarget, limits: SurroundingLimits = DEFAULT_SURROUNDING_LIMITS): Surroundings {
  const before: string[] = [];
  let chars = 0;
  for (let i = target.startLine - 1; i >= 0 && before.length < limits.maxLines; i--) {
    chars += lines[i].length + 1;
    if (chars > limits.maxChars) break;
    before.unshift(lines[i]);
  }
  const after: string[] = [];
  chars = 0;
  for (let i = target.startLine + target.lineCount; i < lines.length && after.length < limits.maxLines; i++) {
    chars += lines[i].length + 1;
    if (chars > limits.maxChars) break;
    after.push(lines[i]);
  }
  return { before, after, beforeStart: target.startLine - before.length };
}
