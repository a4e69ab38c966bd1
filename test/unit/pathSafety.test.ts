import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { landedInside, normalizeWorkspacePath, PathSafetyError, resolveInsideWorkspace, toWorkspaceRelative, writeTarget } from '../../agent/workspace/pathSafety';

describe('pathSafety', () => {
  let base: string;
  let root: string;
  let outside: string;

  beforeEach(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'path-safety-')));
    root = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    fs.mkdirSync(path.join(root, 'src', 'inner'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'a');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  });

  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  const refused = (requested: string, pattern: RegExp): void => {
    assert.throws(() => resolveInsideWorkspace(root, requested), (error: unknown) => error instanceof PathSafetyError && pattern.test(error.message));
  };

  it('resolves workspace-relative paths, existing or not', () => {
    assert.equal(resolveInsideWorkspace(root, 'src/a.ts'), path.join(root, 'src', 'a.ts'));
    assert.equal(resolveInsideWorkspace(root, './src/../src/new/file.ts'), path.join(root, 'src', 'new', 'file.ts'));
    assert.equal(resolveInsideWorkspace(root, '.'), root);
    assert.equal(resolveInsideWorkspace(root, ''), root);
    assert.equal(resolveInsideWorkspace(root, '..foo'), path.join(root, '..foo'), 'a name starting with two dots is not a parent step');
  });

  it('accepts absolute paths inside the root', () => {
    assert.equal(resolveInsideWorkspace(root, path.join(root, 'src', 'a.ts')), path.join(root, 'src', 'a.ts'));
  });

  it('refuses absolute paths outside and .. escapes', () => {
    refused('/etc/passwd', /outside the workspace/);
    refused(path.join(outside, 'secret.txt'), /outside the workspace/);
    refused('../outside/secret.txt', /leads outside the workspace with '\.\.'/);
    refused('src/../../outside', /leads outside/);
    refused('..', /leads outside/);
    refused(root + '-sibling/x', /outside the workspace/);
  });

  it('refuses NUL bytes, drive letters and UNC paths', () => {
    refused('src/a.ts\0.png', /NUL/);
    refused('C:/Windows/system.ini', /names a drive/);
    refused('c:secret', /names a drive/);
    refused('//server/share/x', /UNC/);
    refused('\\\\server\\share\\x', /UNC/);
    refused('\\\\?\\C:\\x', /UNC/);
  });

  it('refuses Windows device names, streams and trailing dots on Windows', () => {
    const win = (requested: string): void => void resolveInsideWorkspace('C:\\ws', requested, 'win32');
    assert.throws(() => win('src\\NUL'), /Windows device/);
    assert.throws(() => win('con.txt'), /Windows device/);
    assert.throws(() => win('a.ts:hidden'), /alternate data stream/);
    assert.throws(() => win('secret. '), /dot or space/);
    assert.throws(() => win('D:\\other\\x'), /outside the workspace/);
    assert.throws(() => win('..\\x'), /leads outside/);
    assert.equal(resolveInsideWorkspace('C:\\ws', 'src\\a.ts', 'win32'), 'C:\\ws\\src\\a.ts');
    assert.equal(resolveInsideWorkspace('C:\\ws', 'C:\\ws\\src\\a.ts', 'win32'), 'C:\\ws\\src\\a.ts');
  });

  it('refuses a symlink out of the workspace as the final component', () => {
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'));
    refused('link.txt', /symlink that points outside/);
  });

  it('refuses a path through a symlinked parent folder, existing file or new one', () => {
    fs.symlinkSync(outside, path.join(root, 'src', 'out'));
    refused('src/out/secret.txt', /symlink/);
    refused('src/out/new-file.txt', /symlink/);
    refused('src/out/deeper/new/file.txt', /symlink/);
  });

  it('refuses a dangling symlink whose target would be created outside', () => {
    fs.symlinkSync(path.join(outside, 'not-yet.txt'), path.join(root, 'dangling.txt'));
    refused('dangling.txt', /symlink/);
    fs.symlinkSync(path.join(outside, 'missing-dir'), path.join(root, 'dangling-dir'));
    refused('dangling-dir/file.txt', /symlink/);
  });

  it('says why by a code, with the facts a caller words it from', () => {
    fs.symlinkSync(outside, path.join(root, 'out-link'));
    const codeOf = (requested: string): unknown => {
      try {
        resolveInsideWorkspace(root, requested);
      } catch (error) {
        return error instanceof PathSafetyError ? { code: error.code, requested: error.requested, target: error.facts.target } : error;
      }
      return undefined;
    };
    assert.deepEqual(codeOf('out-link/secret.txt'), { code: 'symlink-outside', requested: 'out-link/secret.txt', target: path.join(outside, 'secret.txt') });
    assert.deepEqual(codeOf('../x'), { code: 'parent', requested: '../x', target: undefined });
    assert.deepEqual(codeOf(path.join(outside, 'secret.txt')), { code: 'absolute-outside', requested: path.join(outside, 'secret.txt'), target: undefined });
    assert.deepEqual(codeOf('a\0b'), { code: 'nul', requested: 'a\\0b', target: undefined });
  });

  it('allows symlinks that stay inside the workspace', () => {
    fs.symlinkSync(path.join(root, 'src'), path.join(root, 'src-link'));
    assert.equal(resolveInsideWorkspace(root, 'src-link/a.ts'), path.join(root, 'src-link', 'a.ts'));
    fs.symlinkSync('a.ts', path.join(root, 'src', 'relative-link.ts'));
    assert.equal(resolveInsideWorkspace(root, 'src/relative-link.ts'), path.join(root, 'src', 'relative-link.ts'));
  });

  it('reports a symlink loop instead of hanging', () => {
    fs.symlinkSync(path.join(root, 'loop-b'), path.join(root, 'loop-a'));
    fs.symlinkSync(path.join(root, 'loop-a'), path.join(root, 'loop-b'));
    assert.throws(() => resolveInsideWorkspace(root, 'loop-a/x'), PathSafetyError);
  });

  it('works when the root itself is reached through a symlink', () => {
    const alias = path.join(base, 'alias');
    fs.symlinkSync(root, alias);
    assert.equal(resolveInsideWorkspace(alias, 'src/a.ts'), path.join(alias, 'src', 'a.ts'));
    assert.equal(resolveInsideWorkspace(alias, path.join(root, 'src', 'a.ts')), path.join(alias, 'src', 'a.ts'), 'the real spelling of the root is accepted');
    assert.throws(() => resolveInsideWorkspace(alias, '../outside/secret.txt'), PathSafetyError);
  });

  it('toWorkspaceRelative gives forward-slash relative paths and refuses outside ones', () => {
    assert.equal(toWorkspaceRelative(root, path.join(root, 'src', 'a.ts')), 'src/a.ts');
    assert.equal(toWorkspaceRelative(root, root), '.');
    assert.equal(toWorkspaceRelative('C:\\ws', 'C:\\ws\\src\\a.ts', 'win32'), 'src/a.ts');
    assert.throws(() => toWorkspaceRelative(root, outside), PathSafetyError);
  });

  it('normalizeWorkspacePath checks and rewrites in one step', () => {
    assert.equal(normalizeWorkspacePath(root, path.join(root, 'src', 'a.ts')), 'src/a.ts');
    assert.equal(normalizeWorkspacePath(root, './src//inner/'), 'src/inner');
    assert.throws(() => normalizeWorkspacePath(root, '../x'), PathSafetyError);
  });
});

describe('path safety at the moment of writing', () => {
  let base: string;
  let root: string;
  let outside: string;

  beforeEach(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-write-target-')));
    root = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'a');
    fs.writeFileSync(path.join(outside, 'a.ts'), 'outside');
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('names the real target of a file, an in-workspace link, and a new file in new folders', async () => {
    assert.equal(await writeTarget(root, path.join(root, 'src', 'a.ts')), path.join(root, 'src', 'a.ts'));
    fs.symlinkSync(path.join(root, 'src'), path.join(root, 'alias'));
    assert.equal(await writeTarget(root, path.join(root, 'alias', 'a.ts')), path.join(root, 'src', 'a.ts'));
    assert.equal(await writeTarget(root, path.join(root, 'new', 'deep', 'b.ts')), path.join(root, 'new', 'deep', 'b.ts'));
  });

  it('refuses a folder that has become a symlink to outside since the tool checked it', async () => {
    fs.renameSync(path.join(root, 'src'), path.join(root, 'src.away'));
    fs.symlinkSync(outside, path.join(root, 'src'));
    await assert.rejects(writeTarget(root, path.join(root, 'src', 'a.ts')), PathSafetyError);
    await assert.rejects(writeTarget(root, path.join(root, 'src', 'new.ts')), PathSafetyError);
    assert.equal(await landedInside(root, path.join(root, 'src', 'a.ts')), false, 'after a late swap the write is reported');
    assert.equal(await landedInside(root, path.join(root, 'src.away', 'a.ts')), true);
  });
});
