import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HeadTailBuffer } from '../../agent/workspace/commandRunner';
import { FileTooLargeError, FsWorkspace } from '../../agent/workspace/fsWorkspace';
import { PathSafetyError } from '../../agent/workspace/pathSafety';
import { findRipgrep, ripgrepArgs } from '../../agent/workspace/ripgrep';
import { realTempDir, writeFiles } from '../support/files';
import { describeSearchText } from '../support/searchTextSuite';

const tempWorkspace = (): string => realTempDir('fs-workspace-');

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

  describeSearchText('plain scan', () => root);

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

    it('leaves out skipped folders from the search root only, their names taken literally', () => {
      const args = ripgrepArgs({ query: 'x', regex: false, maxResults: 5, maxFileBytes: 10, skip: ['packages/ui', 'we[ird]{1}*'] });
      const globs = args.flatMap((arg, i) => (arg === '--glob' ? [args[i + 1]] : []));
      assert.deepEqual(globs.slice(-2), ['!/packages/ui/**', '!/we[[]ird[]][{]1[}][*]/**']);
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
