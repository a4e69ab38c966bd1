// Run in the agent's copy of repo/; kept outside it so the agent cannot change it.
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const original = fs.readFileSync(path.join(process.env.TASK_DIR, 'repo/test/stack.test.js'), 'utf8');
assert.strictEqual(fs.readFileSync('test/stack.test.js', 'utf8'), original, 'the tests were changed');
const { Stack } = require(path.resolve('src/stack.js'));
const stack = new Stack().push('a').push('b').push('c');
assert.strictEqual(stack.pop(), 'c');
assert.strictEqual(stack.peek(), 'b');
assert.strictEqual(stack.size, 2);
execFileSync(process.execPath, ['--test', 'test/'], { stdio: 'pipe' });
console.log('solved');
