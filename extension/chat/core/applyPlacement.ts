/**
 * Where a code block from the chat goes in a file, when that can be told without the model:
 * - into an empty (or new) file, or over the whole file when the block is the whole file
 *   again (it starts where the file starts and is about as long);
 * - over the region that starts with the block's first line and ends with its last line,
 *   when each of those occurs once in the file, in that order;
 * - over the brace-balanced unit (a function, a class) that starts with the block's first
 *   line, when the block is such a unit itself.
 * Anything else is left to the model (undefined): a guess here would overwrite code.
 */
export interface Placement {
  how: 'whole-file' | 'region' | 'unit';
  /** 1-based, inclusive lines of the file that the block replaces (0-0 for an empty file). */
  startLine: number;
  endLine: number;
  text: string;
}

export function placeBlock(fileText: string, block: string): Placement | undefined {
  const eol = fileText.includes('\r\n') ? '\r\n' : '\n';
  const file = fileText.replace(/\r\n/g, '\n');
  const code = block.replace(/\r\n/g, '\n').replace(/\n+$/, '');
  const blockLines = code.split('\n');
  const withEnd = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`).replace(/\n/g, eol);
  if (file.trim() === '') return { how: 'whole-file', startLine: 0, endLine: 0, text: withEnd(code) };
  const lines = file.replace(/\n$/, '').split('\n');
  const norm = (line: string): string => line.trim().replace(/\s+/g, ' ');
  const first = blockLines.findIndex((l) => l.trim() !== '');
  let last = blockLines.length - 1;
  while (last > first && blockLines[last].trim() === '') last--;
  if (first < 0) return undefined;

  const fileFirst = lines.findIndex((l) => l.trim() !== '');
  if (norm(lines[fileFirst]) === norm(blockLines[first]) && blockLines.length >= lines.length * 0.8) {
    return { how: 'whole-file', startLine: 1, endLine: lines.length, text: withEnd(code) };
  }
  const starts = indexesOf(lines, norm(blockLines[first]), norm);
  if (starts.length !== 1) return undefined;
  const start = starts[0];
  const replace = (end: number, how: Placement['how']): Placement => {
    const out = [...lines.slice(0, start), ...blockLines.slice(first, last + 1), ...lines.slice(end + 1)];
    return { how, startLine: start + 1, endLine: end + 1, text: withEnd(out.join('\n')) };
  };
  if (last > first) {
    const ends = indexesOf(lines, norm(blockLines[last]), norm).filter((i) => i > start);
    // The last line must be distinctive: a lone `}` ends too many things to anchor on.
    if (ends.length === 1 && norm(blockLines[last]).length > 3) return replace(ends[0], 'region');
  }
  if (balanced(blockLines.slice(first, last + 1).join('\n'))) {
    const end = unitEnd(lines, start);
    if (end !== undefined) return replace(end, 'unit');
  }
  return undefined;
}

function indexesOf(lines: readonly string[], wanted: string, norm: (l: string) => string): number[] {
  const out: number[] = [];
  lines.forEach((line, i) => {
    if (norm(line) === wanted) out.push(i);
  });
  return out;
}

/** Whether the text opens and closes its braces, having opened at least one. */
function balanced(text: string): boolean {
  let depth = 0;
  let opened = false;
  for (const ch of stripStrings(text)) {
    if (ch === '{') {
      depth++;
      opened = true;
    } else if (ch === '}') {
      depth--;
      if (depth < 0) return false;
    }
  }
  return opened && depth === 0;
}

/** The line where the unit that starts at `start` closes its first brace again. */
function unitEnd(lines: readonly string[], start: number): number | undefined {
  let depth = 0;
  let opened = false;
  for (let i = start; i < lines.length; i++) {
    for (const ch of stripStrings(lines[i])) {
      if (ch === '{') {
        depth++;
        opened = true;
      } else if (ch === '}') depth--;
    }
    if (opened && depth <= 0) return i;
  }
  return undefined;
}

/** The text without string literals and line comments, so their braces do not count. */
function stripStrings(text: string): string {
  return text.replace(/(["'`])(?:\\.|(?!\1)[^\\\n])*\1/g, '').replace(/\/\/[^\n]*/g, '');
}
