import { strict as assert } from 'node:assert';
import { buildEditMessages, diagnosticsInTarget, EDIT_SYSTEM_PROMPT, type EditContext } from '../../extension/inlineChat/core/editPrompt';
import { editTargetFor, surroundingsOf } from '../../extension/inlineChat/core/editTarget';

const file = ['import { price } from "./price";', '', 'export function total(items) {', '  var sum = 0;', '  return sum;', '}', '', 'export const tax = 0.2;'];

function contextFor(startLine: number, lineCount: number): EditContext {
  const target = { mode: 'rewrite' as const, startLine, lineCount };
  return {
    path: 'src/cart.js',
    languageId: 'javascript',
    target,
    original: file.slice(startLine, startLine + lineCount),
    surroundings: surroundingsOf(file, target),
    diagnostics: [{ line: 3, severity: 'warning', message: "'var' is discouraged", source: 'eslint', code: 'no-var' }],
  };
}

describe('inline chat: edit target', () => {
  const lineText = (line: number): string => file[line];
  const at = (line: number, character: number) => ({ line, character });

  it('widens a selection to whole lines', () => {
    assert.deepEqual(editTargetFor({ start: at(2, 7), end: at(5, 1) }, lineText), { mode: 'rewrite', startLine: 2, lineCount: 4 });
  });

  it('does not take the line a selection ends on at column 0', () => {
    assert.deepEqual(editTargetFor({ start: at(2, 0), end: at(6, 0) }, lineText), { mode: 'rewrite', startLine: 2, lineCount: 4 });
  });

  it('takes the cursor line, or inserts at a blank one', () => {
    assert.deepEqual(editTargetFor({ start: at(3, 4), end: at(3, 4) }, lineText), { mode: 'rewrite', startLine: 3, lineCount: 1 });
    assert.deepEqual(editTargetFor({ start: at(6, 0), end: at(6, 0) }, lineText), { mode: 'insert', startLine: 6, lineCount: 0 });
  });

  it('caps the surrounding code by lines and characters, keeping the nearest lines', () => {
    const long = Array.from({ length: 200 }, (_, i) => `line ${i}`);
    const target = { mode: 'rewrite' as const, startLine: 100, lineCount: 2 };
    const byLines = surroundingsOf(long, target, { maxLines: 3, maxChars: 10_000 });
    assert.deepEqual(byLines, { before: ['line 97', 'line 98', 'line 99'], after: ['line 102', 'line 103', 'line 104'], beforeStart: 97 });
    const byChars = surroundingsOf(long, target, { maxLines: 100, maxChars: 20 });
    assert.deepEqual(byChars.before, ['line 98', 'line 99']);
    assert.deepEqual(byChars.after, ['line 102', 'line 103']);
  });
});

describe('inline chat: prompt', () => {
  it('gives the path, language, surrounding code, marked lines, problems and instruction', () => {
    const messages = buildEditMessages(contextFor(2, 4), [], 'use let');
    assert.equal(messages.length, 2);
    assert.deepEqual(messages[0], { role: 'system', content: EDIT_SYSTEM_PROMPT });
    assert.match(EDIT_SYSTEM_PROMPT, /ONLY the code/);
    const user = messages[1].content as string;
    assert.match(user, /File: src\/cart\.js \(language: javascript\)/);
    assert.match(user, /Code before the marked lines \(lines 1-2\):\n```javascript\nimport \{ price \} from "\.\/price";\n\n```/);
    assert.match(user, /Marked lines 3-6, to be replaced:\n```javascript\nexport function total\(items\) \{\n {2}var sum = 0;\n {2}return sum;\n\}\n```/);
    assert.match(user, /Code after the marked lines \(lines 7-8\):\n```javascript\n\nexport const tax = 0\.2;\n```/);
    assert.match(user, /Problems the editor reports in the marked lines:\n- line 4, warning \(eslint no-var\): 'var' is discouraged/);
    assert.match(user, /Instruction: use let/);
    assert.match(user, /Reply with only the complete replacement for the marked lines\.$/);
  });

  it('leaves out empty sections', () => {
    const context = contextFor(0, 8);
    context.diagnostics = [];
    const user = buildEditMessages(context, [], 'tidy').at(-1)!.content as string;
    assert.doesNotMatch(user, /Code before|Code after|Problems/);
  });

  it('asks for code to insert at a blank line', () => {
    const target = { mode: 'insert' as const, startLine: 6, lineCount: 0 };
    const context: EditContext = { ...contextFor(6, 0), target, original: [], surroundings: surroundingsOf(file, target), diagnostics: [] };
    const user = buildEditMessages(context, [], 'add a discount function').at(-1)!.content as string;
    assert.match(user, /The cursor is on the empty line 7: the new code is inserted there\./);
    assert.match(user, /Code after the marked lines \(lines 7-8\)/);
    assert.match(user, /Reply with only the code to insert\.$/);
  });

  it('uses a longer fence when the code contains backticks', () => {
    const target = { mode: 'rewrite' as const, startLine: 0, lineCount: 1 };
    const context: EditContext = { ...contextFor(0, 1), original: ['const md = "```js";'], target, diagnostics: [] };
    assert.match(buildEditMessages(context, [], 'x')[1].content as string, /````javascript\nconst md = "```js";\n````/);
  });

  it('keeps the conversation for follow-ups: original request, previous proposal, new instruction', () => {
    const history = [
      { instruction: 'use let', proposal: ['export function total(items) {', '  let sum = 0;', '  return sum;', '}'] },
      { instruction: 'round it', proposal: ['export function total(items) {', '  let sum = 0;', '  return Math.round(sum);', '}'] },
    ];
    const messages = buildEditMessages(contextFor(2, 4), history, 'add a JSDoc comment');
    assert.deepEqual(
      messages.map((m) => m.role),
      ['system', 'user', 'assistant', 'user', 'assistant', 'user'],
    );
    assert.match(messages[1].content as string, /Instruction: use let/);
    assert.match(messages[1].content as string, /var sum = 0/);
    assert.equal(messages[2].content, history[0].proposal.join('\n'));
    assert.match(messages[3].content as string, /round it/);
    assert.equal(messages[4].content, history[1].proposal.join('\n'));
    assert.match(messages[5].content as string, /^Change your code as follows: add a JSDoc comment/);
  });

  it('keeps the problems touching the target, most severe first, on their first line inside it', () => {
    const target = { mode: 'rewrite' as const, startLine: 3, lineCount: 2 };
    const found = diagnosticsInTarget(
      [
        { startLine: 0, endLine: 0, severity: 'error', message: 'above' },
        { startLine: 4, endLine: 4, severity: 'warning', message: 'inside warning' },
        { startLine: 1, endLine: 3, severity: 'error', message: 'spans into it' },
        { startLine: 5, endLine: 6, severity: 'error', message: 'below' },
      ],
      target,
    );
    assert.deepEqual(found, [
      { severity: 'error', message: 'spans into it', line: 3 },
      { severity: 'warning', message: 'inside warning', line: 4 },
    ]);
  });
});
