import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsWorkspace } from '../../agent/workspace/fsWorkspace';
import type { ToolContext, ToolOutput } from '../../agent/tool';
import { EditFileTool, ToolError, WriteFileTool } from '../../agent/tools';
import { applySearchReplace, closestRegion } from '../../agent/tools/editMatch';

const SOURCE = ['class Greeter {', '  greet(name) {', '    if (!name) {', "      return 'hello';", '    }', "    return 'hello ' + name;", '  }', '}', ''].join('\n');

describe('edit_file', () => {
  let root: string;
  let context: ToolContext;
  let tool: EditFileTool;

  const file = (): string => fs.readFileSync(path.join(root, 'src/greeter.js'), 'utf8');
  const edit = async (search: string, replace: string, target = 'src/greeter.js'): Promise<ToolOutput> => {
    const valid = tool.validate({ path: target, search, replace });
    if (!valid.ok) return { isError: true, content: valid.error };
    try {
      await tool.describe(valid.args, context);
    } catch (error) {
      if (error instanceof ToolError) return { isError: true, content: error.message };
      throw error;
    }
    return tool.run(valid.args, context);
  };

  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'edit-file-')));
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src/greeter.js'), SOURCE);
    context = { workspace: new FsWorkspace(root) };
    tool = new EditFileTool();
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('hands back the text it left when the model knew the whole file and matched it exactly, for re-reads', async () => {
    const knowing = (text: string): ToolContext => ({ ...context, knownText: (p) => (p === 'src/greeter.js' ? { path: p, text, from: 'read' } : undefined) });
    const after = SOURCE.replace("return 'hello';", "return 'hi';");
    const run = async (search: string, replace: string, with_: ToolContext): Promise<ToolOutput> => {
      const args = { path: 'src/greeter.js', search, replace };
      await tool.describe(args, with_);
      return tool.run(args, with_);
    };
    assert.deepEqual((await run("return 'hello';", "return 'hi';", knowing(SOURCE))).seen, { path: 'src/greeter.js', text: after, from: 'edit' });
    // What the model knew is not what the file held: it cannot know the result.
    fs.writeFileSync(path.join(root, 'src/greeter.js'), SOURCE);
    assert.equal((await run("return 'hello';", "return 'hi';", knowing(SOURCE.replace('Greeter', 'Welcomer')))).seen, undefined);
    fs.writeFileSync(path.join(root, 'src/greeter.js'), SOURCE);
    assert.equal((await run("return 'hello';", "return 'hi';", context)).seen, undefined, 'nothing known before');
    // Matched only when spacing is ignored: the file's indentation was kept, not the model's.
    fs.writeFileSync(path.join(root, 'src/greeter.js'), SOURCE);
    const loose = await run("if (!name) {\n  return 'hello';\n}", "if (!name) {\n  return 'hi';\n}", knowing(SOURCE));
    assert.match(loose.content, /spacing is ignored/);
    assert.equal(loose.seen, undefined);
  });

  it('applies an exact match and describes it as a diff with before and after', async () => {
    const args = { path: 'src/greeter.js', search: "return 'hello';", replace: "return 'hi';" };
    const request = await tool.describe(args, context);
    assert.equal(request.category, 'edit');
    assert.equal(request.title, 'Edit src/greeter.js');
    assert.equal(request.before, SOURCE);
    assert.equal(request.after, SOURCE.replace("return 'hello';", "return 'hi';"));
    assert.equal(
      request.detail,
      "--- a/src/greeter.js\n+++ b/src/greeter.js\n@@ -1,7 +1,7 @@\n class Greeter {\n   greet(name) {\n     if (!name) {\n-      return 'hello';\n+      return 'hi';\n     }\n     return 'hello ' + name;\n   }\n",
    );
    assert.equal(file(), SOURCE, 'describing changes nothing');
    const out = await tool.run(args, context);
    assert.equal(out.isError, false);
    assert.equal(file(), request.after);
    assert.equal(
      out.content,
      "Edited src/greeter.js: line 4 replaced by 1 line.\nThe file now reads (lines 1-7):\n```\nclass Greeter {\n  greet(name) {\n    if (!name) {\n      return 'hi';\n    }\n    return 'hello ' + name;\n  }\n```",
    );
  });

  it('runs without a describe first', async () => {
    const out = await tool.run({ path: 'src/greeter.js', search: 'class Greeter', replace: 'class Welcomer' }, context);
    assert.equal(out.isError, false);
    assert.match(file(), /^class Welcomer \{/);
  });

  it('refuses an ambiguous match and lists where it matched', async () => {
    const out = await edit("'hello", "'bye");
    assert.deepEqual(out, {
      isError: true,
      content: "edit_file: the search text matches 2 places in src/greeter.js (lines 4, 6). Add neighbouring lines to 'search' so it matches only one place. Nothing was changed.",
    });
    assert.equal(file(), SOURCE);
  });

  it('matches ignoring indentation and trailing spaces, keeping the file indentation', async () => {
    const out = await edit("if (!name) {   \nreturn 'hello';\n}", "if (!name) {\n  console.warn('no name');\n  return 'hello';\n}");
    assert.equal(out.isError, false);
    assert.match(out.content, /^Edited src\/greeter\.js: lines 3-5 replaced by 4 lines\. The search text matched when spacing is ignored; the file's indentation was kept\./);
    assert.equal(file(), SOURCE.replace("    if (!name) {\n      return 'hello';", "    if (!name) {\n      console.warn('no name');\n      return 'hello';"));
  });

  it('converts the replacement to tabs when the file is indented with tabs', async () => {
    fs.writeFileSync(path.join(root, 'src/tabs.go'), 'func main() {\n\tif ok {\n\t\trun()\n\t}\n}\n');
    const out = await edit('    if ok {\n        run()\n    }', '    if ok {\n        run()\n        done()\n    }', 'src/tabs.go');
    assert.equal(out.isError, false, out.content);
    assert.equal(fs.readFileSync(path.join(root, 'src/tabs.go'), 'utf8'), 'func main() {\n\tif ok {\n\t\trun()\n\t\tdone()\n\t}\n}\n');
  });

  it('ignores line numbers copied from read_file output', async () => {
    const out = await edit("4 |       return 'hello';\n5 |     }", "4 |       return 'hey';\n5 |     }");
    assert.equal(out.isError, false, out.content);
    assert.match(out.content, /The line numbers in the search text were ignored\./);
    assert.match(file(), /return 'hey';/);
  });

  it('on a near miss quotes the closest region, naming its lines, and changes nothing', async () => {
    const out = await edit("if (!name) {\n  return 'helo';\n}", "if (!name) {\n  return 'hi';\n}");
    assert.equal(out.isError, true);
    assert.match(out.content, /^edit_file: the search text was not found in src\/greeter\.js\. Nothing was changed\.\nThe most similar text is at lines 3-5 \(\d+% similar\):\n```\n {4}if \(!name\) \{\n {6}return 'hello';\n {4}\}\n```\nIf that is the place, retry with 'search' copied exactly from it/);
    assert.equal(file(), SOURCE);
  });

  it('says so when nothing is similar', async () => {
    const out = await edit('SELECT * FROM users WHERE id = 7', 'x');
    assert.deepEqual(out, {
      isError: true,
      content: 'edit_file: the search text was not found in src/greeter.js, and no part of the file is similar. Use read_file to see its current text. Nothing was changed.',
    });
  });

  it('keeps CRLF line endings', async () => {
    fs.writeFileSync(path.join(root, 'src/win.txt'), 'one\r\ntwo\r\nthree\r\n');
    const out = await edit('two\n', 'TWO\nand a half\n', 'src/win.txt');
    assert.equal(out.isError, false, out.content);
    assert.equal(fs.readFileSync(path.join(root, 'src/win.txt'), 'utf8'), 'one\r\nTWO\r\nand a half\r\nthree\r\n');
  });

  it('deletes text when replace is empty', async () => {
    const out = await edit("    if (!name) {\n      return 'hello';\n    }\n", '');
    assert.equal(out.isError, false, out.content);
    assert.equal(file(), SOURCE.replace("    if (!name) {\n      return 'hello';\n    }\n", ''));
  });

  it('does not apply an approved edit when the file changed in between', async () => {
    const args = { path: 'src/greeter.js', search: 'class Greeter', replace: 'class Welcomer' };
    await tool.describe(args, context);
    fs.writeFileSync(path.join(root, 'src/greeter.js'), SOURCE + '// changed by someone else\n');
    const out = await tool.run(args, context);
    assert.deepEqual(out, { isError: true, content: 'edit_file: src/greeter.js changed after this edit was prepared, so it was not applied. Read the file again and redo the edit.' });
    assert.match(file(), /^class Greeter/);
  });

  it('reports missing files, folders, binary files and .git', async () => {
    assert.equal((await edit('a', 'b', 'src/none.js')).content, 'edit_file: src/none.js does not exist. Use write_file to create a new file.');
    assert.equal((await edit('a', 'b', 'src')).content, 'edit_file: src is a folder, not a file.');
    fs.writeFileSync(path.join(root, 'src/blob.bin'), 'a\0b');
    assert.match((await edit('a', 'b', 'src/blob.bin')).content, /binary file/);
    fs.mkdirSync(path.join(root, '.git'));
    fs.writeFileSync(path.join(root, '.git/config'), '[core]\n');
    assert.match((await edit('[core]', '[core]\n\tfsmonitor = evil', '.git/config')).content, /inside \.git/);
    assert.equal(fs.readFileSync(path.join(root, '.git/config'), 'utf8'), '[core]\n');
  });

  it('refuses .git reached through a symlink inside the workspace, for edits and new files', async () => {
    fs.mkdirSync(path.join(root, '.git', 'hooks'), { recursive: true });
    fs.writeFileSync(path.join(root, '.git/config'), '[core]\n');
    fs.symlinkSync('.git', path.join(root, 'gitlink'));
    const result = await edit('[core]', '[core]\n\tfsmonitor = evil', 'gitlink/config');
    assert.equal(result.isError, true);
    assert.match(result.content, /inside \.git.*leads there through a symlink/);
    assert.equal(fs.readFileSync(path.join(root, '.git/config'), 'utf8'), '[core]\n');
    const write = new WriteFileTool();
    const valid = write.validate({ path: 'gitlink/hooks/pre-commit', content: '#!/bin/sh\nevil\n' });
    assert.ok(valid.ok);
    if (valid.ok) await assert.rejects(write.describe(valid.args, context), /inside \.git/);
    assert.equal(fs.existsSync(path.join(root, '.git/hooks/pre-commit')), false);
  });

  describe('matching', () => {
    // A quadratic matcher takes minutes on these (40k lines took 6.4 s, 1M lines about an
    // hour); a linear one takes well under a second, so the test's timeout guards it.
    it('answers a search that matches many times with a short message, in linear time', async () => {
      const text = 'x = 1;\n'.repeat(200_000);
      const exact = await applySearchReplace(text, 'x = 1;', 'x = 2;');
      assert.ok(!exact.ok && exact.reason === 'ambiguous');
      assert.equal(exact.count, 200_000);
      assert.deepEqual(exact.lines, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'only the first ten places are named');
      const tolerant = await applySearchReplace(text, '  x  =  1;\n'.repeat(1000), 'y');
      assert.ok(!tolerant.ok && tolerant.reason === 'ambiguous');
      assert.equal(tolerant.count, 200_000 - 1000 + 1);
    });

    it('finds the closest region for a long search in a long file in linear time', async () => {
      const lines = Array.from({ length: 50_000 }, (_, i) => `const value${i} = compute(${i});`);
      const search = lines.slice(30_000, 32_000).join('\n').replace('compute(30500)', 'compute(3O500)');
      const candidate = await closestRegion(lines.join('\n'), search);
      assert.equal(candidate?.startLine, 30_001);
      assert.ok((candidate?.similarity ?? 0) > 0.95);
    });

    it('refuses a whitespace-tolerant match that is ambiguous', async () => {
      const result = await applySearchReplace('a {\n  x\n}\nb {\n    x\n}\n', '  x  ', 'y');
      assert.deepEqual(result, { ok: false, reason: 'ambiguous', lines: [2, 5], count: 2 });
    });

    it('prefers an exact match over a tolerant one', async () => {
      const result = await applySearchReplace('  x = 1\nx = 1\n', 'x = 1\n', 'x = 2\n');
      assert.equal(result.ok, false, 'the exact text occurs twice (once inside the indented line)');
      const once = await applySearchReplace('  y = 1\nx = 1\n', 'x = 1', 'x = 2');
      assert.deepEqual(once, { ok: true, text: '  y = 1\nx = 2\n', how: 'exact', startLine: 2, oldLineCount: 1, newLineCount: 1 });
    });

    it('finds the closest region in a long file quickly', async () => {
      const lines = Array.from({ length: 20_000 }, (_, i) => `  const value${i} = compute(${i}, 'item-${i}');`);
      const started = Date.now();
      const candidate = await closestRegion(lines.join('\n'), "const value12345 = compute(12345, 'item-12354');\nconst value12346 = compute(12346, 'item-12346');");
      assert.equal(candidate?.startLine, 12346);
      assert.ok(Date.now() - started < 2000);
    });

    it('stops the closest-region search when cancelled, and changes nothing', async () => {
      const lines = Array.from({ length: 100_000 }, (_, i) => `  const value${i} = compute(${i}, 'item-${i}');`);
      const abort = new AbortController();
      const search = applySearchReplace(lines.join('\n'), 'function notThere() {\n  return 1;\n}', 'x', abort.signal);
      setImmediate(() => abort.abort());
      await assert.rejects(search, (error: Error) => error.name === 'AbortError');
    });
  });
});
