import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MultiRootCheckpoints } from '../../agent/checkpoint/multiRootCheckpoints';
import type { ToolContext } from '../../agent/tool';
import { createDefaultTools } from '../../agent/tools';
import { detectCommandSandbox } from '../../agent/sandbox/commandSandbox';
import { FsWorkspace } from '../../agent/workspace/fsWorkspace';
import { MultiRootWorkspace } from '../../agent/workspace/multiRootWorkspace';
import { findRipgrep } from '../../agent/workspace/ripgrep';
import { toolCaller } from '../support/toolCalls';
import { realTempDir, writeFiles } from '../support/files';

/*
 * A workspace of two folders over the real file system: ripgrep searches both, commands run
 * in the folder named (and, in the OS sandbox, may write in both folders and nowhere else),
 * and a lasting checkpoint covers both folders.
 */
describe('multi-root workspace over two folders', function () {
  this.timeout(60_000);
  let base: string;
  let web: string;
  let api: string;
  let workspace: MultiRootWorkspace<FsWorkspace>;

  beforeEach(() => {
    base = realTempDir('multi-root-int-');
    web = path.join(base, 'web');
    api = path.join(base, 'api');
    writeFiles(web, { 'index.js': 'const PORT = 3000;\n', '.gitignore': 'dist/\n', 'dist/bundle.js': 'const PORT = 1;\n' });
    writeFiles(api, { 'server.js': 'listen(PORT);\n' });
    workspace = new MultiRootWorkspace([{ workspace: new FsWorkspace(web) }, { workspace: new FsWorkspace(api) }]);
  });

  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('searches every folder with ripgrep, honouring each folder\'s .gitignore', async function () {
    if (!(await findRipgrep(process.env))) this.skip();
    const matches = await workspace.searchText('PORT', {});
    assert.deepEqual(matches.map((m) => `${m.path}:${m.line}`).sort(), ['api/server.js:1', 'web/index.js:1']);
    assert.deepEqual((await workspace.findFiles('**/*.js', 10)).sort(), ['api/server.js', 'web/index.js']);
  });

  it('runs a command in the folder named, and the sandbox lets it write in both folders only', async function () {
    const sandbox = await detectCommandSandbox({ home: os.homedir() });
    const context: ToolContext = { workspace, ...(sandbox ? { sandbox } : {}) };
    const { call } = toolCaller(createDefaultTools(['web', 'api']), () => context);
    const where = await call('run_command', { command: 'pwd', folder: 'api' });
    assert.equal(where.isError, false, where.content);
    assert.match(where.content, new RegExp(`${api}\\n`));
    const out = await call('run_command', { command: `echo built > out.txt && echo shared > ${path.join(web, 'from-api.txt')}`, folder: 'api' });
    assert.equal(out.isError, false, out.content);
    assert.equal(fs.readFileSync(path.join(api, 'out.txt'), 'utf8'), 'built\n');
    assert.equal(fs.readFileSync(path.join(web, 'from-api.txt'), 'utf8'), 'shared\n');
    if (!sandbox) return;
    // The other folder's hooks stay read-only, as the first folder's would.
    fs.mkdirSync(path.join(web, '.git', 'hooks'), { recursive: true });
    const hook = await call('run_command', { command: `echo evil > ${path.join(web, '.git', 'hooks', 'pre-commit')}`, folder: 'api' });
    assert.equal(hook.isError, true, hook.content);
    assert.equal(fs.existsSync(path.join(web, '.git', 'hooks', 'pre-commit')), false);
    // Beside the folders (here in the sandbox's own /tmp, or refused): never on the disk.
    await call('run_command', { command: `echo x > ${path.join(base, 'outside.txt')}` });
    assert.equal(fs.existsSync(path.join(base, 'outside.txt')), false, 'a write beside the folders does not reach the disk');
  });

  it('takes one checkpoint of both folders and restores both', async () => {
    const checkpoints = new MultiRootCheckpoints(workspace.folders, path.join(base, 'storage'));
    assert.ok(await checkpoints.available());
    const id = await checkpoints.snapshot('before message 1');
    assert.deepEqual(Object.keys(JSON.parse(id) as object), ['web', 'api']);
    fs.writeFileSync(path.join(web, 'index.js'), 'const PORT = 4000;\n');
    fs.writeFileSync(path.join(api, 'new.js'), 'export {};\n');
    fs.writeFileSync(path.join(api, 'server.js'), 'listen(1);\n');
    const changes = await checkpoints.changesSince(id);
    assert.deepEqual(changes.map((c) => `${c.kind} ${c.path}`).sort(), ['added api/new.js', 'modified api/server.js', 'modified web/index.js']);
    assert.equal(await checkpoints.fileAt(id, 'api/server.js'), 'listen(PORT);\n');
    const restored = await checkpoints.restore(id, new Set(['api/server.js']));
    assert.deepEqual(restored.map((c) => c.path).sort(), ['api/new.js', 'web/index.js']);
    assert.equal(fs.readFileSync(path.join(web, 'index.js'), 'utf8'), 'const PORT = 3000;\n');
    assert.equal(fs.existsSync(path.join(api, 'new.js')), false);
    assert.equal(fs.readFileSync(path.join(api, 'server.js'), 'utf8'), 'listen(1);\n', 'a file kept (unsaved in an editor) is left as it is');
  });

  it('lists and restores a nested folder\'s files once, as the inner folder\'s, keeping what the inner folder keeps', async () => {
    const ui = path.join(web, 'packages', 'ui');
    writeFiles(ui, { 'button.js': 'blue\n', 'card.js': 'card\n' });
    const nested = new MultiRootWorkspace([{ workspace: new FsWorkspace(web) }, { workspace: new FsWorkspace(ui) }]);
    const checkpoints = new MultiRootCheckpoints(nested.folders, path.join(base, 'storage'));
    const id = await checkpoints.snapshot('before');
    fs.writeFileSync(path.join(ui, 'button.js'), 'red\n');
    fs.writeFileSync(path.join(ui, 'card.js'), 'unsaved in an editor\n');
    fs.writeFileSync(path.join(web, 'index.js'), 'const PORT = 4000;\n');
    const changes = await checkpoints.changesSince(id);
    assert.deepEqual(changes.map((c) => `${c.kind} ${c.path}`).sort(), ['modified ui/button.js', 'modified ui/card.js', 'modified web/index.js']);
    // The editor names the file by its innermost folder: the outer folder's restore must keep it too.
    const restored = await checkpoints.restore(id, new Set(['ui/card.js']));
    assert.deepEqual(restored.map((c) => c.path).sort(), ['ui/button.js', 'web/index.js']);
    assert.equal(fs.readFileSync(path.join(ui, 'button.js'), 'utf8'), 'blue\n');
    assert.equal(fs.readFileSync(path.join(ui, 'card.js'), 'utf8'), 'unsaved in an editor\n');
  });
});
