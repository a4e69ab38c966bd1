// Run in the agent's copy of repo/; kept outside it so the agent cannot change it.
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

for (const file of ['users.js', 'app.js']) {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(!text.includes('getUserName'), `${file} still mentions getUserName`);
  assert.ok(text.includes('displayName'), `${file} does not use displayName`);
}
const { displayName } = require(path.resolve('users.js'));
assert.strictEqual(displayName({ first: 'Ada', last: 'Lovelace' }), 'Ada Lovelace');
assert.strictEqual(displayName({ first: 'A', last: 'B', nickname: 'ab' }), 'ab');
assert.strictEqual(execFileSync(process.execPath, ['app.js'], { encoding: 'utf8' }), 'Ada Lovelace\nalan\n');
console.log('solved');
