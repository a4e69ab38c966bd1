import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ShadowCheckpoints } from '../../agent/checkpoint/shadowGit';

/*
 * Lasting checkpoints in a git repository of their own: they cover files a command changed,
 * survive a new instance (a window reload), put everything back, and never touch the
 * project's own .git.
 */
describe('shadow git checkpoints', function () {
  this.timeout(60_000);
  let base: string;
  let root: string;
  let storage: string;

  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-shadow-'));
    root = path.join(base, 'ws');
    storage = path.join(base, 'storage');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    fs.writeFileSync(path.join(root, 'keep.md'), '# keep\n');
    fs.writeFileSync(path.join(root, '.gitignore'), 'build/\n');
    // The project's own repository, with a commit: it must stay exactly as it is.
    execFileSync('git', ['init', '-q'], { cwd: root });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'project'], { cwd: root });
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('restores every file to the checkpoint, also after a reload, and leaves the project\'s .git alone', async () => {
    const checkpoints = new ShadowCheckpoints(root, storage);
    assert.ok(await checkpoints.available());
    const projectHead = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root }).toString();
    const before = await checkpoints.snapshot('before message 1');

    // What an agent run and its commands might do.
    fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'export const a = 2;\n');
    fs.rmSync(path.join(root, 'keep.md'));
    fs.writeFileSync(path.join(root, 'src', 'new.ts'), 'export {};\n');
    fs.mkdirSync(path.join(root, 'build'));
    fs.writeFileSync(path.join(root, 'build', 'out.js'), 'ignored\n');

    // A new instance over the same storage: what a window reload sees.
    const reloaded = new ShadowCheckpoints(root, storage);
    const changes = await reloaded.changesSince(before);
    assert.deepEqual(changes.sort((x, y) => x.path.localeCompare(y.path)), [
      { path: 'keep.md', kind: 'deleted' },
      { path: 'src/a.ts', kind: 'modified' },
      { path: 'src/new.ts', kind: 'added' },
    ]);
    assert.equal(await reloaded.fileAt(before, 'src/a.ts'), 'export const a = 1;\n');
    await reloaded.restore(before);
    assert.equal(fs.readFileSync(path.join(root, 'src', 'a.ts'), 'utf8'), 'export const a = 1;\n');
    assert.equal(fs.readFileSync(path.join(root, 'keep.md'), 'utf8'), '# keep\n');
    assert.equal(fs.existsSync(path.join(root, 'src', 'new.ts')), false);
    assert.equal(fs.readFileSync(path.join(root, 'build', 'out.js'), 'utf8'), 'ignored\n', 'ignored files are not the checkpoint\'s business');
    assert.equal(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root }).toString(), projectHead, 'the project\'s history is untouched');
    assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: root }).toString().includes('src/new.ts'), false);
    assert.ok(!fs.readdirSync(root).some((n) => n.endsWith('.git') && n !== '.git'), 'nothing of the shadow repository is in the workspace');
  });

  it('keeps the files it is told to keep (unsaved editor text)', async () => {
    const checkpoints = new ShadowCheckpoints(root, storage);
    const before = await checkpoints.snapshot('before');
    fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'edited\n');
    fs.writeFileSync(path.join(root, 'keep.md'), 'edited too\n');
    const restored = await checkpoints.restore(before, new Set(['keep.md']));
    assert.deepEqual(restored.map((c) => c.path), ['src/a.ts']);
    assert.equal(fs.readFileSync(path.join(root, 'keep.md'), 'utf8'), 'edited too\n');
  });

  it('readies ahead without taking a checkpoint: the first one still holds what changed after', async () => {
    const checkpoints = new ShadowCheckpoints(root, storage);
    await checkpoints.prepare();
    fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'export const a = 3;\n');
    const first = await checkpoints.snapshot('before message 1');
    assert.equal(await checkpoints.fileAt(first, 'src/a.ts'), 'export const a = 3;\n');
    assert.deepEqual(await checkpoints.changesSince(first), []);
  });
});
