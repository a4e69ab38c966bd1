import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { alive } from '../support/processes';
import { waitFor } from '../support/waiting';

describe('engine: no orphan llama-server', function () {
  this.timeout(60_000);

  it('ends the server when its parent dies without cleaning up', async () => {
    const tsx = path.resolve(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    const parent = spawn(tsx, [path.join(__dirname, '..', 'support', 'superviseOnce.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /PID (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      parent.on('exit', (code) => reject(new Error(`the supervising process exited early (${code})`)));
    });
    assert.ok(alive(pid), 'server runs while its parent lives');
    // tsx runs the script in a child node process: kill the whole tree's top without cleanup.
    const pgrep = spawn('pgrep', ['-P', String(parent.pid)]);
    const children = await new Promise<number[]>((resolve) => {
      let out = '';
      pgrep.stdout.on('data', (d: Buffer) => (out += d.toString()));
      pgrep.on('exit', () => resolve(out.split('\n').filter(Boolean).map(Number)));
    });
    for (const child of children) process.kill(child, 'SIGKILL');
    parent.kill('SIGKILL');
    assert.ok(await waitFor(() => !alive(pid), 15_000, 250), `llama-server ${pid} outlived its parent`);
  });
});
