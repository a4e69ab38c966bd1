const assert = require('node:assert');
const { range } = require('./range');

assert.deepStrictEqual(range(3), [0, 1, 2]);
assert.deepStrictEqual(range(1), [0]);
console.log('range: all tests pass');
