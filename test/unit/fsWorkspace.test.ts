import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HeadTailBuffer, runShellCommand } from '../../agent/commandRunner';
import { FileTooLargeError, FsWorkspace } from '../../agent/fsWorkspace';
import { PathSafetyError } from '../../agent/pathSafety';
import { findRipgrep, ripgrepArgs, SearchError } from '../../agent/ripgrep';
import { realTempDir, writeFiles } from '../support/files';
import { alive } from '../support/processes';
import { waitFor } from '../support/waiting';

const tempWorkspace = (): string => realTempDir('fs-workspace-');

const hasRipgrep = findRipgrep();

describe('FsWorkspace', function () {
  this.timeout(20_000);
  let root: string;
  let outside: string;

  beforeEach(() => {
    root = tempWorkspace();
    outside = tempWorkspace();
    writeFiles(outside, { 'secret.txt': 'TOKEN=outside\n' });
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  describe('files', () => {
    it('reads, stats and lists', async () => {
      writeFiles(root, { 'src/a.ts': 'export const a = 1;\n', 'src/lib/b.ts': '', 'README.md': '# hi\n' });
      const ws = new FsWorkspace(root);
      assert.equal(await ws.readFile('src/a.ts'), 'export const a = 1;\n');
      assert.deepEqual(await ws.stat('src/a.ts'), { type: 'file', size: 20 });
      assert.equal((await ws.stat('src'))?.type, 'directory');
      assert.equal(await ws.stat('src/missing.ts'), undefined);
      assert.deepEqual(await ws.listDir('src'), [
        { name: 'a.ts', type: 'file' },
        { name: 'lib', type: 'directory' },
      ]);
      assert.deepEqual((await ws.listDir('.')).map((entry) => entry.name), ['README.md', 'src']);
    });

    it('refuses files over the read cap with a clear error', async () => {
      writeFiles(root, { 'big.txt': 'x'.repeat(2048) });
      const ws = new FsWorkspace(root, { maxReadBytes: 1024 });
      await assert.rejects(ws.readFile('big.txt'), (error: unknown) => error instanceof FileTooLargeError && /big\.txt is 2\.0 KB, more than the 1\.0 KB/.test(error.message));
    });

    it('says what is wrong with missing files and folders', async () => {
      writeFiles(root, { 'src/a.ts': 'a' });
      const ws = new FsWorkspace(root);
      await assert.rejects(ws.readFile('nope.ts'), /nope\.ts does not exist/);
      await assert.rejects(ws.readFile('src'), /src is a folder, not a file/);
      await assert.rejects(ws.listDir('src/a.ts'), /not a folder/);
    });

    it('refuses paths outside the workspace in every method', async () => {
      fs.symlinkSync(outside, path.join(root, 'linked'));
      const ws = new FsWorkspace(root);
      for (const bad of ['../x', path.join(outside, 'secret.txt'), 'linked/secret.txt', 'linked/new.txt']) {
        await assert.rejects(ws.readFile(bad), PathSafetyError, `readFile ${bad}`);
        await assert.rejects(ws.stat(bad), PathSafetyError, `stat ${bad}`);
        await assert.rejects(ws.listDir(bad), PathSafetyError, `listDir ${bad}`);
        await assert.rejects(ws.applyChange({ kind: 'create', path: bad, content: 'x' }), PathSafetyError, `create ${bad}`);
        await assert.rejects(ws.applyChange({ kind: 'modify', path: bad, content: 'x' }), PathSafetyError, `modify ${bad}`);
        await assert.rejects(ws.applyChange({ kind: 'delete', path: bad }), PathSafetyError, `delete ${bad}`);
      }
      await assert.rejects(ws.findFiles('../**', 10), PathSafetyError);
      assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'TOKEN=outside\n');
      assert.deepEqual(fs.readdirSync(outside), ['secret.txt']);
    });
  });

  describe('applyChange', () => {
    it('creates files and their folders, and refuses to create over an existing file', async () => {
      const ws = new FsWorkspace(root);
      await ws.applyChange({ kind: 'create', path: 'deep/new/dir/file.ts', content: 'new\n' });
      assert.equal(fs.readFileSync(path.join(root, 'deep/new/dir/file.ts'), 'utf8'), 'new\n');
      await assert.rejects(ws.applyChange({ kind: 'create', path: 'deep/new/dir/file.ts', content: 'other' }), /already exists/);
      assert.equal(fs.readFileSync(path.join(root, 'deep/new/dir/file.ts'), 'utf8'), 'new\n');
    });

    it('modifies atomically, keeping the file mode and leaving no temporary files', async () => {
      writeFiles(root, { 'run.sh': '#!/bin/sh\necho old\n' });
      fs.chmodSync(path.join(root, 'run.sh'), 0o755);
      const ws = new FsWorkspace(root);
      await ws.applyChange({ kind: 'modify', path: 'run.sh', content: '#!/bin/sh\necho new\n' });
      assert.equal(fs.readFileSync(path.join(root, 'run.sh'), 'utf8'), '#!/bin/sh\necho new\n');
      assert.equal(fs.statSync(path.join(root, 'run.sh')).mode & 0o777, 0o755);
      assert.deepEqual(fs.readdirSync(root), ['run.sh']);
      await assert.rejects(ws.applyChange({ kind: 'modify', path: 'missing.ts', content: 'x' }), /does not exist/);
    });

    it('modifies the target of an in-workspace symlink without replacing the link', async () => {
      writeFiles(root, { 'real.ts': 'old' });
      fs.symlinkSync('real.ts', path.join(root, 'alias.ts'));
      await new FsWorkspace(root).applyChange({ kind: 'modify', path: 'alias.ts', content: 'new' });
      assert.ok(fs.lstatSync(path.join(root, 'alias.ts')).isSymbolicLink());
      assert.equal(fs.readFileSync(path.join(root, 'real.ts'), 'utf8'), 'new');
    });

    it('deletes files but not folders', async () => {
      writeFiles(root, { 'gone.ts': 'x', 'dir/keep.ts': 'y' });
      const ws = new FsWorkspace(root);
      await ws.applyChange({ kind: 'delete', path: 'gone.ts' });
      assert.equal(fs.existsSync(path.join(root, 'gone.ts')), false);
      await assert.rejects(ws.applyChange({ kind: 'delete', path: 'dir' }), /is a folder/);
      await assert.rejects(ws.applyChange({ kind: 'delete', path: 'gone.ts' }), /does not exist/);
    });
  });

  describe('findFiles', () => {
    beforeEach(() => {
      writeFiles(root, {
        '.gitignore': 'dist/\n*.log\n!keep.log\n',
        'src/a.ts': '',
        'src/sub/b.ts': '',
        'src/sub/.gitignore': 'generated.ts\n',
        'src/sub/generated.ts': '',
        'dist/out.ts': '',
        'debug.log': '',
        'keep.log': '',
        'node_modules/pkg/index.ts': '',
        '.github/workflows/ci.yml': '',
        '.git/config': '',
        'README.md': '',
      });
    });

    it('matches whole paths, honouring .gitignore at every level and skipping .git and node_modules', async () => {
      const ws = new FsWorkspace(root);
      assert.deepEqual(await ws.findFiles('**/*.ts', 100), ['src/a.ts', 'src/sub/b.ts']);
      assert.deepEqual(await ws.findFiles('**/*.log', 100), ['keep.log']);
      assert.deepEqual(await ws.findFiles('src/sub/*', 100), ['src/sub/.gitignore', 'src/sub/b.ts']);
      assert.deepEqual(await ws.findFiles('**/*.yml', 100), ['.github/workflows/ci.yml'], 'hidden files are found');
      assert.deepEqual(await ws.findFiles('*.md', 100), ['README.md']);
      assert.deepEqual(await ws.findFiles('**/config', 100), [], '.git is never listed');
      assert.deepEqual(await ws.findFiles('dist/**', 100), [], 'ignored folders stay ignored when named');
      assert.deepEqual(await ws.findFiles('src/a.ts', 100), ['src/a.ts']);
    });

    it('stops at maxResults', async () => {
      assert.equal((await new FsWorkspace(root).findFiles('**/*', 2)).length, 2);
    });

    it('does not follow symlinked folders', async () => {
      fs.symlinkSync(outside, path.join(root, 'src', 'out'));
      assert.deepEqual(await new FsWorkspace(root).findFiles('**/*.txt', 100), []);
    });
  });

  for (const engine of ['ripgrep', 'plain scan'] as const) {
    describe(`searchText (${engine})`, () => {
      let ws: FsWorkspace;

      before(async function () {
        if (engine === 'ripgrep' && !(await hasRipgrep)) this.skip();
      });

      beforeEach(() => {
        writeFiles(root, {
          '.gitignore': 'dist/\n',
          'src/a.ts': 'const Alpha = 1;\nfunction beta() {}\n// alpha again\n',
          'src/b.py': 'alpha = 2\n',
          'dist/bundle.js': 'alpha\n',
          'node_modules/pkg/index.js': 'alpha\n',
          '.hidden/h.ts': 'alpha hidden\n',
          'bin.dat': 'alpha\0binary\n',
          'crlf.txt': 'one alpha\r\ntwo\r\n',
        });
        ws = new FsWorkspace(root, { disableRipgrep: engine === 'plain scan' });
      });

      it('finds literal text with smart case, skipping ignored, node_modules and binary files', async () => {
        const matches = await ws.searchText('alpha', {});
        assert.deepEqual(
          matches.map((m) => `${m.path}:${m.line}:${m.text}`),
          ['.hidden/h.ts:1:alpha hidden', 'crlf.txt:1:one alpha', 'src/a.ts:1:const Alpha = 1;', 'src/a.ts:3:// alpha again', 'src/b.py:1:alpha = 2'],
        );
        assert.deepEqual((await ws.searchText('Alpha', {})).map((m) => m.line), [1], 'an upper-case letter makes the search case-sensitive');
        assert.equal((await ws.searchText('ALPHA', { caseSensitive: false })).length, 5);
      });

      it('treats the query literally unless regex is set', async () => {
        assert.deepEqual(await ws.searchText('beta()', {}), [{ path: 'src/a.ts', line: 2, text: 'function beta() {}' }]);
        assert.deepEqual((await ws.searchText('^const \\w+ = \\d', { regex: true })).map((m) => m.path), ['src/a.ts']);
        assert.deepEqual(await ws.searchText('a.*z', {}), []);
      });

      it('filters by glob and stops at maxResults', async () => {
        assert.deepEqual((await ws.searchText('alpha', { glob: '**/*.py' })).map((m) => m.path), ['src/b.py']);
        assert.deepEqual((await ws.searchText('alpha', { glob: 'src/**' })).map((m) => m.path), ['src/a.ts', 'src/a.ts', 'src/b.py']);
        assert.equal((await ws.searchText('alpha', { maxResults: 2 })).length, 2);
      });

      it('reports a bad regular expression as a SearchError', async () => {
        await assert.rejects(ws.searchText('(unclosed', { regex: true }), (error: unknown) => error instanceof SearchError && /search failed/i.test(error.message));
      });

      it('refuses a glob that leads outside', async () => {
        await assert.rejects(ws.searchText('x', { glob: '../**' }), PathSafetyError);
      });
    });
  }

  describe('ripgrep discovery', () => {
    it('prefers $GEMMA_AGENT_RG, then PATH, then the bundled binary', async () => {
      const dir = tempWorkspace();
      try {
        const fake = path.join(dir, 'my-rg');
        fs.writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });
        const onPath = path.join(dir, 'bin');
        fs.mkdirSync(onPath);
        fs.writeFileSync(path.join(onPath, 'rg'), '#!/bin/sh\n', { mode: 0o755 });
        assert.equal(await findRipgrep({ GEMMA_AGENT_RG: fake, PATH: onPath }), fake);
        assert.equal(await findRipgrep({ PATH: onPath }, fake), path.join(onPath, 'rg'));
        assert.equal(await findRipgrep({ PATH: path.join(dir, 'empty') }, fake), fake);
        assert.equal(await findRipgrep({ GEMMA_AGENT_RG: path.join(dir, 'missing'), PATH: '' }), undefined);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('puts exclusions after the caller glob so they win', () => {
      const args = ripgrepArgs({ query: '-x', regex: false, glob: '**/*.ts', maxResults: 5, maxFileBytes: 10 });
      assert.ok(args.indexOf('**/*.ts') < args.indexOf('!node_modules'));
      assert.deepEqual(args.slice(-4), ['--regexp', '-x', '--', '.'], 'a query starting with - is not read as a flag');
    });
  });

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

  it('reports no diagnostics without a language server', async () => {
    assert.deepEqual(await new FsWorkspace(root).diagnostics(), []);
  });
});

describe('HeadTailBuffer', () => {
  it('keeps everything under the limit and head plus tail over it', () => {
    const small = new HeadTailBuffer(10);
    small.push(Buffer.from('abc'));
    small.push(Buffer.from('def'));
    assert.equal(small.text(), 'abcdef');
    assert.equal(small.truncated, false);

    const big = new HeadTailBuffer(10);
    for (const chunk of ['01234', '56789', 'abcde', 'fghij']) big.push(Buffer.from(chunk));
    assert.equal(big.truncated, true);
    assert.equal(big.text(), '01234\n[... 10 bytes of output omitted ...]\nfghij');
  });
});
