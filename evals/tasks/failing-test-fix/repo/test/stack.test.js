const test = require('node:test');
const assert = require('node:assert');
const { Stack } = require('../src/stack');

test('pop returns the last pushed item', () => {
  const stack = new Stack().push(1).push(2).push(3);
  assert.strictEqual(stack.pop(), 3);
  assert.strictEqual(stack.pop(), 2);
  assert.strictEqual(stack.size, 1);
});

test('peek does not remove', () => {
  const stack = new Stack().push('a');
  assert.strictEqual(stack.peek(), 'a');
  assert.strictEqual(stack.size, 1);
});
