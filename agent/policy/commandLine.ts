/**
 * A small reading of a shell command line, enough to judge it for approval: the simple
 * commands it chains (`;`, `&&`, `||`, `|`, `&`, newlines, subshells), the commands hidden in
 * substitutions (`$(...)`, backticks, `<(...)`), and where output is redirected. It is not a
 * shell: anything it cannot read with certainty is reported as unparsable, and the policy
 * then asks the user instead of guessing.
 */

export interface SimpleCommand {
  /** The text of this command with substitutions replaced by `$(...)`, whitespace collapsed. */
  text: string;
  /** Words with quotes removed. */
  words: string[];
  /** True when the previous command's output is piped into this one. */
  pipedInto: boolean;
  /** True when a substitution appears among its words (its output becomes arguments). */
  hasSubstitution: boolean;
}

export interface CommandAnalysis {
  /** Every simple command, including those inside substitutions, in reading order. */
  commands: SimpleCommand[];
  /** Targets of output redirections (`>`, `>>`, `&>`, `>|`), quotes removed. */
  redirectTargets: string[];
  /** Why the line could not be read, e.g. an unclosed quote. */
  unparsable?: string;
}

const SEPARATORS = new Set([';', '\n', '&', '|', '(', ')']);

class Unparsable extends Error {}

export function analyseCommand(line: string): CommandAnalysis {
  const analysis: CommandAnalysis = { commands: [], redirectTargets: [] };
  try {
    readList(line, analysis);
  } catch (error) {
    if (!(error instanceof Unparsable)) throw error;
    analysis.unparsable = error.message;
  }
  return analysis;
}

interface Builder {
  raw: string;
  words: string[];
  word: string;
  inWord: boolean;
  hasSubstitution: boolean;
  pipedInto: boolean;
  /** Set after a redirection operator: the next word is its target, not an argument. */
  redirectPending: boolean;
}

function newBuilder(pipedInto: boolean): Builder {
  return { raw: '', words: [], word: '', inWord: false, hasSubstitution: false, pipedInto, redirectPending: false };
}

function readList(line: string, analysis: CommandAnalysis): void {
  let current = newBuilder(false);
  let i = 0;

  const endWord = (): void => {
    if (!current.inWord) return;
    if (current.redirectPending) {
      analysis.redirectTargets.push(current.word);
      current.redirectPending = false;
    } else {
      current.words.push(current.word);
    }
    current.word = '';
    current.inWord = false;
  };
  const endCommand = (nextPiped: boolean): void => {
    endWord();
    if (current.redirectPending) throw new Unparsable('a redirection has no target');
    const text = current.raw.replace(/\s+/g, ' ').trim();
    if (current.words.length > 0) {
      analysis.commands.push({ text, words: current.words, pipedInto: current.pipedInto, hasSubstitution: current.hasSubstitution });
    }
    current = newBuilder(nextPiped);
  };
  const substitution = (inner: string): void => {
    readList(inner, analysis);
    current.hasSubstitution = true;
    current.inWord = true;
    current.word += '$(...)';
    current.raw += '$(...)';
  };

  while (i < line.length) {
    const ch = line[i] ?? '';
    const next = line[i + 1] ?? '';

    if (ch === '\\') {
      if (i + 1 >= line.length) throw new Unparsable('the line ends with a backslash');
      if (next !== '\n') {
        current.word += next;
        current.inWord = true;
      }
      current.raw += ch + next;
      i += 2;
      continue;
    }
    if (ch === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new Unparsable('a single quote is not closed');
      current.word += line.slice(i + 1, close);
      current.inWord = true;
      current.raw += line.slice(i, close + 1);
      i = close + 1;
      continue;
    }
    if (ch === '"') {
      i = readDoubleQuoted(line, i, current, substitution);
      continue;
    }
    if (ch === '`') {
      const close = findBacktick(line, i + 1);
      substitution(line.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    if ((ch === '$' || ch === '<' || ch === '>') && next === '(') {
      const close = findClosingParen(line, i + 2);
      substitution(line.slice(i + 2, close));
      i = close + 1;
      continue;
    }
    if (ch === '#' && !current.inWord) {
      // A comment runs to the end of the line.
      const newline = line.indexOf('\n', i);
      i = newline < 0 ? line.length : newline;
      continue;
    }
    if (ch === '>' || (ch === '&' && next === '>') || (/\d/.test(ch) && !current.inWord && isDigitRedirect(line, i))) {
      i = readRedirect(line, i, current, endWord);
      continue;
    }
    if (ch === '<') {
      // Input redirection reads a file; its target is a word we do not need.
      endWord();
      current.raw += ch;
      i += next === '<' ? 2 : 1;
      continue;
    }
    if (SEPARATORS.has(ch)) {
      const piped = ch === '|' && next !== '|';
      endCommand(piped);
      i += (ch === '&' && next === '&') || (ch === '|' && (next === '|' || next === '&')) || (ch === ';' && next === ';') ? 2 : 1;
      continue;
    }
    if (/\s/.test(ch)) {
      endWord();
      current.raw += ' ';
      i += 1;
      continue;
    }
    current.word += ch;
    current.inWord = true;
    current.raw += ch;
    i += 1;
  }
  endCommand(false);
}

function readDoubleQuoted(line: string, start: number, current: Builder, substitution: (inner: string) => void): number {
  let i = start + 1;
  current.inWord = true;
  current.raw += '"';
  while (i < line.length) {
    const ch = line[i] ?? '';
    const next = line[i + 1] ?? '';
    if (ch === '"') {
      current.raw += '"';
      return i + 1;
    }
    if (ch === '\\' && i + 1 < line.length) {
      current.word += '$`"\\\n'.includes(next) ? next : ch + next;
      current.raw += ch + next;
      i += 2;
      continue;
    }
    if (ch === '`') {
      const close = findBacktick(line, i + 1);
      substitution(line.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    if (ch === '$' && next === '(') {
      const close = findClosingParen(line, i + 2);
      substitution(line.slice(i + 2, close));
      i = close + 1;
      continue;
    }
    current.word += ch;
    current.raw += ch;
    i += 1;
  }
  throw new Unparsable('a double quote is not closed');
}

function isDigitRedirect(line: string, i: number): boolean {
  let j = i;
  while (j < line.length && /\d/.test(line[j] ?? '')) j++;
  return line[j] === '>';
}

/** Reads `>`, `>>`, `>|`, `&>`, `&>>`, `N>`, `N>&M`; fd duplications have no file target. */
function readRedirect(line: string, start: number, current: Builder, endWord: () => void): number {
  endWord();
  let i = start;
  while (/\d/.test(line[i] ?? '')) i++;
  if (line[i] === '&') i++;
  i++; // '>'
  if (line[i] === '>' || line[i] === '|') i++;
  current.raw += line.slice(start, i);
  if (line[i] === '&') {
    // `2>&1`, `>&2`: duplicates a descriptor.
    let j = i + 1;
    while (/[\d-]/.test(line[j] ?? '')) j++;
    current.raw += line.slice(i, j);
    return j;
  }
  current.redirectPending = true;
  return i;
}

function findBacktick(line: string, from: number): number {
  for (let i = from; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '`') return i;
  }
  throw new Unparsable('a backtick substitution is not closed');
}

/** Index of the `)` closing a `$(`, skipping quoted text and nested parentheses. */
function findClosingParen(line: string, from: number): number {
  let depth = 1;
  for (let i = from; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\') i++;
    else if (ch === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) break;
      i = close;
    } else if (ch === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) if (line[i] === '\\') i++;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  throw new Unparsable('a $( substitution is not closed');
}
