import { strict as assert } from 'node:assert';
import { PathSafetyError } from '../../agent/workspace/pathSafety';
import { nameFolders } from '../../agent/workspace/workspaceFolders';
import { hintTarget } from '../../extension/chat/core/applyTarget';

describe('Apply: the file a path hint means', () => {
  const folders = nameFolders([{ root: '/w/web' }, { root: '/w/api' }, { root: '/w/docs' }]);
  const files = new Set(['web/src/a.ts', 'api/src/a.ts', 'api/src/only.ts']);
  const isFile = async (file: string): Promise<boolean> => files.has(file);

  it('takes the hint as it is with one folder, existing or not', async () => {
    assert.deepEqual(await hintTarget(undefined, 'src/new.ts', isFile), { kind: 'named', path: 'src/new.ts' });
  });

  it('takes a hint that starts with a folder\'s name as it is, even for a file still to be made', async () => {
    assert.deepEqual(await hintTarget(folders, 'api/src/a.ts', isFile), { kind: 'named', path: 'api/src/a.ts' });
    assert.deepEqual(await hintTarget(folders, 'docs/new.md', isFile), { kind: 'named', path: 'docs/new.md' });
  });

  it('looks for a hint that names no folder in every folder', async () => {
    assert.deepEqual(await hintTarget(folders, 'src/only.ts', isFile), { kind: 'found', paths: ['api/src/only.ts'] });
    assert.deepEqual(await hintTarget(folders, './src/a.ts', isFile), { kind: 'found', paths: ['web/src/a.ts', 'api/src/a.ts'] });
    assert.deepEqual(await hintTarget(folders, 'src/missing.ts', isFile), { kind: 'found', paths: [] });
  });

  it('puts the folder of the file open in the editor first', async () => {
    assert.deepEqual(await hintTarget(folders, 'src/a.ts', isFile, 'api'), { kind: 'found', paths: ['api/src/a.ts', 'web/src/a.ts'] });
  });

  it('counts a folder whose check refuses the path as not having the file', async () => {
    const refusing = async (file: string): Promise<boolean> => {
      if (file.startsWith('web/')) throw new PathSafetyError('symlink-outside', 'refused', { requested: file });
      return files.has(file);
    };
    assert.deepEqual(await hintTarget(folders, 'src/a.ts', refusing), { kind: 'found', paths: ['api/src/a.ts'] });
  });

  it('throws any other refusal of the hint, for the user to see', async () => {
    await assert.rejects(hintTarget(folders, '../etc/passwd', isFile), /leads outside the workspace with '\.\.'/);
    await assert.rejects(hintTarget(folders, '/etc/passwd', isFile), /outside the workspace's folders/);
  });
});
