import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsWorkspace } from '../../agent/workspace/fsWorkspace';
import type { ToolContext, ToolOutput } from '../../agent/tool';
import { createDefaultTools, ToolError, toolDefinitions, TOOL_LIMITS } from '../../agent/tools';
import { cleanOutput } from '../../agent/tools/runCommand';
import type { DiagnosticItem } from '../../agent/workspace/workspace';
import { realTempDir, writeFiles } from '../support/files';
import { toolCaller } from '../support/toolCalls';

describe('agent tools', function () {
  this.timeout(20_000);
  let root: string;
  let outside: string;
  let context: ToolContext;
  const tools = createDefaultTools();
  const { tool, call } = toolCaller(tools, () => context);

  beforeEach(() => {
    root = realTempDir('agent-tools-');
    outside = realTempDir('agent-tools-out-');
    writeFiles(outside, { 'secret.txt': 'TOKEN=1\n' });
    // The built-in scan: ripgrep, a child process, is tested in test/integration.
    context = { workspace: new FsWorkspace(root, { disableRipgrep: true }) };
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  describe('definitions', () => {
    it('offers the eight tools with short descriptions and small object schemas', () => {
      const definitions = toolDefinitions(tools);
      assert.deepEqual(
        definitions.map((d) => d.function.name),
        ['read_file', 'list_dir', 'find_files', 'search_text', 'edit_file', 'write_file', 'run_command', 'get_diagnostics'],
      );
      for (const definition of definitions) {
        assert.equal(definition.type, 'function');
        assert.ok((definition.function.description ?? '').length <= 160, `${definition.function.name} description is short`);
        assert.equal(definition.function.parameters?.type, 'object');
        assert.ok(Object.keys(definition.function.parameters?.properties ?? {}).length <= 3);
      }
      assert.deepEqual(tool('edit_file').definition.function.parameters?.required, ['path', 'search', 'replace']);
      assert.deepEqual(tool('read_file').definition.function.parameters?.required, ['path']);
    });

    it('puts each tool in its approval category', () => {
      assert.deepEqual(
        tools.map((t) => t.category),
        ['read', 'read', 'read', 'read', 'edit', 'edit', 'command', 'read'],
      );
    });
  });

  describe('validate', () => {
    const error = (name: string, raw: unknown): string => {
      const result = tool(name).validate(raw);
      assert.equal(result.ok, false, `${name} should refuse ${JSON.stringify(raw)}`);
      return result.ok ? '' : result.error;
    };

    it('names the tool, the argument, the expected and the received type', () => {
      assert.equal(error('edit_file', { path: 'a', search: 1, replace: 'b' }), "edit_file: 'search' must be a string (got number).");
      assert.equal(error('read_file', { path: 'a', start_line: 1.5 }), "read_file: 'start_line' must be a whole number (got 1.5).");
      assert.equal(error('read_file', { path: 'a', start_line: '3' }), "read_file: 'start_line' must be a whole number (got string).");
      assert.equal(error('read_file', { path: 'a', start_line: 0 }), "read_file: 'start_line' must be at least 1 (got 0).");
      assert.equal(error('search_text', { query: 'x', regex: 'yes' }), "search_text: 'regex' must be true or false (got string).");
      assert.equal(error('run_command', { command: 'ls', timeout_seconds: 9999 }), "run_command: 'timeout_seconds' must be at most 600 (got 9999).");
      assert.equal(error('write_file', { path: 'a', content: null }), "write_file: 'content' must be a string (got null).");
      assert.equal(error('find_files', { glob: ['*.ts'] }), "find_files: 'glob' must be a string (got array).");
    });

    it('explains missing arguments and likely misspellings', () => {
      assert.equal(error('read_file', {}), "read_file: 'path' is required.");
      assert.equal(error('read_file', { file_path: 'a.ts' }), "read_file: 'path' is required (got unknown 'file_path'; the arguments are path, start_line, end_line).");
      assert.equal(error('run_command', { command: '  ' }), "run_command: 'command' must not be empty.");
      assert.match(error('read_file', [1]), /^read_file: the arguments must be an object like \{"path": "\.\.\."\} \(got array\)\.$/);
      assert.match(error('read_file', '{not json'), /not valid JSON/);
    });

    it('checks ranges across arguments and edits that change nothing', () => {
      assert.equal(error('read_file', { path: 'a', start_line: 10, end_line: 3 }), "read_file: 'end_line' (3) is before 'start_line' (10).");
      assert.equal(error('edit_file', { path: 'a', search: 'x', replace: 'x' }), "edit_file: 'search' and 'replace' are the same, so nothing would change.");
    });

    it('accepts JSON text, null optionals and ignores extra keys', () => {
      assert.deepEqual(tool('read_file').validate('{"path":"a.ts","start_line":2}'), { ok: true, args: { path: 'a.ts', start_line: 2 } });
      assert.deepEqual(tool('read_file').validate({ path: 'a.ts', end_line: null, reason: 'look' }), { ok: true, args: { path: 'a.ts' } });
      assert.deepEqual(tool('list_dir').validate(undefined), { ok: true, args: {} });
    });
  });

  describe('read_file', () => {
    it('shows the text as it is in a fenced block, under a header naming the lines', async () => {
      writeFiles(root, { 'src/a.ts': 'one\ntwo\nthree\n' });
      const out = await call('read_file', { path: 'src/a.ts' });
      assert.equal(out.isError, false);
      assert.equal(out.content, 'Contents of src/a.ts (lines 1-3 of 3):\n```\none\ntwo\nthree\n```');
    });

    it('costs little more than the file itself (a 200-line file: under 5% more characters)', async () => {
      const file = Array.from({ length: 200 }, (_, i) => `  const value${i} = compute(${i}, 'item-${i}'); // step ${i}`).join('\n') + '\n';
      writeFiles(root, { 'src/big.ts': file });
      const out = await call('read_file', { path: 'src/big.ts' });
      assert.ok(out.content.length <= file.length * 1.05, `${out.content.length} characters for a ${file.length}-character file`);
    });

    it('hands back the text it showed whole, and answers a re-read with what changed, or with the file when that is shorter', async () => {
      const file = Array.from({ length: 60 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
      writeFiles(root, { 'a.txt': file, 'short.txt': 'one\n', 'long.txt': Array.from({ length: 400 }, (_, i) => `l${i}`).join('\n') });
      const first = await tool('read_file').run({ path: 'a.txt' }, context);
      assert.deepEqual(first.seen, { path: 'a.txt', text: file, from: 'read' });
      // A window is not the whole file, so it is not remembered as one.
      assert.equal((await tool('read_file').run({ path: 'long.txt' }, context)).seen, undefined);
      assert.equal((await tool('read_file').run({ path: 'a.txt', start_line: 2 }, context)).seen, undefined);

      const known: Record<string, string> = { 'a.txt': file, 'short.txt': 'zero\n' };
      const remembering: ToolContext = { ...context, knownText: (p) => (known[p] !== undefined ? { path: p, text: known[p], from: 'read' } : undefined) };
      assert.match((await tool('read_file').run({ path: 'a.txt' }, remembering)).content, /^a\.txt has not changed since you read it in full/);
      fs.writeFileSync(path.join(root, 'a.txt'), file.replace('line 30\n', 'line thirty\n'));
      const diff = await tool('read_file').run({ path: 'a.txt' }, remembering);
      assert.match(diff.content, /^a\.txt changed since you read it in full[^]*\n-line 30\n\+line thirty\n[^]*start_line=1\.$/);
      assert.equal(diff.seen, undefined, 'the diff is measured against the whole read, which stays the reference');
      // A line range always reads, whatever was read before.
      assert.match((await tool('read_file').run({ path: 'a.txt', start_line: 1 }, remembering)).content, /^Contents of a\.txt \(lines 1-60 of 60\):/);
      // For a one-line file the file is shorter than any diff.
      assert.equal((await tool('read_file').run({ path: 'short.txt' }, remembering)).content, 'Contents of short.txt (lines 1-1 of 1):\n```\none\n```');
    });

    it('says a re-read is as the model\'s own edit or write left it, and diffs against that', async () => {
      const file = Array.from({ length: 60 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
      writeFiles(root, { 'a.txt': file });
      const as = (from: 'edit' | 'write'): ToolContext => ({ ...context, knownText: (p) => (p === 'a.txt' ? { path: p, text: file, from } : undefined) });
      assert.match((await tool('read_file').run({ path: 'a.txt' }, as('edit'))).content, /^a\.txt has not changed since your last edit_file of it earlier in this conversation; it is the text you last saw in full with your edits applied\./);
      assert.match((await tool('read_file').run({ path: 'a.txt' }, as('write'))).content, /^a\.txt has not changed since you created it with write_file [^;]*; it is exactly the content you wrote\./);
      fs.writeFileSync(path.join(root, 'a.txt'), file.replace('line 30\n', 'line thirty\n'));
      const diff = (await tool('read_file').run({ path: 'a.txt' }, as('edit'))).content;
      assert.match(diff, /^a\.txt changed since your last edit_file of it[^]*the rest is as your edit left it[^]*\n-line 30\n\+line thirty\n/);
    });

    it('reads a window and says how to read on', async () => {
      writeFiles(root, { 'long.txt': Array.from({ length: 400 }, (_, i) => `line ${i + 1}`).join('\n') });
      const first = await call('read_file', { path: 'long.txt' });
      assert.match(first.content, /^Contents of long\.txt \(lines 1-250 of 400\):/);
      assert.match(first.content, /\[Shown up to line 250 of 400\. To read on, call read_file with start_line=251\.\]$/);
      const window = await call('read_file', { path: 'long.txt', start_line: 10, end_line: 12 });
      assert.equal(window.content, 'Contents of long.txt (lines 10-12 of 400):\n```\nline 10\nline 11\nline 12\n```');
      const past = await call('read_file', { path: 'long.txt', start_line: 401 });
      assert.equal(past.isError, true);
      assert.equal(past.content, 'read_file: start_line 401 is past the end; long.txt has 400 lines.');
    });

    it('caps characters and cuts very long lines', async () => {
      writeFiles(root, { 'wide.txt': Array.from({ length: 100 }, () => 'x'.repeat(1000)).join('\n') });
      const out = await call('read_file', { path: 'wide.txt' });
      assert.ok(out.content.length < TOOL_LIMITS.readMaxChars + 2000);
      assert.match(out.content, /\[\.\.\. 500 more characters\]/);
      assert.match(out.content, /To read on, call read_file with start_line=\d+/);
    });

    it('uses a longer fence when the file holds backticks', async () => {
      writeFiles(root, { 'doc.md': '```js\ncode\n```\n' });
      const out = await call('read_file', { path: 'doc.md' });
      assert.match(out.content, /\n````\n```js\ncode\n```\n````$/);
    });

    it('reports missing, folder, empty and binary files', async () => {
      writeFiles(root, { 'empty.txt': '', 'bin.dat': 'a\0b', 'dir/x': '' });
      assert.deepEqual(await call('read_file', { path: 'nope.ts' }), { isError: true, content: 'read_file: nope.ts does not exist. Use find_files to look for it.' });
      assert.deepEqual(await call('read_file', { path: 'dir' }), { isError: true, content: 'read_file: dir is a folder. Use list_dir to see what it holds.' });
      assert.deepEqual(await call('read_file', { path: 'empty.txt' }), { isError: false, content: 'empty.txt is empty (0 lines).' });
      assert.match((await call('read_file', { path: 'bin.dat' })).content, /binary file/);
    });

    it('reports files over the workspace read cap', async () => {
      writeFiles(root, { 'big.txt': 'x'.repeat(5000) });
      const out = await tool('read_file').run({ path: 'big.txt' }, { workspace: new FsWorkspace(root, { maxReadBytes: 1000 }) });
      assert.equal(out.isError, true);
      assert.match(out.content, /^read_file: big\.txt is 4\.9 KB, more than the 1000 bytes the agent reads at once\. Use search_text/);
    });
  });

  describe('list_dir', () => {
    it('lists folders first, then files, without .git', async () => {
      writeFiles(root, { 'b.ts': '', 'a.ts': '', 'src/x.ts': '', '.git/HEAD': '', 'docs/y.md': '' });
      fs.symlinkSync('a.ts', path.join(root, 'link.ts'));
      const out = await call('list_dir', { path: '.' });
      assert.equal(out.content, 'Folder the workspace root (2 folders, 3 files):\n```\ndocs/\nsrc/\na.ts\nb.ts\nlink.ts (symlink)\n```');
      assert.equal((await call('list_dir', {})).content, out.content, 'the root by default');
      assert.equal((await call('list_dir', { path: 'src' })).content, 'Folder src (0 folders, 1 file):\n```\nx.ts\n```');
    });

    it('reports empty, missing and non-folder paths', async () => {
      writeFiles(root, { 'a.ts': '' });
      fs.mkdirSync(path.join(root, 'empty'));
      assert.equal((await call('list_dir', { path: 'empty' })).content, 'Folder empty is empty.');
      assert.deepEqual(await call('list_dir', { path: 'gone' }), { isError: true, content: 'list_dir: gone does not exist. Use find_files to look for it.' });
      assert.deepEqual(await call('list_dir', { path: 'a.ts' }), { isError: true, content: 'list_dir: a.ts is a file, not a folder. Use read_file to read it.' });
    });
  });

  describe('find_files', () => {
    beforeEach(() => {
      writeFiles(root, { '.gitignore': 'build/\n', 'src/a.ts': '', 'src/deep/b.ts': '', 'build/c.ts': '', 'node_modules/m/d.ts': '', 'README.md': '' });
    });

    it('matches at any depth when the glob has no folder, honouring .gitignore', async () => {
      assert.equal((await call('find_files', { glob: '*.ts' })).content, "Files matching '**/*.ts' (2 files):\n```\nsrc/a.ts\nsrc/deep/b.ts\n```");
      assert.equal((await call('find_files', { glob: './src/deep/*.ts' })).content, "Files matching 'src/deep/*.ts' (1 file):\n```\nsrc/deep/b.ts\n```");
      assert.equal((await call('find_files', { glob: 'build/**' })).content, "No files match 'build/**'. Files ignored by .gitignore, and .git and node_modules, are not searched.");
    });

    it('says when there are more than it shows', async () => {
      writeFiles(root, Object.fromEntries(Array.from({ length: TOOL_LIMITS.findMaxResults + 5 }, (_, i) => [`many/f${i}.txt`, ''])));
      const out = await call('find_files', { glob: 'many/*' });
      assert.match(out.content, new RegExp(`^Files matching 'many/\\*' \\(first ${TOOL_LIMITS.findMaxResults}; there are more\\):`));
      assert.match(out.content, /Use a narrower glob/);
    });

    it('refuses globs that leave the workspace', async () => {
      assert.deepEqual(await call('find_files', { glob: '../**/*.txt' }), { isError: true, content: "find_files: '../**/*.txt' uses '..'; globs stay inside the workspace." });
      assert.match((await call('find_files', { glob: '/etc/*' })).content, /^find_files: '\/etc\/\*' is an absolute path/);
    });
  });

  describe('search_text', () => {
    beforeEach(() => {
      writeFiles(root, { '.gitignore': 'gen/\n', 'src/a.ts': 'const fooBar = 1;\nfoo();\n', 'src/b.py': 'foo = 2\n', 'gen/c.ts': 'foo\n' });
    });

    it('groups matching lines by file and honours .gitignore', async () => {
      const out = await call('search_text', { query: 'foo' });
      assert.equal(out.content, 'Matches for "foo" (3 matching lines in 2 files):\n```\nsrc/a.ts\n  1: const fooBar = 1;\n  2: foo();\nsrc/b.py\n  1: foo = 2\n```');
    });

    it('filters with a glob and searches regular expressions', async () => {
      assert.equal((await call('search_text', { query: 'foo', glob: '*.py' })).content, 'Matches for "foo" in files matching \'**/*.py\' (1 matching line in 1 file):\n```\nsrc/b.py\n  1: foo = 2\n```');
      assert.match((await call('search_text', { query: 'foo\\(\\)', regex: true })).content, /\(1 matching line in 1 file\)/);
      assert.equal((await call('search_text', { query: 'nothing here' })).content, 'No matches for "nothing here".');
    });

    it('reports a bad regular expression', async () => {
      const out = await call('search_text', { query: '(', regex: true });
      assert.equal(out.isError, true);
      assert.match(out.content, /^search_text: The search failed/);
    });

    it('caps the matches it shows', async () => {
      writeFiles(root, { 'many.txt': 'foo\n'.repeat(TOOL_LIMITS.searchMaxResults + 10) });
      const out = await call('search_text', { query: 'foo', glob: 'many.txt' });
      assert.match(out.content, new RegExp(`\\(first ${TOOL_LIMITS.searchMaxResults} matching lines\\)`));
      assert.match(out.content, /There are more matches/);
    });
  });

  describe('write_file', () => {
    it('creates a new file and its folders, described as an all-added diff', async () => {
      const t = tool('write_file');
      const args = { path: 'src/new/file.ts', content: 'export {};\n' };
      const request = await t.describe(args, context);
      assert.deepEqual(
        { ...request, detail: undefined },
        { category: 'edit', tool: 'write_file', title: 'Create src/new/file.ts', detail: undefined, path: 'src/new/file.ts', before: '', after: 'export {};\n' },
      );
      assert.match(request.detail ?? '', /^--- \/dev\/null\n\+\+\+ b\/src\/new\/file\.ts\n@@ -0,0 \+1,1 @@\n\+export \{\};\n$/);
      assert.deepEqual(await t.run(args, context), { isError: false, content: 'Created src/new/file.ts (1 line).', seen: { path: 'src/new/file.ts', text: 'export {};\n', from: 'write' } });
      assert.equal(fs.readFileSync(path.join(root, 'src/new/file.ts'), 'utf8'), 'export {};\n');
    });

    it('refuses to overwrite and points to edit_file', async () => {
      writeFiles(root, { 'a.ts': 'keep' });
      const out = await call('write_file', { path: 'a.ts', content: 'lost' });
      assert.deepEqual(out, { isError: true, content: 'write_file: a.ts already exists, and write_file does not overwrite. Use edit_file to change it (read_file it first).' });
      await assert.rejects(tool('write_file').describe({ path: 'a.ts', content: 'x' }, context), ToolError);
      assert.equal((await tool('write_file').run({ path: 'a.ts', content: 'x' }, context)).isError, true);
      assert.equal(fs.readFileSync(path.join(root, 'a.ts'), 'utf8'), 'keep');
    });

    it('refuses to write inside .git', async () => {
      const out = await call('write_file', { path: '.git/hooks/pre-commit', content: '#!/bin/sh\n' });
      assert.equal(out.isError, true);
      assert.match(out.content, /inside \.git/);
    });
  });

  describe('run_command', () => {
    it('cleans colour codes and progress redraws', () => {
      assert.equal(cleanOutput('\x1b[32mok\x1b[0m\n10%\r50%\r100%\ndone\r\n\x1b]0;title\x07x'), 'ok\n100%\ndone\nx');
    });
  });

  describe('get_diagnostics', () => {
    it('reports none from the plain workspace', async () => {
      assert.deepEqual(await call('get_diagnostics', {}), { isError: false, content: 'No problems reported.' });
      writeFiles(root, { 'a.ts': '' });
      assert.deepEqual(await call('get_diagnostics', { path: 'a.ts' }), { isError: false, content: 'No problems reported in a.ts.' });
    });

    it('lists errors first with file, line, column and source', async () => {
      const items: DiagnosticItem[] = [
        { path: 'b.ts', line: 3, column: 1, severity: 'warning', message: 'unused', source: 'ts' },
        { path: 'a.ts', line: 7, column: 5, severity: 'error', message: "Cannot find name 'x'.\n  more", source: 'ts' },
      ];
      const workspace = new FsWorkspace(root);
      workspace.diagnostics = async () => items;
      const out = await tool('get_diagnostics').run({}, { workspace });
      assert.equal(out.content, "2 problems (1 error):\n```\na.ts:7:5 error: Cannot find name 'x'. more [ts]\nb.ts:3:1 warning: unused [ts]\n```");
    });
  });

  describe('paths outside the workspace', () => {
    const escapes = (): string[] => ['../escape.txt', path.join(outside, 'secret.txt'), 'out/secret.txt', 'out/new.txt', 'leak.txt'];

    beforeEach(() => {
      fs.symlinkSync(outside, path.join(root, 'out'));
      fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'leak.txt'));
    });

    const refused = (out: ToolOutput, name: string, requested: string): void => {
      assert.equal(out.isError, true, `${name} ${requested}`);
      assert.match(out.content, new RegExp(`^${name}: '`), `${name} ${requested}: ${out.content}`);
      assert.match(out.content, /outside the workspace|symlink/);
      assert.doesNotMatch(out.content, /TOKEN/);
    };

    it('are refused by every path-taking tool', async () => {
      for (const requested of escapes()) {
        refused(await call('read_file', { path: requested }), 'read_file', requested);
        refused(await call('edit_file', { path: requested, search: 'TOKEN', replace: 'X' }), 'edit_file', requested);
        refused(await call('write_file', { path: requested, content: 'x' }), 'write_file', requested);
        refused(await call('get_diagnostics', { path: requested }), 'get_diagnostics', requested);
        refused(await tool('edit_file').run({ path: requested, search: 'TOKEN', replace: 'X' }, context), 'edit_file', requested);
        refused(await tool('write_file').run({ path: requested, content: 'x' }, context), 'write_file', requested);
      }
      for (const requested of ['..', outside, 'out', 'out/deeper']) {
        refused(await call('list_dir', { path: requested }), 'list_dir', requested);
      }
      assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'TOKEN=1\n');
      assert.deepEqual(fs.readdirSync(outside), ['secret.txt']);
    });

    it('are refused before the user is asked (describe throws ToolError)', async () => {
      const calls: Array<[string, Record<string, unknown>]> = [
        ['read_file', { path: '../x' }],
        ['list_dir', { path: 'out' }],
        ['get_diagnostics', { path: 'leak.txt' }],
        ['edit_file', { path: 'out/secret.txt', search: 'TOKEN', replace: 'X' }],
        ['write_file', { path: 'out/new.txt', content: 'x' }],
        ['find_files', { glob: '../*' }],
        ['search_text', { query: 'x', glob: '../*' }],
      ];
      for (const [name, args] of calls) {
        await assert.rejects(tool(name).describe(args, context), ToolError, name);
      }
    });

    it('are not followed by find_files or search_text', async () => {
      assert.doesNotMatch((await call('find_files', { glob: '**/*.txt' })).content, /secret/);
      assert.doesNotMatch((await call('search_text', { query: 'TOKEN' })).content, /TOKEN=1/);
      assert.equal((await call('search_text', { query: 'TOKEN', glob: '../**' })).isError, true);
    });
  });
});
