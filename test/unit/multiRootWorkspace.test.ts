import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ToolContext } from '../../agent/tool';
import { createDefaultTools } from '../../agent/tools';
import { ProjectRules } from '../../agent/context/projectRules';
import { parseCli } from '../../agent/cli/cliArgs';
import { decideApproval } from '../../agent/policy/approvalPolicy';
import { DEFAULT_APPROVAL_SETTINGS } from '../../agent/policy/approvalSettings';
import { runHeadless } from '../../agent/cli/headlessRun';
import { reply, startScriptedEngine, toolCallReply } from '../support/scriptedEngine';
import { buildSystemPrompt } from '../../agent/prompts/systemPrompt';
import { bubblewrapArgs, seatbeltProfile, type CommandSandbox } from '../../agent/sandbox/commandSandbox';
import { FsWorkspace } from '../../agent/workspace/fsWorkspace';
import { MultiRootWorkspace } from '../../agent/workspace/multiRootWorkspace';
import { normalizeWorkspacePath, PathSafetyError } from '../../agent/workspace/pathSafety';
import { nameFolders, nestedFolders, normalizeFolderPath, splitFolderPath } from '../../agent/workspace/workspaceFolders';
import { MemoryWorkspace } from '../support/agentTestKit';
import { realTempDir, writeFiles } from '../support/files';
import { toolCaller } from '../support/toolCalls';

describe('multi-root workspace', function () {
  this.timeout(20_000);

  describe('folder names', () => {
    it('uses the name given, else the last part of the path', () => {
      assert.deepEqual(
        nameFolders([{ root: '/work/app', name: 'Frontend' }, { root: '/work/lib' }]).map((f) => f.name),
        ['Frontend', 'lib'],
      );
    });

    it('keeps two folders of the same name apart: the later ones get ~2, ~3', () => {
      const named = nameFolders([{ root: '/a/app' }, { root: '/b/app' }, { root: '/c/APP' }]);
      assert.deepEqual(
        named.map((f) => [f.name, f.root]),
        [
          ['app', '/a/app'],
          ['app~2', '/b/app'],
          ['APP~3', '/c/APP'],
        ],
      );
    });

    it('never numbers a folder into the name another folder has of its own', () => {
      const named = nameFolders([{ root: '/a/app' }, { root: '/b/app' }, { root: '/c/app~2' }]);
      assert.deepEqual(
        named.map((f) => f.name),
        ['app', 'app~3', 'app~2'],
      );
    });

    it('makes a usable first path part of any name (no slashes, never "." or empty)', () => {
      const named = nameFolders([{ root: '/w/x', name: 'web/ui' }, { root: '/w/y', name: '..' }, { root: '/', name: '' }]);
      assert.deepEqual(
        named.map((f) => f.name),
        ['web-ui', 'y', 'folder'],
      );
    });
  });

  describe('paths', () => {
    const folders = nameFolders([{ root: '/w/app' }, { root: '/w/lib' }, { root: '/w/app/nested', name: 'nested' }]);

    it('splits a path at its folder', () => {
      assert.deepEqual(splitFolderPath(folders, 'lib/src/a.ts'), { folder: folders[1], inside: 'src/a.ts' });
      assert.deepEqual(splitFolderPath(folders, './app//README.md'), { folder: folders[0], inside: 'README.md' });
      assert.deepEqual(splitFolderPath(folders, 'lib'), { folder: folders[1], inside: '.' });
      assert.equal(splitFolderPath(folders, '.'), undefined);
      assert.equal(splitFolderPath(folders, ''), undefined);
    });

    it('gives an absolute path to the innermost folder that holds it', () => {
      assert.deepEqual(splitFolderPath(folders, '/w/app/nested/x.ts'), { folder: folders[2], inside: 'x.ts' });
      assert.deepEqual(splitFolderPath(folders, '/w/app/y.ts'), { folder: folders[0], inside: 'y.ts' });
    });

    it('refuses a path that names no folder, listing the folders', () => {
      assert.throws(() => splitFolderPath(folders, 'src/index.ts'), (error: Error) => {
        assert.ok(error instanceof PathSafetyError);
        assert.match(error.message, /'src\/index\.ts' names no folder of the workspace\. This workspace has 3 folders: app, lib, nested; start the path with one of them, e\.g\. 'app\/\.\.\.'\./);
        return true;
      });
      assert.throws(() => splitFolderPath(folders, '../etc/passwd'), /leads outside the workspace with '\.\.'.*3 folders: app, lib, nested/);
      assert.throws(() => splitFolderPath(folders, '/etc/passwd'), /outside the workspace's folders \(\/w\/app, \/w\/lib, \/w\/app\/nested\)/);
    });

    it('refuses a path that leaves its folder, even into another folder of the workspace', () => {
      assert.throws(() => normalizeFolderPath(folders, 'app/../lib/a.ts'), (error: Error) => {
        assert.ok(error instanceof PathSafetyError);
        assert.equal(error.code, 'parent');
        assert.equal(error.message, "'app/../lib/a.ts' leads outside its folder app with '..'; a path stays inside its folder. For the file in another folder, start with that folder's name: 'lib/a.ts'.");
        return true;
      });
      assert.throws(() => normalizeFolderPath(folders, 'lib/../../w/app/x'), /'lib\/\.\.\/\.\.\/w\/app\/x' leads outside its folder lib with '\.\.'.*start the path with one of them/);
      assert.equal(normalizeFolderPath(folders, 'lib/src/../a.ts'), 'lib/a.ts');
      assert.equal(normalizeFolderPath(folders, '/w/lib/a.ts'), 'lib/a.ts');
      assert.equal(normalizeFolderPath(folders, '.'), '.');
    });
  });

  describe('routing over FsWorkspace', () => {
    let base: string;
    let workspace: MultiRootWorkspace<FsWorkspace>;
    let context: ToolContext;
    const { call } = toolCaller(createDefaultTools(['app', 'app~2']), () => context);

    beforeEach(() => {
      base = realTempDir('multi-root-');
      writeFiles(path.join(base, 'one', 'app'), { 'README.md': 'first app\n', 'src/main.ts': 'export const where = "one";\n' });
      writeFiles(path.join(base, 'two', 'app'), { 'README.md': 'second app\n', 'src/util.ts': 'export const where = "two";\n' });
      writeFiles(base, { 'outside.txt': 'not in any folder\n' });
      workspace = new MultiRootWorkspace([
        { workspace: new FsWorkspace(path.join(base, 'one', 'app'), { disableRipgrep: true }) },
        { workspace: new FsWorkspace(path.join(base, 'two', 'app'), { disableRipgrep: true }) },
      ]);
      context = { workspace };
    });

    afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

    it('lists the folders at the top, and each folder below its name', async () => {
      assert.deepEqual(workspace.folders.map((f) => f.name), ['app', 'app~2']);
      assert.deepEqual(await workspace.listDir('.'), [
        { name: 'app', type: 'directory' },
        { name: 'app~2', type: 'directory' },
      ]);
      const out = await call('list_dir', { path: '.' });
      assert.match(out.content, /app\/\napp~2\//);
      assert.deepEqual((await workspace.listDir('app~2')).map((e) => e.name), ['README.md', 'src']);
    });

    it('reads the same path in each folder by its name', async () => {
      assert.equal(await workspace.readFile('app/README.md'), 'first app\n');
      assert.equal(await workspace.readFile('app~2/README.md'), 'second app\n');
      const out = await call('read_file', { path: 'app~2/src/util.ts' });
      assert.equal(out.isError, false);
      assert.match(out.content, /where = "two"/);
    });

    it('finds and searches in every folder, naming each result by its folder', async () => {
      assert.deepEqual((await workspace.findFiles('**/*.ts', 10)).sort(), ['app/src/main.ts', 'app~2/src/util.ts']);
      assert.deepEqual(await workspace.findFiles('app~2/**/*.md', 10), ['app~2/README.md']);
      const matches = await workspace.searchText('where', {});
      assert.deepEqual(matches.map((m) => `${m.path}:${m.line}`).sort(), ['app/src/main.ts:1', 'app~2/src/util.ts:1']);
      const onlySecond = await workspace.searchText('where', { glob: 'app~2/**' });
      assert.deepEqual(onlySecond.map((m) => m.path), ['app~2/src/util.ts']);
      const out = await call('search_text', { query: 'where' });
      assert.match(out.content, /app~2\/src\/util\.ts/);
    });

    it('edits and writes in the second folder only', async () => {
      const edit = await call('edit_file', { path: 'app~2/src/util.ts', search: '"two"', replace: '"edited"' });
      assert.equal(edit.isError, false, edit.content);
      const write = await call('write_file', { path: 'app~2/new/file.txt', content: 'new\n' });
      assert.equal(write.isError, false, write.content);
      assert.equal(fs.readFileSync(path.join(base, 'two', 'app', 'src', 'util.ts'), 'utf8'), 'export const where = "edited";\n');
      assert.equal(fs.readFileSync(path.join(base, 'two', 'app', 'new', 'file.txt'), 'utf8'), 'new\n');
      assert.equal(fs.existsSync(path.join(base, 'one', 'app', 'new')), false);
    });

    it('refuses paths that name no folder or leave theirs, and writes nothing', async () => {
      const noFolder = await call('read_file', { path: 'README.md' });
      assert.equal(noFolder.isError, true);
      assert.match(noFolder.content, /names no folder of the workspace\. This workspace has 2 folders: app, app~2/);
      const escape = await call('write_file', { path: 'app/../../outside.txt', content: 'x' });
      assert.equal(escape.isError, true);
      assert.match(escape.content, /'app\/\.\.\/\.\.\/outside\.txt' leads outside its folder app/);
      const across = await call('write_file', { path: 'app/../../two/app/README.md', content: 'x' });
      assert.equal(across.isError, true);
      assert.equal(fs.readFileSync(path.join(base, 'two', 'app', 'README.md'), 'utf8'), 'second app\n');
      assert.equal(fs.readFileSync(path.join(base, 'outside.txt'), 'utf8'), 'not in any folder\n');
      await assert.rejects(workspace.applyChange({ kind: 'modify', path: 'app/../../outside.txt', content: 'x' }), /'app\/\.\.\/\.\.\/outside\.txt' leads outside its folder app/);
      await assert.rejects(workspace.readFile('.'), /is the workspace itself, which holds only its folders/);
      const folderItself = await call('write_file', { path: 'app~2', content: 'x' });
      assert.equal(folderItself.isError, true);
    });

    it('takes an absolute path through a symlinked spelling of a folder', async () => {
      fs.symlinkSync(path.join(base, 'two'), path.join(base, 'alias'));
      const aliased = new MultiRootWorkspace([
        { workspace: new FsWorkspace(path.join(base, 'one', 'app')) },
        { workspace: new FsWorkspace(path.join(base, 'alias', 'app')) },
      ]);
      assert.equal(normalizeFolderPath(aliased.folders, path.join(base, 'two', 'app', 'README.md')), 'app~2/README.md');
      assert.equal(normalizeFolderPath(aliased.folders, path.join(base, 'alias', 'app', 'README.md')), 'app~2/README.md');
    });

    it('refuses a symlink in one folder that leads into another', async () => {
      fs.symlinkSync(path.join(base, 'two', 'app'), path.join(base, 'one', 'app', 'link'));
      const out = await call('write_file', { path: 'app/link/README.md', content: 'x' });
      assert.equal(out.isError, true);
      assert.match(out.content, /'app\/link\/README\.md' goes through a symlink that points outside its folder app \(to .*\)\. A path stays inside its folder, through symlinks too; that file is 'app~2\/README\.md' in the workspace, use that path\./);
      assert.doesNotMatch(out.content, /outside the workspace/);
      assert.equal(fs.readFileSync(path.join(base, 'two', 'app', 'README.md'), 'utf8'), 'second app\n');
      // The same words from the workspace itself (Apply and links in the chat go through it), with a code to tell it by.
      await assert.rejects(workspace.readFile('app/link/README.md'), (error: Error) => {
        assert.ok(error instanceof PathSafetyError);
        assert.equal(error.code, 'symlink-outside');
        assert.equal(error.facts.elsewhere, 'app~2/README.md');
        assert.match(error.message, /^'app\/link\/README\.md' goes through a symlink that points outside its folder app/);
        return true;
      });
      // One folder alone keeps its words: outside the workspace.
      assert.throws(() => normalizeWorkspacePath(path.join(base, 'one', 'app'), 'link/README.md'), /symlink that points outside the workspace/);
    });
  });

  describe('nested folders', () => {
    let base: string;
    const open = (ripgrep: boolean): MultiRootWorkspace<FsWorkspace> =>
      new MultiRootWorkspace([
        { workspace: new FsWorkspace(path.join(base, 'app'), { disableRipgrep: !ripgrep }) },
        { workspace: new FsWorkspace(path.join(base, 'app', 'packages', 'ui'), { disableRipgrep: !ripgrep }), name: 'ui' },
      ]);

    beforeEach(() => {
      base = realTempDir('multi-root-nested-');
      writeFiles(path.join(base, 'app'), { 'main.ts': 'const where = "app";\n', 'packages/ui/button.ts': 'const where = "ui";\n', 'packages/uikit/x.ts': 'const where = "kit";\n' });
    });
    afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

    it('finds which folders lie inside others, by either spelling of the root', () => {
      const folders = nameFolders([{ root: '/w/app' }, { root: '/w/app/packages/ui' }, { root: '/w/lib' }, { root: '/w/app/packages/ui/deep' }]);
      assert.deepEqual(Object.fromEntries(nestedFolders(folders)), {
        app: [{ inside: 'packages/ui', name: 'ui' }, { inside: 'packages/ui/deep', name: 'deep' }],
        ui: [{ inside: 'deep', name: 'deep' }],
      });
      fs.symlinkSync(path.join(base, 'app'), path.join(base, 'alias'));
      const aliased = nameFolders([{ root: path.join(base, 'alias') }, { root: path.join(base, 'app', 'packages', 'ui') }]);
      assert.deepEqual(nestedFolders(aliased).get('alias'), [{ inside: 'packages/ui', name: 'ui' }]);
      // A folder whose name starts with two dots is inside, not a step up.
      const dotted = nameFolders([{ root: '/w/app' }, { root: '/w/app/..cache' }]);
      assert.deepEqual(nestedFolders(dotted).get('app'), [{ inside: '..cache', name: '..cache' }]);
      assert.deepEqual(splitFolderPath(dotted, '/w/app/..cache/x.ts'), { folder: dotted[1], inside: 'x.ts' });
    });

    for (const ripgrep of [true, false]) {
      it(`lists the inner folder's files once, under its own name (${ripgrep ? 'ripgrep' : 'plain scan'})`, async () => {
        const workspace = open(ripgrep);
        assert.deepEqual((await workspace.findFiles('**/*.ts', 50)).sort(), ['app/main.ts', 'app/packages/uikit/x.ts', 'ui/button.ts']);
        const matches = await workspace.searchText('where', {});
        assert.deepEqual(matches.map((m) => m.path).sort(), ['app/main.ts', 'app/packages/uikit/x.ts', 'ui/button.ts']);
        // The limit is not spent on files skipped afterwards.
        assert.deepEqual(await workspace.findFiles('**/*.ts', 2), ['app/main.ts', 'app/packages/uikit/x.ts']);
      });
    }

    it('gives a glob of the outer folder that leads into the inner one to the inner folder', async () => {
      const workspace = open(false);
      assert.deepEqual(await workspace.findFiles('app/packages/ui/**', 10), ['ui/button.ts']);
      assert.deepEqual(await workspace.findFiles('app/packages/ui/button.ts', 10), ['ui/button.ts']);
      assert.deepEqual((await workspace.searchText('where', { glob: 'app/packages/ui/*.ts' })).map((m) => m.path), ['ui/button.ts']);
      assert.deepEqual(await workspace.findFiles('app/packages/**', 10), ['app/packages/uikit/x.ts']);
      // The inner folder's files can still be read through the outer folder's path.
      assert.equal(await workspace.readFile('app/packages/ui/button.ts'), 'const where = "ui";\n');
    });

    it('reports the inner folder\'s problems once', async () => {
      const inner = Object.assign(new MemoryWorkspace(), { root: '/memory/project/ui' });
      const outer = new MemoryWorkspace();
      const problem = { line: 1, column: 1, severity: 'error' as const, message: 'bad' };
      outer.diagnostics = async () => [{ ...problem, path: 'ui/a.ts' }, { ...problem, path: 'b.ts' }];
      inner.diagnostics = async () => [{ ...problem, path: 'a.ts' }];
      const workspace = new MultiRootWorkspace([{ workspace: outer }, { workspace: inner }]);
      assert.deepEqual((await workspace.diagnostics()).map((d) => d.path), ['project/b.ts', 'ui/a.ts']);
    });
  });

  describe('project rules', () => {
    let base: string;
    afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

    it('reads every folder\'s root rules for the system prompt, named by folder', async () => {
      base = realTempDir('multi-root-rules-');
      writeFiles(path.join(base, 'web'), { 'AGENTS.md': 'Web: use pnpm.\n', '.clinerules': 'Web: no jQuery.\n' });
      writeFiles(path.join(base, 'api'), { 'CLAUDE.md': 'API: run go test.\n', 'src/AGENTS.md': 'API src: keep handlers small.\n', 'src/main.go': 'package main\n' });
      const workspace = new MultiRootWorkspace([{ workspace: new FsWorkspace(path.join(base, 'web')) }, { workspace: new FsWorkspace(path.join(base, 'api')) }]);
      const rules = await ProjectRules.load(workspace);
      assert.match(rules.instructions, /--- web\/AGENTS\.md ---\nWeb: use pnpm\./);
      assert.match(rules.instructions, /--- web\/\.clinerules ---\nWeb: no jQuery\./);
      assert.match(rules.instructions, /--- api\/CLAUDE\.md ---\nAPI: run go test\./);
      assert.doesNotMatch(rules.instructions, /API src/, 'a sub-folder\'s rules wait until the agent works there');
      const note = await rules.noteFor(['api/src/main.go'], []);
      assert.deepEqual(note?.files, ['api/src/AGENTS.md']);
    });
  });

  describe('run_command', () => {
    const wrapped: Array<{ roots: readonly string[]; command: string }> = [];
    const sandbox: CommandSandbox = {
      kind: 'bubblewrap',
      wrap: (command, roots) => {
        wrapped.push({ command, roots: typeof roots === 'string' ? [roots] : roots });
        return `sandboxed ${command}`;
      },
    };
    const first = new MemoryWorkspace();
    const second = Object.assign(new MemoryWorkspace(), { root: '/memory/other' });
    const workspace = new MultiRootWorkspace([{ workspace: first }, { workspace: second, name: 'other' }]);
    const tools = createDefaultTools(workspace.folders.map((f) => f.name));
    const { tool, call } = toolCaller(tools, () => ({ workspace, sandbox }));

    beforeEach(() => {
      wrapped.length = 0;
      first.commands.length = 0;
      second.commands.length = 0;
    });

    it('offers a folder argument naming the folders, only when there are several', () => {
      const params = tool('run_command').definition.function.parameters?.properties ?? {};
      assert.deepEqual(Object.keys(params), ['command', 'folder', 'timeout_seconds']);
      assert.match(JSON.stringify(params.folder), /project, other \(default project\)/);
      const single = createDefaultTools().find((t) => t.definition.function.name === 'run_command');
      assert.deepEqual(Object.keys(single?.definition.function.parameters?.properties ?? {}), ['command', 'timeout_seconds']);
    });

    it('runs in the first folder by default, and lets the sandbox write in every folder', async () => {
      const out = await call('run_command', { command: 'make' });
      assert.equal(out.isError, false, out.content);
      assert.deepEqual(first.commands, ['sandboxed make']);
      assert.deepEqual(wrapped, [{ command: 'make', roots: ['/memory/project', '/memory/other'] }]);
    });

    it('runs in the folder named, which the sandbox starts in', async () => {
      const request = await tool('run_command').describe({ command: 'npm test', folder: 'other' }, { workspace });
      assert.equal(request.title, 'Run npm test in other');
      await call('run_command', { command: 'npm test', folder: 'other' });
      assert.deepEqual(second.commands, ['sandboxed npm test']);
      assert.deepEqual(first.commands, []);
      assert.deepEqual(wrapped[0].roots, ['/memory/other', '/memory/project']);
    });

    it('refuses a folder that is none of the workspace\'s', async () => {
      const out = await call('run_command', { command: 'ls', folder: 'elsewhere' });
      assert.equal(out.isError, true);
      assert.match(out.content, /'elsewhere' is not a folder of the workspace\. This workspace has 2 folders: project, other; give one of these names\./);
      assert.deepEqual([...first.commands, ...second.commands], []);
    });
  });

  describe('headless runner', () => {
    it('takes --workspace more than once, the first being the default', () => {
      const parsed = parseCli(['run', '-w', '/w/web', '--workspace', '/w/api', 'task'], {});
      assert.ok(parsed.kind === 'run');
      assert.equal(parsed.options.workspace, '/w/web');
      assert.deepEqual(parsed.options.folders, ['/w/web', '/w/api']);
      const single = parseCli(['run', '-w', '/w/web', 'task'], {});
      assert.ok(single.kind === 'run' && single.options.folders === undefined);
    });

    it('runs over several folders: the model is told them and edits the second', async () => {
      const base = realTempDir('multi-root-cli-');
      writeFiles(path.join(base, 'web'), { 'a.txt': 'web\n' });
      writeFiles(path.join(base, 'api'), { 'a.txt': 'port 3000\n' });
      const engine = await startScriptedEngine({
        steps: [
          toolCallReply({ name: 'edit_file', arguments: { path: 'api/a.txt', search: '3000', replace: '8080' } }),
          toolCallReply({ name: 'run_command', arguments: { command: 'pwd > where.txt', folder: 'api' } }),
          reply('Done.'),
        ],
      });
      try {
        const out = { text: '', write(chunk: string) { this.text += chunk; } };
        const result = await runHeadless({ workspace: path.join(base, 'web'), folders: [path.join(base, 'web'), path.join(base, 'api')], endpoint: engine.url, request: 'use 8080', approvals: 'auto', sandbox: false, approver: { approve: async () => ({ approved: true }) }, out });
        assert.equal(result.exitCode, 0, out.text);
        assert.equal(fs.readFileSync(path.join(base, 'api', 'a.txt'), 'utf8'), 'port 8080\n');
        assert.equal(fs.readFileSync(path.join(base, 'web', 'a.txt'), 'utf8'), 'web\n');
        // Through the run's checkpointing workspace, which must keep the folders.
        assert.equal(fs.readFileSync(path.join(base, 'api', 'where.txt'), 'utf8').trim(), path.join(base, 'api'));
        assert.match(String(engine.requests[0].body.messages[0]?.content), /The workspace has 2 folders: web \(.*\), api \(.*\)\./);
      } finally {
        await engine.close();
        fs.rmSync(base, { recursive: true, force: true });
      }
    });
  });

  describe('approval policy', () => {
    const folders = nameFolders([{ root: '/w/web' }, { root: '/w/api' }]);
    const autoEdits = { ...DEFAULT_APPROVAL_SETTINGS, edits: 'auto' as const };
    const edit = (path: string) => decideApproval({ category: 'edit', tool: 'write_file', title: `Write ${path}`, path }, autoEdits, folders);

    it('treats each folder as a root: its .vscode/settings.json always asks', () => {
      assert.deepEqual(edit('api/src/a.ts'), { action: 'auto' });
      const settings = edit('api/.vscode/settings.json');
      assert.equal(settings.action, 'ask');
      assert.match(settings.action === 'ask' ? settings.why : '', /VS Code runs the tasks/);
      assert.equal(edit('web/package.json').action, 'ask');
    });

    it('always asks before an edit of a .code-workspace file, which names tasks and settings', () => {
      const decision = decideApproval({ category: 'edit', tool: 'write_file', title: 'Write x', path: 'project.code-workspace' }, autoEdits);
      assert.equal(decision.action, 'ask');
    });
  });

  describe('sandbox and prompt', () => {
    it('binds every folder writable and starts in the first (bubblewrap)', () => {
      const args = bubblewrapArgs('true', ['/w/lib', '/w/app'], { home: '/nonexistent-home' });
      const binds = args.flatMap((arg, i) => (arg === '--bind' ? [args[i + 1]] : []));
      assert.deepEqual(binds, ['/w/lib', '/w/app']);
      assert.equal(args[args.indexOf('--chdir') + 1], '/w/lib');
    });

    it('allows writes in every folder (sandbox-exec)', () => {
      const profile = seatbeltProfile(['/w/lib', '/w/app'], { home: '/nonexistent-home' });
      assert.match(profile, /\(require-any \(subpath "\/w\/lib"\) \(subpath "\/w\/app"\) \(subpath "\/private\/tmp"\)/);
      assert.match(profile, /\(subpath "\/w\/app\/\.vscode"\)/);
    });

    it('names the folders in the system prompt when there are several', () => {
      const prompt = buildSystemPrompt({ workspaceRoot: '/w/app', workspaceFolders: [{ name: 'app', root: '/w/app' }, { name: 'lib', root: '/w/lib' }], tools: [] });
      assert.match(prompt, /The workspace has 2 folders: app \(\/w\/app\), lib \(\/w\/lib\)\./);
      assert.match(prompt, /Every path you give tools starts with a folder's name, e\.g\. app\/README\.md/);
      assert.doesNotMatch(prompt, /The workspace root is/);
      assert.match(buildSystemPrompt({ workspaceRoot: '/w/app', tools: [] }), /The workspace root is \/w\/app\. Paths you give tools are relative to it/);
    });
  });
});
