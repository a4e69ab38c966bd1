import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsWorkspace } from '../../agent/workspace/fsWorkspace';
import { findRipgrep } from '../../agent/workspace/ripgrep';
import type { ToolContext } from '../../agent/tool';
import { createDefaultTools } from '../../agent/tools';
import { realTempDir, writeFiles } from '../support/files';
import { toolCaller } from '../support/toolCalls';

describe('agent tools', function () {
  this.timeout(20_000);
  let root: string;
  let outside: string;
  let context: ToolContext;
  const { tool, call } = toolCaller(createDefaultTools(), () => context);

  beforeEach(() => {
    root = realTempDir('agent-tools-');
    outside = realTempDir('agent-tools-out-');
    writeFiles(outside, { 'secret.txt': 'TOKEN=1\n' });
    context = { workspace: new FsWorkspace(root) };
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  describe('run_command', () => {
    it('describes the command line and reports exit code and output', async () => {
      const request = await tool('run_command').describe({ command: 'echo hi\necho there' }, context);
      assert.deepEqual(request, { category: 'command', tool: 'run_command', title: 'Run echo hi ...', detail: 'echo hi\necho there' });
      const out = await call('run_command', { command: 'echo hello' });
      assert.equal(out.isError, false);
      assert.match(out.content, /^\$ echo hello\nExit code 0 after \d+\.\d s\.\nOutput:\n```\nhello\n```$/);
    });

    it('marks a failing command as an error but keeps its output', async () => {
      const out = await call('run_command', { command: 'echo broken >&2; exit 2' });
      assert.equal(out.isError, true);
      assert.match(out.content, /Exit code 2 after/);
      assert.match(out.content, /broken/);
      assert.match((await call('run_command', { command: 'true' })).content, /\(no output\)$/);
    });

    it('reports a timeout', async () => {
      const out = await call('run_command', { command: 'sleep 30 & sleep 30', timeout_seconds: 1 });
      assert.equal(out.isError, true);
      assert.match(out.content, /Timed out after 1 s; the command and everything it started were stopped/);
    });

    it('streams output to onOutput and passes cancellation through', async () => {
      const chunks: string[] = [];
      await tool('run_command').run({ command: 'echo live' }, { ...context, onOutput: (chunk) => chunks.push(chunk) });
      assert.equal(chunks.join(''), 'live\n');
      const controller = new AbortController();
      const running = tool('run_command').run({ command: 'sleep 30' }, { ...context, signal: controller.signal });
      setTimeout(() => controller.abort(), 200);
      await assert.rejects(running, { name: 'AbortError' });
    });

    it('says when the middle of long output was cut', async () => {
      const out = await call('run_command', { command: 'seq 1 50000' });
      assert.match(out.content, /Output \(too long: the middle was cut\):/);
      assert.match(out.content, /bytes of output omitted/);
      assert.match(out.content, /\n50000\n```$/);
    });
  });

  describe('search_text through ripgrep', () => {
    before(async function () {
      if (!(await findRipgrep())) this.skip();
    });

    it('does not follow symlinks out of the workspace', async () => {
      fs.symlinkSync(outside, path.join(root, 'out'));
      fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'leak.txt'));
      assert.doesNotMatch((await call('search_text', { query: 'TOKEN' })).content, /TOKEN=1/);
    });
  });
});
