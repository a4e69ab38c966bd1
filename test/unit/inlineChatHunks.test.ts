import { strict as assert } from 'node:assert';
import { applyHunks, computeHunks } from '../../extension/inlineChat/core/hunks';

const original = ['function total(items) {', '  var sum = 0;', '  for (const item of items) {', '    sum += item.price;', '  }', '  return sum;', '}'];
const proposal = ['function total(items) {', '  let sum = 0;', '  for (const item of items) {', '    sum += item.price;', '  }', '  return Math.round(sum * 100) / 100;', '}'];

describe('inline chat: hunks', () => {
  it('finds two separate changed regions', () => {
    assert.deepEqual(computeHunks(original, proposal), [
      { oldStart: 1, oldLines: ['  var sum = 0;'], newLines: ['  let sum = 0;'] },
      { oldStart: 5, oldLines: ['  return sum;'], newLines: ['  return Math.round(sum * 100) / 100;'] },
    ]);
  });

  it('has no hunks when nothing changed', () => {
    assert.deepEqual(computeHunks(original, [...original]), []);
  });

  it('keeps pure insertions and deletions as hunks without old or new lines', () => {
    const hunks = computeHunks(['a', 'b', 'c'], ['a', 'x', 'y', 'b']);
    assert.deepEqual(hunks, [
      { oldStart: 1, oldLines: [], newLines: ['x', 'y'] },
      { oldStart: 2, oldLines: ['c'], newLines: [] },
    ]);
  });

  it('treats a change of indentation as a change', () => {
    assert.deepEqual(computeHunks(['  a'], ['    a']), [{ oldStart: 0, oldLines: ['  a'], newLines: ['    a'] }]);
  });

  it('inserts into an empty original', () => {
    assert.deepEqual(computeHunks([], ['x', 'y']), [{ oldStart: 0, oldLines: [], newLines: ['x', 'y'] }]);
  });

  it('applies all, none or a subset of the hunks', () => {
    const hunks = computeHunks(original, proposal);
    assert.deepEqual(applyHunks(original, hunks, () => true), proposal);
    assert.deepEqual(applyHunks(original, hunks, () => false), original);
    const firstOnly = applyHunks(original, hunks, (i) => i === 0);
    assert.deepEqual(firstOnly, [...proposal.slice(0, 5), '  return sum;', '}']);
    const secondOnly = applyHunks(original, hunks, (i) => i === 1);
    assert.deepEqual(secondOnly, [original[0], '  var sum = 0;', ...proposal.slice(2)]);
  });

  it('applies insertions and deletions selectively', () => {
    const old = ['a', 'b', 'c'];
    const hunks = computeHunks(old, ['a', 'x', 'y', 'b']);
    assert.deepEqual(applyHunks(old, hunks, (i) => i === 0), ['a', 'x', 'y', 'b', 'c']);
    assert.deepEqual(applyHunks(old, hunks, (i) => i === 1), ['a', 'b']);
  });

  it('round-trips random edits: applying every hunk gives the proposal', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const old = Array.from({ length: random(12) }, () => `l${random(6)}`);
      const next = Array.from({ length: random(12) }, () => `l${random(6)}`);
      const hunks = computeHunks(old, next);
      assert.deepEqual(applyHunks(old, hunks, () => true), next);
      assert.deepEqual(applyHunks(old, hunks, () => false), old);
    }
  });
});
