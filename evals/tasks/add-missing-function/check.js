// Run in the agent's copy of repo/; kept outside it so the agent cannot change it.
const assert = require('node:assert');
const path = require('node:path');
const { capitalize, slugify } = require(path.resolve('strings.js'));

assert.strictEqual(capitalize('gemma'), 'Gemma');
assert.strictEqual(slugify('  Hello, World! '), 'hello-world');
assert.strictEqual(slugify('Gemma 4 -- 12B'), 'gemma-4-12b');
assert.strictEqual(slugify('already-a-slug'), 'already-a-slug');
assert.strictEqual(slugify('***'), '');
console.log('solved');
