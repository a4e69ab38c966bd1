// Run in the agent's copy of repo/ (the working directory); kept outside it so the agent cannot change it.
const assert = require('node:assert');
const path = require('node:path');
const { range } = require(path.resolve('range.js'));

assert.deepStrictEqual(range(0), []);
assert.deepStrictEqual(range(1), [0]);
assert.deepStrictEqual(range(5), [0, 1, 2, 3, 4]);
console.log('solved');
