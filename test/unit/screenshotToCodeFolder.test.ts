import { strict as assert } from 'node:assert';
import { nameFolders } from '../../agent/workspace/workspaceFolders';
import { targetFolder } from '../../extension/screenshotToCode/core/targetFolder';

describe('Screenshot to code: the folder of a multi-root window the page goes into', () => {
  const folders = nameFolders([{ root: '/w/web' }, { root: '/w/api' }, { root: '/w/web/packages/ui', name: 'ui' }]);
  const [web, api, ui] = folders;

  it('is the folder the image is in, the innermost for nested folders', () => {
    assert.deepEqual(targetFolder(folders, '/w/api/design/login.png'), { kind: 'folder', folder: api });
    assert.deepEqual(targetFolder(folders, '/w/web/shot.png', 'api'), { kind: 'folder', folder: web }, 'the image wins over the open editor');
    assert.deepEqual(targetFolder(folders, '/w/web/packages/ui/mock.png'), { kind: 'folder', folder: ui });
  });

  it('is asked for an image from elsewhere, the open editor\'s folder first', () => {
    assert.deepEqual(targetFolder(folders, '/home/me/Desktop/shot.png'), { kind: 'ask', choices: [web, api, ui] });
    assert.deepEqual(targetFolder(folders, '/home/me/Desktop/shot.png', 'api'), { kind: 'ask', choices: [api, web, ui] });
    assert.deepEqual(targetFolder(folders, undefined, 'ui'), { kind: 'ask', choices: [ui, web, api] }, 'an image that is no file on this disk');
  });
});
