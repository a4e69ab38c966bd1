/**
 * The scripted agent run that bench:agent replays: a small TypeScript project, the user's
 * two requests and the model's replies for every step (thinking, then one tool call, as
 * Gemma 4 orders them). The replies are fixed because the synthetic model's are random.
 */
import type { ReplyStep } from '../../test/support/scriptedEngine';

const SOURCE_HEAD = `/**
 * Text statistics for the notes app: word and sentence counts, reading time and the
 * most frequent words. Everything here is pure and synchronous.
 */

export const WORD_PATTERN = /[\\p{L}\\p{N}']+/gu;
export const SENTENCE_END = /[.!?]+(\\s|$)/g;
export const WORDS_PER_MINUTE = 220;

export interface TextStats {
  words: number;
  sentences: number;
  lines: number;
  characters: number;
  readingMinutes: number;
}

export interface WordCount {
  word: string;
  count: number;
}

/** Splits text into words; apostrophes stay inside a word. */
export function words(text: string): string[] {
  return text.match(WORD_PATTERN) ?? [];
}

/** Counts the words in a text. */
export function countWords(text: string): number {
  const found = text.split(/\\s+/);
  return found.filter((w) => w.length > 0).length;
}

/** Counts sentences: runs of . ! or ? followed by a space or the end. */
export function countSentences(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  const ends = trimmed.match(SENTENCE_END);
  return ends ? ends.length : 1;
}

/** Counts lines; a trailing newline does not start a new one. */
export function countLines(text: string): number {
  if (text === '') return 0;
  const lines = text.split(/\\r?\\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.length;
}

/** Minutes needed to read the text, rounded up. */
export function readingMinutes(text: string): number {
  const n = countWords(text);
  return n === 0 ? 0 : Math.ceil(n / WORDS_PER_MINUTE);
}

/** All statistics at once. */
export function textStats(text: string): TextStats {
  return {
    words: countWords(text),
    sentences: countSentences(text),
    lines: countLines(text),
    characters: [...text].length,
    readingMinutes: readingMinutes(text),
  };
}
`;

/** Small helpers in the same style, so the file is about 200 lines long. */
const HELPERS: Array<[name: string, doc: string, body: string]> = [
  ['longestWord', 'The longest word; the first one wins a tie.', "return words(text).reduce((best, w) => (w.length > best.length ? w : best), '');"],
  ['shortestWord', 'The shortest word, or an empty string.', "return words(text).reduce((best, w) => (best === '' || w.length < best.length ? w : best), '');"],
  ['averageWordLength', 'Mean word length in characters.', 'const all = words(text);\n  return all.length === 0 ? 0 : all.join(\'\').length / all.length;'],
  ['uniqueWords', 'Distinct words, lower-cased, in first-seen order.', 'return [...new Set(words(text).map((w) => w.toLowerCase()))];'],
  ['lexicalDensity', 'Share of distinct words among all words.', 'const all = words(text);\n  return all.length === 0 ? 0 : uniqueWords(text).length / all.length;'],
  ['capitalisedWords', 'Words that start with a capital letter.', 'return words(text).filter((w) => /^\\p{Lu}/u.test(w));'],
  ['numbersIn', 'Whole numbers written with digits.', 'return (text.match(/\\d+/g) ?? []).map(Number);'],
  ['paragraphs', 'Paragraphs: blocks separated by blank lines.', "return text.split(/\\n\\s*\\n/).map((p) => p.trim()).filter((p) => p !== '');"],
  ['countParagraphs', 'How many paragraphs the text has.', 'return paragraphs(text).length;'],
  ['firstSentence', 'The first sentence, without trailing spaces.', 'const match = /^[^.!?]*[.!?]?/.exec(text.trim());\n  return match ? match[0].trim() : \'\';'],
  ['sentences', 'The sentences, each trimmed.', "return text.split(/(?<=[.!?])\\s+/).map((s) => s.trim()).filter((s) => s !== '');"],
  ['averageSentenceLength', 'Mean words per sentence.', 'const n = countSentences(text);\n  return n === 0 ? 0 : countWords(text) / n;'],
  ['wordsPerParagraph', 'Mean words per paragraph.', 'const n = countParagraphs(text);\n  return n === 0 ? 0 : countWords(text) / n;'],
  ['blankLines', 'Lines holding only whitespace.', 'return text.split(/\\r?\\n/).filter((line) => line.trim() === \'\').length;'],
  ['longestLine', 'Length of the longest line in characters.', 'return Math.max(0, ...text.split(/\\r?\\n/).map((line) => line.length));'],
  ['hashtags', 'Tags written as #word.', 'return (text.match(/#[\\p{L}\\p{N}_]+/gu) ?? []).map((tag) => tag.slice(1));'],
  ['mentions', 'People written as @name.', 'return (text.match(/@[\\p{L}\\p{N}_]+/gu) ?? []).map((name) => name.slice(1));'],
  ['urlCount', 'Links starting with http:// or https://.', 'return (text.match(/https?:\\/\\/\\S+/g) ?? []).length;'],
  ['questionCount', 'Sentences that end with a question mark.', "return sentences(text).filter((s) => s.endsWith('?')).length;"],
];

function helperSource(): string {
  return HELPERS.map(([name, doc, body]) => `\n/** ${doc} */\nexport function ${name}(text: string): ${returnType(name)} {\n  ${body}\n}\n`).join('');
}

function returnType(name: string): string {
  if (['uniqueWords', 'capitalisedWords', 'paragraphs', 'sentences', 'hashtags', 'mentions'].includes(name)) return 'string[]';
  if (name === 'numbersIn') return 'number[]';
  if (['longestWord', 'shortestWord', 'firstSentence'].includes(name)) return 'string';
  return 'number';
}

const SOURCE_TAIL = `
/** How often each word occurs, case-insensitive. */
export function wordFrequencies(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of words(text)) {
    const key = word.toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The n most frequent words, most frequent first, ties in alphabetical order. */
export function topWords(text: string, n = 10): WordCount[] {
  const list: WordCount[] = [];
  for (const [word, count] of wordFrequencies(text)) list.push({ word, count });
  list.sort((a, b) => b.count - a.count || a.word.localeCompare(b.word));
  return list.slice(0, Math.max(0, n));
}

/** Formats statistics for the status bar, e.g. "120 words, 1 min". */
export function formatStats(stats: TextStats): string {
  const parts = [\`\${stats.words} \${stats.words === 1 ? 'word' : 'words'}\`];
  if (stats.readingMinutes > 0) parts.push(\`\${stats.readingMinutes} min\`);
  return parts.join(', ');
}

/** Compares two texts, e.g. before and after an edit. */
export function statsDelta(before: string, after: string): Partial<TextStats> {
  const a = textStats(before);
  const b = textStats(after);
  const delta: Partial<TextStats> = {};
  for (const key of Object.keys(a) as Array<keyof TextStats>) {
    const change = b[key] - a[key];
    if (change !== 0) delta[key] = change;
  }
  return delta;
}
`;

/** Lines the edit step replaces (exactly as they are in the file). */
export const EDIT_SEARCH = `export function countWords(text: string): number {
  const found = text.split(/\\s+/);
  return found.filter((w) => w.length > 0).length;
}`;

const EDIT_REPLACE = `export function countWords(text: string): number {
  // Punctuation on its own ("-", "...") is not a word.
  return words(text).length;
}`;

const TEST_FILE = `import { strict as assert } from 'node:assert';
import { countLines, countSentences, countWords, readingMinutes, topWords } from '../src/textStats';

describe('textStats', () => {
  it('counts words', () => {
    assert.equal(countWords('one two  three'), 3);
    assert.equal(countWords(''), 0);
  });

  it('ignores punctuation on its own', () => {
    assert.equal(countWords('wait - what ...'), 2);
  });

  it('counts sentences', () => {
    assert.equal(countSentences('One. Two! Three?'), 3);
    assert.equal(countSentences('no end'), 1);
  });

  it('counts lines without the trailing newline', () => {
    assert.equal(countLines('a\\nb\\n'), 2);
  });

  it('rounds reading time up', () => {
    assert.equal(readingMinutes('word '.repeat(221)), 2);
  });

  it('lists the most frequent words', () => {
    assert.deepEqual(topWords('b a b c a b', 2), [
      { word: 'b', count: 3 },
      { word: 'a', count: 2 },
    ]);
  });
});
`;

const PACKAGE_JSON = `${JSON.stringify(
  {
    name: 'notes-text-stats',
    version: '1.4.0',
    private: true,
    scripts: { build: 'tsc -p .', test: 'mocha -r tsx "test/**/*.test.ts"', lint: 'eslint .' },
    devDependencies: { '@types/mocha': '^10.0.6', '@types/node': '^20.11.0', mocha: '^10.4.0', tsx: '^4.7.0', typescript: '^5.4.0' },
  },
  null,
  2,
)}\n`;

const TSCONFIG = `{
  "compilerOptions": { "target": "ES2022", "module": "commonjs", "strict": true, "outDir": "dist" },
  "include": ["src", "test"]
}
`;

const README = `# notes-text-stats

Word counts, reading time and frequent words for the notes app's status bar.

    npm test
`;

const CHANGELOG = `# Changelog

## 1.4.1

- countWords no longer counts punctuation on its own as a word.
`;

export const SOURCE_PATH = 'src/textStats.ts';

/** The project the run works in, path to content. */
export function workspaceFiles(): Record<string, string> {
  return {
    'package.json': PACKAGE_JSON,
    'tsconfig.json': TSCONFIG,
    'README.md': README,
    [SOURCE_PATH]: SOURCE_HEAD + helperSource() + SOURCE_TAIL,
    'test/textStats.test.ts': TEST_FILE,
  };
}

export const FIRST_REQUEST = 'The failing test says countWords counts "-" and "..." as words. Fix countWords so punctuation on its own is not a word, check it, and note the fix in a changelog.';
export const FOLLOW_UP_REQUEST = 'Thanks. Is WORD_PATTERN exported, so the editor extension can reuse it?';

/** The tool each step calls (undefined: the answer), for the per-step lines. */
export type ScriptedStep = { tool?: string; reply: ReplyStep };

/** llama-server gives every call a random 32-character id; fixed ones keep runs comparable. */
function callId(turn: number, step: number): string {
  return `call${turn}${String(step).padStart(2, '0')}`.padEnd(32, 'x');
}

function call(turn: number, step: number, reasoning: string, name: string, args: Record<string, unknown>): ScriptedStep {
  return { tool: name, reply: { kind: 'reply', reasoning, toolCalls: [{ id: callId(turn, step), name, arguments: args }] } };
}

function answer(reasoning: string, text: string): ScriptedStep {
  return { reply: { kind: 'reply', reasoning, text } };
}

/** Turn 1: ten steps, nine tool calls and the answer. */
export function firstTurnSteps(): ScriptedStep[] {
  return [
    call(1, 1, 'Start by looking at the project layout.', 'list_dir', { path: '.' }),
    call(1, 2, 'The word counting lives in src/textStats.ts; read it.', 'read_file', { path: SOURCE_PATH }),
    call(1, 3, 'countWords splits on whitespace. Check where it is used.', 'search_text', { query: 'countWords' }),
    call(1, 4, 'Read the test to see what is expected.', 'read_file', { path: 'test/textStats.test.ts' }),
    call(1, 5, 'Use words(), which only matches letters, digits and apostrophes.', 'edit_file', { path: SOURCE_PATH, search: EDIT_SEARCH, replace: EDIT_REPLACE }),
    call(1, 6, 'Check that node runs here before relying on it.', 'run_command', { command: 'node -e "console.log(1)"' }),
    call(1, 7, 'Re-read the file to check the edit in context.', 'read_file', { path: SOURCE_PATH }),
    call(1, 8, 'The project has no changelog yet; create one.', 'write_file', { path: 'CHANGELOG.md', content: CHANGELOG }),
    call(1, 9, 'Look for compile errors the edit may have caused.', 'get_diagnostics', {}),
    answer(
      'The edit is in, the file still reads well, no diagnostics. Summarise.',
      'countWords now counts the matches of WORD_PATTERN (via words()), so "-" and "..." are no longer words; the test "ignores punctuation on its own" covers it. I added CHANGELOG.md with a 1.4.1 entry. No diagnostics were reported.',
    ),
  ];
}

/** Turn 2, the follow-up in the same session: one call and the answer. */
export function followUpSteps(): ScriptedStep[] {
  return [
    call(2, 1, 'Check how WORD_PATTERN is declared.', 'search_text', { query: 'WORD_PATTERN' }),
    answer('It is declared with export const.', 'Yes: src/textStats.ts declares `export const WORD_PATTERN`, so the extension can import it. It has the g flag, so reset lastIndex (or use String.match) when reusing it.'),
  ];
}
