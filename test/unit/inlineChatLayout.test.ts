import { strict as assert } from 'node:assert';
import { classifyChange } from '../../extension/inlineChat/core/blockTracking';
import { kindRuns, layoutBlock, layoutStreaming } from '../../extension/inlineChat/core/diffLayout';
import { computeHunks } from '../../extension/inlineChat/core/hunks';
import { spliceBetween, spliceToReplacement, type LineSource } from '../../extension/inlineChat/core/lineSplice';

/** Applies a replacement to text the way an editor would, for checking the conversions end to end. */
function applyReplacement(text: string, edit: ReturnType<typeof spliceToReplacement>): string {
  const lines = text.split('\n');
  const offset = (line: number, character: number): number => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + character;
  return text.slice(0, offset(edit.start.line, edit.start.character)) + edit.text + text.slice(offset(edit.end.line, edit.end.character));
}

function source(text: string): LineSource {
  const lines = text.split('\n');
  return { lineCount: lines.length, lineLength: (line) => lines[line].length };
}

describe('inline chat: vertical diff layout', () => {
  const original = ['a', 'b', 'c', 'd'];
  const proposal = ['a', 'B', 'c', 'D', 'e'];
  const hunks = computeHunks(original, proposal);

  it('shows removed lines above inserted ones for each pending hunk', () => {
    const layout = layoutBlock(original, hunks, ['pending', 'pending']);
    assert.deepEqual(layout.lines, ['a', 'b', 'B', 'c', 'd', 'D', 'e']);
    assert.deepEqual(layout.kinds, ['unchanged', 'removed', 'inserted', 'unchanged', 'removed', 'inserted', 'inserted']);
    assert.deepEqual(layout.hunks, [
      { index: 0, start: 1, removed: 1, inserted: 1 },
      { index: 1, start: 4, removed: 1, inserted: 2 },
    ]);
  });

  it('shows resolved hunks as plain lines and places only pending ones', () => {
    const layout = layoutBlock(original, hunks, ['accepted', 'pending']);
    assert.deepEqual(layout.lines, ['a', 'B', 'c', 'd', 'D', 'e']);
    assert.deepEqual(layout.hunks, [{ index: 1, start: 3, removed: 1, inserted: 2 }]);
    assert.deepEqual(layoutBlock(original, hunks, ['accepted', 'rejected']).lines, ['a', 'B', 'c', 'd']);
    assert.deepEqual(layoutBlock(original, hunks, ['rejected', 'rejected']).lines, original);
  });

  it('while streaming, shows original lines not reached yet as upcoming, not removed', () => {
    assert.deepEqual(layoutStreaming(original, []).kinds, ['upcoming', 'upcoming', 'upcoming', 'upcoming']);
    const early = layoutStreaming(original, ['a', 'B']);
    assert.deepEqual(early.lines, ['a', 'B', 'b', 'c', 'd']);
    assert.deepEqual(early.kinds, ['unchanged', 'inserted', 'upcoming', 'upcoming', 'upcoming']);
    const later = layoutStreaming(original, ['a', 'B', 'c']);
    assert.deepEqual(later.lines, ['a', 'b', 'B', 'c', 'd']);
    assert.deepEqual(later.kinds, ['unchanged', 'removed', 'inserted', 'unchanged', 'upcoming']);
  });

  it('groups kinds into runs for decorations', () => {
    assert.deepEqual(kindRuns(['removed', 'removed', 'inserted', 'removed'], 'removed'), [
      { start: 0, count: 2 },
      { start: 3, count: 1 },
    ]);
  });
});

describe('inline chat: line splices', () => {
  it('touches only the lines that differ', () => {
    assert.deepEqual(spliceBetween(['a', 'b', 'c'], ['a', 'x', 'c']), { start: 1, deleteCount: 1, insert: ['x'] });
    assert.deepEqual(spliceBetween(['a', 'b'], ['a', 'b', 'c']), { start: 2, deleteCount: 0, insert: ['c'] });
    assert.deepEqual(spliceBetween(['a', 'a'], ['a']), { start: 1, deleteCount: 1, insert: [] });
    assert.equal(spliceBetween(['a'], ['a']), undefined);
  });

  const cases: Array<{ name: string; text: string; blockStart: number; before: string[]; after: string[] }> = [
    { name: 'in the middle', text: 'x\na\nb\ny', blockStart: 1, before: ['a', 'b'], after: ['a', 'B', 'C'] },
    { name: 'at the end without a final newline', text: 'x\na\nb', blockStart: 1, before: ['a', 'b'], after: ['a'] },
    { name: 'growing at the end', text: 'x\na', blockStart: 1, before: ['a'], after: ['a', 'b', 'c'] },
    { name: 'the whole document', text: 'a\nb', blockStart: 0, before: ['a', 'b'], after: ['c'] },
    { name: 'inserted into an empty block', text: 'x\n\ny', blockStart: 1, before: [], after: ['n1', 'n2'] },
    { name: 'inserted before the last empty line', text: 'x\n', blockStart: 1, before: [], after: ['n'] },
  ];
  for (const c of cases) {
    it(`converts a splice to a text replacement ${c.name}`, () => {
      const splice = spliceBetween(c.before, c.after)!;
      const edit = spliceToReplacement(splice, c.blockStart, source(c.text), '\n');
      const lines = c.text.split('\n');
      const expected = [...lines.slice(0, c.blockStart), ...c.after, ...lines.slice(c.blockStart + c.before.length)].join('\n');
      assert.equal(applyReplacement(c.text, edit), expected);
    });
  }

  it('uses the document line break', () => {
    const edit = spliceToReplacement({ start: 0, deleteCount: 0, insert: ['n'] }, 1, { lineCount: 3, lineLength: () => 1 }, '\r\n');
    assert.equal(edit.text, 'n\r\n');
  });
});

describe('inline chat: edits around the block', () => {
  const block = { start: 5, length: 3, lastLineLength: 4 };
  const at = (line: number, character: number) => ({ line, character });

  it('moves the block for edits above it', () => {
    assert.deepEqual(classifyChange(block, { start: at(1, 0), end: at(1, 0), text: 'x\ny\n' }), { kind: 'above', lineDelta: 2 });
    assert.deepEqual(classifyChange(block, { start: at(1, 0), end: at(3, 0), text: '' }), { kind: 'above', lineDelta: -2 });
    assert.deepEqual(classifyChange(block, { start: at(4, 2), end: at(4, 2), text: 'typed' }), { kind: 'above', lineDelta: 0 });
    assert.deepEqual(classifyChange(block, { start: at(5, 0), end: at(5, 0), text: 'new line\n' }), { kind: 'above', lineDelta: 1 });
  });

  it('ignores edits below it', () => {
    assert.deepEqual(classifyChange(block, { start: at(8, 0), end: at(9, 0), text: '' }), { kind: 'below' });
    assert.deepEqual(classifyChange(block, { start: at(7, 4), end: at(7, 4), text: '\nafter' }), { kind: 'below' });
  });

  it('reports edits inside it, including joins with its first or last line', () => {
    assert.deepEqual(classifyChange(block, { start: at(6, 1), end: at(6, 1), text: 'x' }), { kind: 'inside' });
    assert.deepEqual(classifyChange(block, { start: at(4, 3), end: at(5, 0), text: '' }), { kind: 'inside' });
    assert.deepEqual(classifyChange(block, { start: at(7, 4), end: at(8, 0), text: '' }), { kind: 'inside' });
    assert.deepEqual(classifyChange(block, { start: at(5, 0), end: at(5, 0), text: 'x' }), { kind: 'inside' });
  });
});
