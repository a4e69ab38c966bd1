import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsWorkspace } from '../../agent/workspace/fsWorkspace';
import { makeSentinel, tempDir } from '../support/files';

/*
 * A process that keeps swapping a workspace folder for a symlink to a folder outside, while
 * the agent writes and edits files in it. Whatever the timing, nothing may land outside:
 * each write either goes into the real folder or is refused.
 */
const swapper = `
const fs = require('node:fs');
const [dir, away, target, ms] = process.argv.slice(1);
const end = Date.now() + Number(ms);
while (Date.now() < end) {
  try { fs.renameSync(dir, away); fs.symlinkSync(target, dir); } catch {}
  try { fs.unlinkSync(dir); fs.renameSync(away, dir); } catch {}
}
`;

describe('file writes against a symlink swapped in between the check and the write', function () {
  this.timeout(60_000);
  let base: string;

  beforeEach(() => {
    base = tempDir('gemma-race-', '/var/tmp');
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('lands every write inside the workspace or refuses it (150 creates, 150 edits)', async () => {
    const root = path.join(base, 'ws');
    fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(root, 'sub', 'file.txt'), 'v0\n');
    const sentinel = makeSentinel(path.join(base, 'sentinel'), { 'file.txt': 'outside\n' });
    const workspace = new FsWorkspace(root);
    const race = spawn(process.execPath, ['-e', swapper, path.join(root, 'sub'), path.join(root, 'sub.away'), sentinel.dir, '8000'], { stdio: 'ignore' });
    let landed = 0;
    let refused = 0;
    try {
      for (let i = 0; i < 150; i++) {
        for (const change of [
          { kind: 'create' as const, path: `sub/new-${i}.txt`, content: `created ${i}\n` },
          { kind: 'modify' as const, path: 'sub/file.txt', content: `v${i + 1}\n` },
        ]) {
          try {
            await workspace.applyChange(change);
            landed++;
          } catch {
            refused++;
          }
        }
      }
    } finally {
      race.kill('SIGKILL');
      await new Promise((r) => race.once('exit', r));
    }
    sentinel.assertIntact('nothing outside was created or changed');
    assert.ok(landed > 0, 'the race still lets writes through to the real folder');
    console.log(`      symlink race: ${landed + refused} writes, ${landed} landed inside, ${refused} refused, 0 outside`);
  });
});
