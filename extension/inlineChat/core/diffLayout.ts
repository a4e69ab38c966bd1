import { computeHunks, type Hunk } from './hunks';

export type HunkState = 'pending' | 'accepted' | 'rejected';

/**
 * How a line of the block is shown: `removed` lines are original lines a pending hunk would
 * delete, `inserted` lines the ones it would add, `upcoming` lines original lines the model
 * has not reached yet while it is still writing.
 */
export type LineKind = 'unchanged' | 'removed' | 'inserted' | 'upcoming';

/** Where a pending hunk sits inside the block, for its CodeLens and decorations. */
export interface HunkPlacement {
  index: number;
  /** Offset of its first line (removed lines come first, then inserted ones) from the block's first line. */
  start: number;
  removed: number;
  inserted: number;
}

/**
 * The lines the editor holds while a change is shown as a vertical diff: unchanged lines,
 * then for each pending hunk its original lines followed by its proposed lines. Keeping both
 * in the document (and marking them) is what lets the proposal be read in place.
 */
export interface BlockLayout {
  lines: string[];
  kinds: LineKind[];
  hunks: HunkPlacement[];
}

/** The block for a finished proposal, each hunk shown according to its state. */
export function layoutBlock(original: readonly string[], hunks: readonly Hunk[], states: readonly HunkState[]): BlockLayout {
  return layout(original, hunks, states, []);
}

/**
 * The block while the proposal is still streaming. The last hunk, when it reaches the end
 * of the original, only means "the model has not got there yet": its original lines are
 * shown as upcoming at the end instead of as removed, so they do not flash red and back.
 */
export function layoutStreaming(original: readonly string[], partial: readonly string[]): BlockLayout {
  const hunks = computeHunks(original, partial);
  const last = hunks.at(-1);
  let upcoming: string[] = [];
  if (last && last.oldStart + last.oldLines.length === original.length && last.oldLines.length > 0) {
    upcoming = last.oldLines;
    hunks[hunks.length - 1] = { ...last, oldLines: [] };
    if (last.newLines.length === 0) hunks.pop();
  }
  const consumed = original.slice(0, original.length - upcoming.length);
  return layout(consumed, hunks, hunks.map(() => 'pending'), upcoming);
}

function layout(original: readonly string[], hunks: readonly Hunk[], states: readonly HunkState[], upcoming: readonly string[]): BlockLayout {
  const lines: string[] = [];
  const kinds: LineKind[] = [];
  const placements: HunkPlacement[] = [];
  const push = (text: readonly string[], kind: LineKind): void => {
    for (const line of text) {
      lines.push(line);
      kinds.push(kind);
    }
  };
  let oldIndex = 0;
  hunks.forEach((hunk, index) => {
    push(original.slice(oldIndex, hunk.oldStart), 'unchanged');
    const state = states[index] ?? 'pending';
    if (state === 'pending') {
      placements.push({ index, start: lines.length, removed: hunk.oldLines.length, inserted: hunk.newLines.length });
      push(hunk.oldLines, 'removed');
      push(hunk.newLines, 'inserted');
    } else {
      push(state === 'accepted' ? hunk.newLines : hunk.oldLines, 'unchanged');
    }
    oldIndex = hunk.oldStart + hunk.oldLines.length;
  });
  push(original.slice(oldIndex), 'unchanged');
  push(upcoming, 'upcoming');
  return { lines, kinds, hunks: placements };
}

/** Runs of equal kind as [start, count) offsets, which is how decorations are set. */
export function kindRuns(kinds: readonly LineKind[], kind: LineKind): Array<{ start: number; count: number }> {
  const runs: Array<{ start: number; count: number }> = [];
  kinds.forEach((k, i) => {
    if (k !== kind) return;
    const last = runs.at(-1);
    if (last && last.start + last.count === i) last.count++;
    else runs.push({ start: i, count: 1 });
  });
  return runs;
}
