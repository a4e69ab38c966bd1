// Run in the agent's copy of repo/; kept outside it so the agent cannot change it.
const assert = require('node:assert');
const fs = require('node:fs');

const text = fs.readFileSync('notes/hello.txt', 'utf8');
assert.strictEqual(text.replace(/\r?\n$/, ''), 'Hello, Gemma!');
console.log('solved');
