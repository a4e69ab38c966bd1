import type { TextSpot } from './lineSplice';

/** The lines of the document the inline diff owns. */
export interface TrackedBlock {
  start: number;
  length: number;
  /** Length of the block's last line, to tell typing at its end from a new line after it. */
  lastLineLength: number;
}

export interface DocumentChange {
  start: TextSpot;
  end: TextSpot;
  text: string;
}

export type ChangeEffect = { kind: 'above'; lineDelta: number } | { kind: 'below' } | { kind: 'inside' };

/**
 * Where an edit made by someone else (the user typing, a formatter, another extension)
 * falls relative to the block: above it the block only moves; below it nothing happens;
 * inside it the shown diff no longer matches the document.
 */
export function classifyChange(block: TrackedBlock, change: DocumentChange): ChangeEffect {
  const text = change.text.replace(/\r\n/g, '\n');
  const lineDelta = countNewlines(text) - (change.end.line - change.start.line);
  const endsBeforeBlock =
    change.end.line < block.start ||
    (change.end.line === block.start && change.end.character === 0 && (text.endsWith('\n') || (text === '' && change.start.character === 0)));
  if (endsBeforeBlock) return { kind: 'above', lineDelta };
  const lastLine = block.start + block.length - 1;
  const startsAfterBlock =
    change.start.line > lastLine ||
    (change.start.line === lastLine && change.start.character >= block.lastLineLength && text.startsWith('\n'));
  if (startsAfterBlock) return { kind: 'below' };
  return { kind: 'inside' };
}

function countNewlines(text: string): number {
  let count = 0;
  for (const ch of text) if (ch === '\n') count++;
  return count;
}
