/**
 * Turns the model's reply into the replacement lines. The prompt asks for bare code, but
 * models often wrap it in one fenced block, sometimes with a sentence around it; that
 * wrapping is removed while the code's own indentation is kept.
 */

const FENCE = /^\s*(`{3,}|~{3,})(.*)$/;

interface FenceLine {
  marker: string;
  info: string;
}

function fenceOf(line: string): FenceLine | undefined {
  const match = FENCE.exec(line);
  return match ? { marker: match[1], info: match[2].trim() } : undefined;
}

/**
 * The code lines of a reply. With `complete: false` (still streaming) the last, unfinished
 * line is held back and a block whose closing fence has not arrived yet is read up to here.
 */
export function extractCode(reply: string, complete: boolean): string[] {
  let lines = reply.replace(/\r\n?/g, '\n').split('\n');
  if (!complete) lines = lines.slice(0, -1);
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first === -1) return [];

  let code: string[];
  const opening = fenceOf(lines[first]);
  if (opening) {
    code = fencedBody(lines, first);
  } else {
    // Prose, then exactly one fenced block: keep the block. Anything else is taken as code,
    // since code (a Markdown file, a template string) may itself contain fence lines.
    const fences = lines.map((line, i) => (fenceOf(line) ? i : -1)).filter((i) => i >= 0);
    const infos = fences.map((i) => fenceOf(lines[i])!.info);
    const proseFirst = infos[0] !== undefined && infos[0] !== '' && (infos.length === 2 ? infos[1] === '' : infos.length === 1 && !complete);
    code = proseFirst ? fencedBody(lines, fences[0]) : lines.slice(first);
  }
  return trimBlankEnds(code, complete);
}

/**
 * The lines inside the fence opened at `open`, up to its matching closing fence (or the
 * end). Fences with an info string inside it open nested blocks, as in a Markdown file.
 */
function fencedBody(lines: string[], open: number): string[] {
  const outer = fenceOf(lines[open])!;
  let depth = 0;
  for (let i = open + 1; i < lines.length; i++) {
    const fence = fenceOf(lines[i]);
    if (!fence || fence.marker[0] !== outer.marker[0] || fence.marker.length < outer.marker.length) continue;
    if (fence.info !== '') depth++;
    else if (depth > 0) depth--;
    else return lines.slice(open + 1, i);
  }
  return lines.slice(open + 1);
}

function trimBlankEnds(lines: string[], complete: boolean): string[] {
  let start = 0;
  while (start < lines.length && lines[start].trim() === '') start++;
  let end = lines.length;
  if (complete) while (end > start && lines[end - 1].trim() === '') end--;
  return lines.slice(start, end);
}

function leadingWhitespace(line: string): string {
  return /^\s*/.exec(line)![0];
}

/**
 * Models sometimes return an indented selection dedented to column 0. When the first code
 * line has no indentation but the original's first line had some, every line gets the
 * original's indentation back. Decided on the first line so streamed output stays stable.
 */
export function restoreIndentation(code: readonly string[], original: readonly string[]): string[] {
  const firstCode = code.find((line) => line.trim() !== '');
  const firstOriginal = original.find((line) => line.trim() !== '');
  if (firstCode === undefined || firstOriginal === undefined) return [...code];
  const indent = leadingWhitespace(firstOriginal);
  if (indent === '' || leadingWhitespace(firstCode) !== '') return [...code];
  return code.map((line) => (line.trim() === '' ? line : indent + line));
}
