/**
 * The smallest whole-line replacement turning one version of the block into the next. Each
 * streamed line or Accept/Reject then touches only the lines that differ, which keeps the
 * cursor, folding and scroll position of the rest of the editor where they were.
 */
export interface LineSplice {
  /** Offset from the block's first line. */
  start: number;
  deleteCount: number;
  insert: string[];
}

export function spliceBetween(before: readonly string[], after: readonly string[]): LineSplice | undefined {
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < before.length - prefix &&
    suffix < after.length - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  ) {
    suffix++;
  }
  const deleteCount = before.length - prefix - suffix;
  const insert = after.slice(prefix, after.length - suffix);
  if (deleteCount === 0 && insert.length === 0) return undefined;
  return { start: prefix, deleteCount, insert };
}

export interface TextSpot {
  line: number;
  character: number;
}

/** A plain text replacement in document coordinates. */
export interface TextReplacement {
  start: TextSpot;
  end: TextSpot;
  text: string;
}

/** What the conversion needs to know about the document. */
export interface LineSource {
  lineCount: number;
  lineLength(line: number): number;
}

/**
 * Turns a splice of whole lines at `blockStart` into a text replacement. Lines before the
 * end of the document are replaced together with their line breaks; at the end of the
 * document there is no break after the last line, so the break before the splice is used.
 */
export function spliceToReplacement(splice: LineSplice, blockStart: number, doc: LineSource, eol: string): TextReplacement {
  const start = blockStart + splice.start;
  const end = start + splice.deleteCount;
  if (end < doc.lineCount) {
    return { start: { line: start, character: 0 }, end: { line: end, character: 0 }, text: splice.insert.map((line) => line + eol).join('') };
  }
  const last = doc.lineCount - 1;
  const lastEnd = { line: last, character: doc.lineLength(last) };
  if (start === 0) return { start: { line: 0, character: 0 }, end: lastEnd, text: splice.insert.join(eol) };
  return {
    start: { line: start - 1, character: doc.lineLength(start - 1) },
    end: lastEnd,
    text: splice.insert.map((line) => eol + line).join(''),
  };
}
