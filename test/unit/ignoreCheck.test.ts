import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { walkFiles } from '../../agent/workspace/fileWalk';
import { IgnoreCheck } from '../../agent/workspace/gitignore';

describe('IgnoreCheck: paths found elsewhere are ignored as the walk ignores them', () => {
  let root: string;
  const files: Record<string, string> = {
    '.gitignore': 'dist/\n*.log\n!keep.log\n',
    '.git/info/exclude': 'secret.txt\n',
    'src/a.ts': '',
    'src/sub/.gitignore': 'generated.ts\n!dist/\n',
    'src/sub/generated.ts': '',
    'src/sub/b.ts': '',
    'src/sub/dist/c.ts': '',
    'dist/out.ts': '',
    'dist/deep/x.ts': '',
    'debug.log': '',
    'keep.log': '',
    'secret.txt': '',
    'node_modules/pkg/index.ts': '',
    'pkg/node_modules/dep/index.ts': '',
    '.github/ci.yml': '',
  };

  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ignore-check-')));
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), content);
    }
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('agrees with walkFiles on every file of the tree', async () => {
    const walked = new Set<string>();
    for await (const file of walkFiles(root)) walked.add(file);
    const all = Object.keys(files).filter((file) => !file.startsWith('.git/'));
    const check = new IgnoreCheck(root);
    for (const file of all) assert.equal(await check.file(file), !walked.has(file), file);
    assert.ok(walked.has('keep.log') && walked.has('src/sub/b.ts') && !walked.has('dist/deep/x.ts'));
  });
});
