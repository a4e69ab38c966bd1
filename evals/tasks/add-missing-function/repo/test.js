const assert = require('node:assert');
const { capitalize, slugify } = require('./strings');

assert.strictEqual(capitalize('gemma'), 'Gemma');
assert.strictEqual(typeof slugify, 'function', 'strings.js must export slugify');
assert.strictEqual(slugify('  Hello, World! '), 'hello-world');
console.log('strings: all tests pass');
