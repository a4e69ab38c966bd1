// The searchText cases both search engines must pass: ripgrep (a child process, so in the
// integration tier) and the built-in scan (in the unit tier).
import { strict as assert } from 'node:assert';
import { FsWorkspace } from '../../agent/workspace/fsWorkspace';
import { PathSafetyError } from '../../agent/workspace/pathSafety';
import { findRipgrep, SearchError } from '../../agent/workspace/ripgrep';
import { writeFiles } from './files';

/** Declares FsWorkspace's searchText suite for one engine, on the workspace folder `root()` of the enclosing suite. */
export function describeSearchText(engine: 'ripgrep' | 'plain scan', root: () => string): void {
  describe(`searchText (${engine})`, () => {
    let ws: FsWorkspace;

    before(async function () {
      if (engine === 'ripgrep' && !(await findRipgrep())) this.skip();
    });

    beforeEach(() => {
      writeFiles(root(), {
        '.gitignore': 'dist/\n',
        'src/a.ts': 'const Alpha = 1;\nfunction beta() {}\n// alpha again\n',
        'src/b.py': 'alpha = 2\n',
        'dist/bundle.js': 'alpha\n',
        'node_modules/pkg/index.js': 'alpha\n',
        '.hidden/h.ts': 'alpha hidden\n',
        'bin.dat': 'alpha\0binary\n',
        'crlf.txt': 'one alpha\r\ntwo\r\n',
      });
      ws = new FsWorkspace(root(), { disableRipgrep: engine === 'plain scan' });
    });

    it('finds literal text with smart case, skipping ignored, node_modules and binary files', async () => {
      const matches = await ws.searchText('alpha', {});
      assert.deepEqual(
        matches.map((m) => `${m.path}:${m.line}:${m.text}`),
        ['.hidden/h.ts:1:alpha hidden', 'crlf.txt:1:one alpha', 'src/a.ts:1:const Alpha = 1;', 'src/a.ts:3:// alpha again', 'src/b.py:1:alpha = 2'],
      );
      assert.deepEqual((await ws.searchText('Alpha', {})).map((m) => m.line), [1], 'an upper-case letter makes the search case-sensitive');
      assert.equal((await ws.searchText('ALPHA', { caseSensitive: false })).length, 5);
    });

    it('treats the query literally unless regex is set', async () => {
      assert.deepEqual(await ws.searchText('beta()', {}), [{ path: 'src/a.ts', line: 2, text: 'function beta() {}' }]);
      assert.deepEqual((await ws.searchText('^const \\w+ = \\d', { regex: true })).map((m) => m.path), ['src/a.ts']);
      assert.deepEqual(await ws.searchText('a.*z', {}), []);
    });

    it('filters by glob and stops at maxResults', async () => {
      assert.deepEqual((await ws.searchText('alpha', { glob: '**/*.py' })).map((m) => m.path), ['src/b.py']);
      assert.deepEqual((await ws.searchText('alpha', { glob: 'src/**' })).map((m) => m.path), ['src/a.ts', 'src/a.ts', 'src/b.py']);
      assert.equal((await ws.searchText('alpha', { maxResults: 2 })).length, 2);
    });

    it('reports a bad regular expression as a SearchError', async () => {
      await assert.rejects(ws.searchText('(unclosed', { regex: true }), (error: unknown) => error instanceof SearchError && /search failed/i.test(error.message));
    });

    it('refuses a glob that leads outside', async () => {
      await assert.rejects(ws.searchText('x', { glob: '../**' }), PathSafetyError);
    });
  });
}
