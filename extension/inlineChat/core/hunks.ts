import { diffArrays } from 'diff';

/**
 * One changed region between the original lines and the proposal: `oldLines` (possibly
 * none, for a pure insertion) at `oldStart` are replaced by `newLines` (possibly none, for
 * a deletion). Pure, so the per-hunk Accept/Reject logic can be tested without VS Code.
 */
export interface Hunk {
  /** Index in the original lines of the first replaced line; for an insertion, the line it goes before. */
  oldStart: number;
  oldLines: string[];
  newLines: string[];
}

/** The changed regions turning `oldLines` into `newLines`; adjacent removals and additions form one hunk. */
export function computeHunks(oldLines: readonly string[], newLines: readonly string[]): Hunk[] {
  const hunks: Hunk[] = [];
  let oldIndex = 0;
  let open: Hunk | undefined;
  for (const change of diffArrays([...oldLines], [...newLines])) {
    if (!change.added && !change.removed) {
      open = undefined;
      oldIndex += change.count;
      continue;
    }
    if (!open) {
      open = { oldStart: oldIndex, oldLines: [], newLines: [] };
      hunks.push(open);
    }
    if (change.removed) {
      open.oldLines.push(...change.value);
      oldIndex += change.count;
    } else {
      open.newLines.push(...change.value);
    }
  }
  return hunks;
}

/** The original lines with the hunks for which `take(index)` is true applied, the others left as they were. */
export function applyHunks(oldLines: readonly string[], hunks: readonly Hunk[], take: (index: number) => boolean): string[] {
  const result: string[] = [];
  let oldIndex = 0;
  hunks.forEach((hunk, index) => {
    result.push(...oldLines.slice(oldIndex, hunk.oldStart));
    result.push(...(take(index) ? hunk.newLines : hunk.oldLines));
    oldIndex = hunk.oldStart + hunk.oldLines.length;
  });
  result.push(...oldLines.slice(oldIndex));
  return result;
}
