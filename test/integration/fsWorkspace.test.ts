import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runShellCommand } from '../../agent/workspace/commandRunner';
import { FsWorkspace } from '../../agent/workspace/fsWorkspace';
import { realTempDir } from '../support/files';
import { alive } from '../support/processes';
import { describeSearchText } from '../support/searchTextSuite';
import { waitFor } from '../support/waiting';

describe('FsWorkspace', function () {
  this.timeout(20_000);
  let root: string;

  beforeEach(() => {
    root = realTempDir('fs-workspace-');
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  describeSearchText('ripgrep', () => root);

  describe('runCommand', () => {
    const options = { timeoutMs: 10_000, maxOutputBytes: 10_000 };

    it('returns output, exit code and runs in the root', async () => {
      const ws = new FsWorkspace(root);
      const result = await ws.runCommand('pwd; echo out; echo err >&2; exit 3', options);
      assert.equal(result.exitCode, 3);
      assert.equal(result.output, `${root}\nout\nerr\n`);
      assert.equal(result.timedOut, false);
      assert.equal(result.truncated, false);
      assert.equal(result.via, 'process');
      assert.equal((await ws.runCommand('true', options)).exitCode, 0);
    });

    it('streams output as it arrives', async () => {
      const chunks: string[] = [];
      await new FsWorkspace(root).runCommand('echo one; sleep 0.2; echo two', { ...options, onOutput: (chunk) => chunks.push(chunk) });
      assert.equal(chunks.join(''), 'one\ntwo\n');
      assert.ok(chunks.length >= 2);
    });

    it('kills the whole process group on timeout', async () => {
      const pidFile = path.join(root, 'pids');
      const started = Date.now();
      const result = await new FsWorkspace(root).runCommand(`sleep 30 & echo $! > ${pidFile}; sleep 30`, { ...options, timeoutMs: 500 });
      assert.ok(Date.now() - started < 5000, 'returned soon after the timeout');
      assert.equal(result.timedOut, true);
      assert.equal(result.exitCode, null);
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      assert.ok(await waitFor(() => !alive(pid), 3000), 'the background sleep was killed too');
    });

    it('forces processes that ignore SIGTERM to stop', async () => {
      const started = Date.now();
      const result = await runShellCommand("trap '' TERM; sleep 30", { cwd: root, timeoutMs: 300, maxOutputBytes: 1000, killGraceMs: 200 });
      assert.equal(result.timedOut, true);
      assert.ok(Date.now() - started < 3000);
    });

    it('stops background processes left behind when the shell exits', async () => {
      const pidFile = path.join(root, 'pids');
      const result = await new FsWorkspace(root).runCommand(`sleep 30 & echo $! > ${pidFile}; echo done`, options);
      assert.equal(result.exitCode, 0);
      assert.match(result.output, /^done\n\[background processes the command left running were stopped\]/);
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      assert.ok(await waitFor(() => !alive(pid), 3000));
    });

    it('caps output keeping the head and the tail', async () => {
      const result = await new FsWorkspace(root).runCommand('echo START; seq 1 20000; echo END', { ...options, maxOutputBytes: 1000 });
      assert.equal(result.truncated, true);
      assert.match(result.output, /^START\n1\n2\n/);
      assert.match(result.output, /\n20000\nEND\n$/);
      assert.match(result.output, /\[\.\.\. \d+ bytes of output omitted \.\.\.\]/);
      assert.ok(result.output.length < 1100);
    });

    it('rejects with an AbortError when cancelled, and kills the group', async () => {
      const pidFile = path.join(root, 'pids');
      const controller = new AbortController();
      const running = new FsWorkspace(root).runCommand(`sleep 30 & echo $! > ${pidFile}; sleep 30`, { ...options, signal: controller.signal });
      await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '', 3000);
      controller.abort();
      await assert.rejects(running, (error: unknown) => error instanceof Error && error.name === 'AbortError');
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      assert.ok(await waitFor(() => !alive(pid), 3000));
      const already = new AbortController();
      already.abort();
      await assert.rejects(new FsWorkspace(root).runCommand('true', { ...options, signal: already.signal }), { name: 'AbortError' });
    });

    it('does not wait for input', async () => {
      const result = await new FsWorkspace(root).runCommand('cat; echo after', { ...options, timeoutMs: 3000 });
      assert.equal(result.timedOut, false);
      assert.equal(result.output, 'after\n');
    });
  });
});
