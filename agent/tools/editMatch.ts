import { NUMBERED_LINE } from './toolOutput';

/**
 * Finds where a search/replace edit applies. Small models copy text imperfectly, so after an
 * exact match this tries a whitespace-tolerant line match (indentation and spacing may
 * differ; the file's indentation is kept) and text copied with read_file's line numbers.
 * It never guesses beyond that: when nothing matches it reports the closest region so the
 * model can retry with the real text, and it refuses a search that matches more than once.
 * All text here uses '\n' line ends; the caller converts CRLF files on the way in and out.
 */

export type MatchKind = 'exact' | 'whitespace' | 'line-numbers';

export interface AppliedEdit {
  ok: true;
  text: string;
  how: MatchKind;
  /** 1-based first line of the replaced region in the old text (and of the new text in the result). */
  startLine: number;
  oldLineCount: number;
  newLineCount: number;
}

export interface AmbiguousEdit {
  ok: false;
  reason: 'ambiguous';
  /** 1-based first line of the first places the search text matches (at most MAX_REPORTED). */
  lines: number[];
  /** How many places it matches in all. */
  count: number;
}

/** Places named in an "ambiguous" answer; the rest are only counted, so the message stays short. */
export const MAX_REPORTED = 10;

export interface Candidate {
  startLine: number;
  endLine: number;
  /** 0..1, how much of the text is shared (bigram Dice coefficient). */
  similarity: number;
}

export interface MissingEdit {
  ok: false;
  reason: 'not-found';
  /** The most similar region, when something is similar enough to be worth showing. */
  candidate?: Candidate;
}

export type EditResult = AppliedEdit | AmbiguousEdit | MissingEdit;

/** Below this the "closest" region is more likely noise than what the model meant. */
const CANDIDATE_MIN_SIMILARITY = 0.4;

/**
 * Applies the edit, or says why not. The exact and whitespace-tolerant matches take tens of
 * milliseconds on the largest file the agent reads; the closest-region search after a miss
 * takes longer, so it yields now and then and stops with an AbortError once `signal` fires.
 */
export async function applySearchReplace(text: string, search: string, replace: string, signal?: AbortSignal): Promise<EditResult> {
  const direct = exactOrTolerant(text, search, replace);
  if (direct.ok || direct.reason === 'ambiguous') return direct;
  const stripped = stripLineNumbers(search);
  if (stripped !== undefined) {
    const healed = exactOrTolerant(text, stripped, stripLineNumbers(replace) ?? replace);
    if (healed.ok) return { ...healed, how: 'line-numbers' };
    if (healed.reason === 'ambiguous') return healed;
  }
  const candidate = await closestRegion(text, stripped ?? search, signal);
  return { ok: false, reason: 'not-found', candidate: candidate && candidate.similarity >= CANDIDATE_MIN_SIMILARITY ? candidate : undefined };
}

function exactOrTolerant(text: string, search: string, replace: string): EditResult {
  const { starts, count } = occurrences(text, search);
  if (count === 1) {
    const at = starts[0];
    return {
      ok: true,
      text: text.slice(0, at) + replace + text.slice(at + search.length),
      how: 'exact',
      startLine: linesOf(text, [at])[0],
      oldLineCount: countLines(search),
      newLineCount: countLines(replace),
    };
  }
  if (count > 1) return { ok: false, reason: 'ambiguous', lines: linesOf(text, starts), count };
  return tolerant(text, search, replace);
}

function tolerant(text: string, search: string, replace: string): EditResult {
  const wanted = trimBlankEnds(search.split('\n'));
  if (wanted.length === 0) return { ok: false, reason: 'not-found' };
  const lines = text.split('\n');
  const { found, count } = findLineRuns(lines.map(normalizeLine), wanted.map(normalizeLine));
  if (count > 1) return { ok: false, reason: 'ambiguous', lines: found.map((i) => i + 1), count };
  if (count === 0) return { ok: false, reason: 'not-found' };

  const start = found[0];
  const replacement = reindent(trimBlankEnds(replace.split('\n')), wanted, lines.slice(start, start + wanted.length));
  const result = [...lines.slice(0, start), ...replacement, ...lines.slice(start + wanted.length)];
  return { ok: true, text: result.join('\n'), how: 'whitespace', startLine: start + 1, oldLineCount: wanted.length, newLineCount: replacement.length };
}

/**
 * Where the run of lines `wanted` occurs in `lines` (Knuth-Morris-Pratt over whole lines), so
 * the time is linear in the file and the search whatever they hold; a file of one repeated
 * line and a search of many copies of it no longer costs lines x search.
 */
function findLineRuns(lines: string[], wanted: string[]): { found: number[]; count: number } {
  const failure = new Array<number>(wanted.length).fill(0);
  for (let i = 1, k = 0; i < wanted.length; i++) {
    while (k > 0 && wanted[i] !== wanted[k]) k = failure[k - 1];
    if (wanted[i] === wanted[k]) k++;
    failure[i] = k;
  }
  const found: number[] = [];
  let count = 0;
  for (let i = 0, k = 0; i < lines.length; i++) {
    while (k > 0 && lines[i] !== wanted[k]) k = failure[k - 1];
    if (lines[i] === wanted[k]) k++;
    if (k === wanted.length) {
      count++;
      if (found.length < MAX_REPORTED) found.push(i - wanted.length + 1);
      k = failure[k - 1];
    }
  }
  return { found, count };
}

/**
 * Moves the replacement to the file's indentation: the search's indentation of its first
 * non-blank line maps to the file's, and a tab/space mismatch is converted in the same ratio.
 */
function reindent(replacement: string[], searched: string[], matched: string[]): string[] {
  const anchor = searched.findIndex((line) => line.trim() !== '');
  const searchLead = leading(searched[anchor]);
  const fileLead = leading(matched[anchor]);
  if (searchLead === fileLead) return replacement;
  const fileTabs = fileLead.includes('\t');
  const searchTabs = searchLead.includes('\t');
  // How many spaces one tab stands for, read from the two anchors when they differ in kind.
  let spacesPerTab = 4;
  if (fileTabs && !searchTabs && searchLead.length > 0) spacesPerTab = Math.max(1, Math.round(searchLead.length / countChar(fileLead, '\t')));
  if (searchTabs && !fileTabs && fileLead.length > 0) spacesPerTab = Math.max(1, Math.round(fileLead.length / countChar(searchLead, '\t')));

  return replacement.map((line) => {
    if (line.trim() === '') return '';
    if (!line.startsWith(searchLead)) return line;
    const rest = line.slice(searchLead.length);
    const restLead = leading(rest);
    let converted = restLead;
    if (fileTabs && !searchTabs) converted = '\t'.repeat(Math.floor(restLead.length / spacesPerTab)) + ' '.repeat(restLead.length % spacesPerTab);
    else if (searchTabs && !fileTabs) converted = restLead.replace(/\t/g, ' '.repeat(spacesPerTab));
    return fileLead + converted + rest.slice(restLead.length);
  });
}

/**
 * The search text without read_file's "12 | " prefixes, when every non-blank line has one;
 * undefined when it does not look copied from read_file output.
 */
function stripLineNumbers(text: string): string | undefined {
  const lines = text.split('\n');
  const nonBlank = lines.filter((line) => line.trim() !== '');
  if (nonBlank.length === 0 || !nonBlank.every((line) => NUMBERED_LINE.test(line))) return undefined;
  return lines.map((line) => (line.trim() === '' ? line : (NUMBERED_LINE.exec(line)?.[1] ?? line))).join('\n');
}

/**
 * The window of the file, as many lines long as the search, that shares the most character
 * pairs with it. A sliding window keeps this linear in the file's length; pairs are numbers
 * (two UTF-16 units), and a line keeps only the pairs the search has, so a 4 MiB file costs
 * tens of milliseconds rather than a map of strings per line (1.6 s measured).
 */
export async function closestRegion(text: string, search: string, signal?: AbortSignal): Promise<Candidate | undefined> {
  const wanted = trimBlankEnds(search.split('\n'));
  if (wanted.length === 0) return undefined;
  const target = bigrams(wanted.map(normalizeLine).join('\n'));
  let targetSize = 0;
  for (const count of target.values()) targetSize += count;
  if (targetSize === 0) return undefined;
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const span = Math.min(wanted.length, lines.length);
  if (span === 0) return undefined;
  // Per line: its pair count, and the pairs it shares with the search.
  const lineSizes = new Array<number>(lines.length);
  const lineShared = new Array<number[]>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    if (i % YIELD_EVERY_LINES === 0) await pause(signal);
    const line = normalizeLine(lines[i]);
    const kept: number[] = [];
    for (let j = 0; j + 1 < line.length; j++) {
      const gram = pair(line, j);
      if (target.has(gram)) kept.push(gram);
    }
    lineSizes[i] = Math.max(0, line.length - 1);
    lineShared[i] = kept;
  }

  // The shared count is kept up to date pair by pair as lines enter and leave the window, so
  // each step costs only the lines that moved, not the whole search text. Pairs between two
  // lines (the '\n' ones) are left out on both sides of the window; they change the score little.
  const window = new Map<number, number>();
  let windowSize = 0;
  let shared = 0;
  const move = (i: number, sign: 1 | -1): void => {
    windowSize += sign * lineSizes[i];
    for (const gram of lineShared[i]) {
      const before = window.get(gram) ?? 0;
      const after = before + sign;
      window.set(gram, after);
      const limit = target.get(gram)!;
      shared += Math.min(limit, after) - Math.min(limit, before);
    }
  };
  for (let i = 0; i < span; i++) move(i, 1);

  let best: Candidate | undefined;
  for (let start = 0; start + span <= lines.length; start++) {
    if (start % YIELD_EVERY_LINES === 0) await pause(signal);
    if (start > 0) {
      move(start - 1, -1);
      move(start + span - 1, 1);
    }
    const similarity = (2 * shared) / (targetSize + windowSize || 1);
    if (!best || similarity > best.similarity) best = { startLine: start + 1, endLine: start + span, similarity };
  }
  return best;
}

/** About 10 ms of work on this machine between chances to see a cancel. */
const YIELD_EVERY_LINES = 4096;

async function pause(signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  await new Promise<void>((resolve) => setImmediate(resolve));
  signal?.throwIfAborted();
}

function pair(text: string, at: number): number {
  return text.charCodeAt(at) * 65536 + text.charCodeAt(at + 1);
}

function bigrams(text: string): Map<number, number> {
  const grams = new Map<number, number>();
  for (let i = 0; i + 1 < text.length; i++) {
    const gram = pair(text, i);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

/** Where the search text starts (the first MAX_REPORTED places) and how often it occurs. */
function occurrences(text: string, search: string): { starts: number[]; count: number } {
  const starts: number[] = [];
  let count = 0;
  if (search === '') return { starts, count };
  for (let at = text.indexOf(search); at >= 0; at = text.indexOf(search, at + 1)) {
    count++;
    if (starts.length < MAX_REPORTED) starts.push(at);
  }
  return { starts, count };
}

/** 1-based line numbers of ascending character offsets, in one pass over the text. */
function linesOf(text: string, offsets: number[]): number[] {
  const out: number[] = [];
  let line = 1;
  let newline = text.indexOf('\n');
  for (const offset of offsets) {
    while (newline >= 0 && newline < offset) {
      line++;
      newline = text.indexOf('\n', newline + 1);
    }
    out.push(line);
  }
  return out;
}

/** Lines a piece of text spans (a final newline does not start another line). */
export function countLines(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function normalizeLine(line: string): string {
  const trimmed = line.trim();
  // Most lines have single spaces only; testing is much cheaper than rebuilding them.
  return /\s\s|[^\S ]/.test(trimmed) ? trimmed.replace(/\s+/g, ' ') : trimmed;
}

function leading(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

function countChar(text: string, char: string): number {
  return text.split(char).length - 1;
}

function trimBlankEnds(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === '') start++;
  while (end > start && lines[end - 1].trim() === '') end--;
  return lines.slice(start, end);
}
