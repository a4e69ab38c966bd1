import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { EngineRegistry, isAlive } from '../../engine/supervisor/engineRegistry';
import { tempDir } from '../support/files';
import { writeFakeLlamaServer } from '../support/processes';
import { waitFor } from '../support/waiting';

/*
 * One engine per machine, tested with two (and three) extension hosts as separate
 * processes, each running the extension's sharing code against a stand-in llama-server.
 */
const hostScript = path.join(__dirname, '..', 'support', 'sharedEngineHost.ts');
const tsx = path.join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');

interface Host {
  proc: ChildProcess;
  next(): Promise<Record<string, unknown>>;
  send(line: string): void;
}

function startHost(dir: string, binary: string, key = 'model-set-1', idleMs = 0): Host {
  const proc = spawn(process.execPath, [tsx, hostScript, dir, key, binary, String(idleMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else lines.push(line);
  });
  return {
    proc,
    next: () => new Promise((resolve) => {
      const line = lines.shift();
      if (line !== undefined) resolve(JSON.parse(line));
      else waiting.push((l) => resolve(JSON.parse(l)));
    }),
    send: (line) => proc.stdin!.write(`${line}\n`),
  };
}

describe('shared engine: one per machine, several windows', function () {
  this.timeout(60_000);
  let dir: string;
  let binary: string;
  const hosts: Host[] = [];
  const host = (key?: string): Host => {
    const h = startHost(dir, binary, key);
    hosts.push(h);
    return h;
  };

  beforeEach(() => {
    dir = tempDir('gemma-shared-');
    binary = writeFakeLlamaServer(dir);
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) h.proc.kill('SIGKILL');
    const record = new EngineRegistry(path.join(dir, 'engine')).read();
    if (record) process.kill(record.pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts once; the second window connects with the key from a private file', async () => {
    const a = host();
    const first = await a.next();
    const b = host();
    const second = await b.next();
    assert.equal(first.owner, true);
    assert.equal(second.owner, false);
    assert.equal(second.pid, first.pid, 'one llama-server');
    assert.equal(second.url, first.url);
    const mode = fs.statSync(new EngineRegistry(dir).recordFile).mode & 0o777;
    assert.equal(mode, 0o600, 'the record holding the key is private');
  });

  it('outlives the window that started it while another uses it, and stops when the last one closes', async () => {
    const a = host();
    const { pid } = (await a.next()) as { pid: number };
    const b = host();
    await b.next();
    a.send('leave');
    await a.next();
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(isAlive(pid), 'still running for the second window');
    b.send('health');
    assert.equal((await b.next()).health, true);
    b.send('leave');
    await b.next();
    assert.ok(await waitFor(() => !isAlive(pid), 15_000, 100), 'stopped once no window holds a lease');
    assert.equal(new EngineRegistry(dir).read(), undefined, 'and its record is gone');
  });

  it('stops with the last window even when that window is killed without cleaning up', async () => {
    const a = host();
    const { pid } = (await a.next()) as { pid: number };
    a.send('die');
    assert.ok(await waitFor(() => !isAlive(pid), 15_000, 100));
  });

  it('after a crash with its owner gone, only one of the windows starts it again', async () => {
    const a = host();
    const { pid } = (await a.next()) as { pid: number };
    const b = host();
    const c = host();
    await b.next();
    await c.next();
    a.send('die');
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !isAlive(pid), 5000, 100);
    b.send('rejoin');
    c.send('rejoin');
    const [rb, rc] = await Promise.all([b.next(), c.next()]);
    assert.notEqual(rb.pid, pid);
    assert.equal(rb.pid, rc.pid, 'both use the same new engine');
    assert.equal([rb.owner, rc.owner].filter(Boolean).length, 1, 'exactly one window started it');
  });

  it('stops after the idle timeout even while a window is open', async () => {
    const a = startHost(dir, binary, 'model-set-1', 1000);
    hosts.push(a);
    const { pid } = (await a.next()) as { pid: number };
    assert.ok(await waitFor(() => !isAlive(pid), 15_000, 100), 'no request for longer than the idle time');
    a.send('health');
    assert.equal((await a.next()).health, false);
  });

  it('does not join an engine that runs other settings', async () => {
    const a = host('model-set-1');
    await a.next();
    const b = host('model-set-2');
    assert.equal((await b.next()).declined, true);
  });
});
