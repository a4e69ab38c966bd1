import { strict as assert } from 'node:assert';
import { extractCode, restoreIndentation } from '../../extension/inlineChat/core/replyParser';

describe('inline chat: reply parsing', () => {
  it('takes a bare reply as it is, keeping indentation and inner blank lines', () => {
    assert.deepEqual(extractCode('  if (a) {\n\n    b();\n  }\n', true), ['  if (a) {', '', '    b();', '  }']);
  });

  it('strips one fenced block with or without a language', () => {
    assert.deepEqual(extractCode('```ts\n  const a = 1;\n```', true), ['  const a = 1;']);
    assert.deepEqual(extractCode('```\nx\n```\n', true), ['x']);
    assert.deepEqual(extractCode('~~~python\ndef f():\n    pass\n~~~', true), ['def f():', '    pass']);
  });

  it('drops prose around a single fenced block', () => {
    const reply = 'Here is the updated code:\n\n```js\nlet a = 1;\n```\n\nThis uses let instead of var.';
    assert.deepEqual(extractCode(reply, true), ['let a = 1;']);
  });

  it('drops text after the closing fence', () => {
    assert.deepEqual(extractCode('```js\nx();\n```\nI renamed the call.', true), ['x();']);
  });

  it('keeps fenced blocks nested inside a Markdown reply', () => {
    const reply = '````markdown\n# Title\n```sh\nnpm test\n```\n````';
    assert.deepEqual(extractCode(reply, true), ['# Title', '```sh', 'npm test', '```']);
    const sameLength = '```md\nText\n```js\ncode();\n```\nMore\n```';
    assert.deepEqual(extractCode(sameLength, true), ['Text', '```js', 'code();', '```', 'More']);
  });

  it('leaves code with several fences of its own alone', () => {
    const code = 'const doc = `\n```js\na\n```\n```js\nb\n```\n`;';
    assert.deepEqual(extractCode(code, true), code.split('\n'));
  });

  it('reads a truncated fenced block to its end', () => {
    assert.deepEqual(extractCode('```js\na();\nb();', true), ['a();', 'b();']);
  });

  it('returns nothing for an empty or blank reply', () => {
    assert.deepEqual(extractCode('', true), []);
    assert.deepEqual(extractCode('\n  \n', true), []);
    assert.deepEqual(extractCode('```js\n```', true), []);
  });

  it('handles CRLF replies', () => {
    assert.deepEqual(extractCode('```js\r\na();\r\n```\r\n', true), ['a();']);
  });

  describe('while streaming', () => {
    it('holds back the unfinished last line', () => {
      assert.deepEqual(extractCode('a();\nb(', false), ['a();']);
      assert.deepEqual(extractCode('a();\n', false), ['a();']);
      assert.deepEqual(extractCode('``', false), []);
    });

    it('hides the opening fence as soon as it arrives, and stops at the closing one', () => {
      assert.deepEqual(extractCode('```ts\n', false), []);
      assert.deepEqual(extractCode('```ts\nconst a = 1;\n', false), ['const a = 1;']);
      assert.deepEqual(extractCode('```ts\nconst a = 1;\n```\nThis', false), ['const a = 1;']);
    });

    it('skips a sentence before the fence once the fence arrives', () => {
      assert.deepEqual(extractCode('Sure:\n```js\nx();\n', false), ['x();']);
    });

    it('keeps trailing blank lines, which may be followed by more code', () => {
      assert.deepEqual(extractCode('a\n\n\n', false), ['a', '', '']);
    });

    it('agrees with the final parse once complete', () => {
      const reply = '```js\nfunction f() {\n  return 1;\n}\n```\n';
      for (let cut = 0; cut <= reply.length; cut++) {
        const partial = extractCode(reply.slice(0, cut), false);
        assert.deepEqual(extractCode(reply, true).slice(0, partial.length), partial, `cut at ${cut}`);
      }
    });
  });
});

describe('inline chat: indentation', () => {
  const original = ['    if (ready) {', '      go();', '    }'];

  it('re-indents a reply the model dedented to column 0', () => {
    assert.deepEqual(restoreIndentation(['if (ready) {', '  go(1);', '', '}'], original), ['    if (ready) {', '      go(1);', '', '    }']);
  });

  it('leaves an indented reply alone', () => {
    const reply = ['    if (ready) {', '      go(1);', '    }'];
    assert.deepEqual(restoreIndentation(reply, original), reply);
  });

  it('leaves code alone when the original was not indented', () => {
    assert.deepEqual(restoreIndentation(['a();'], ['b();']), ['a();']);
    assert.deepEqual(restoreIndentation(['a();'], []), ['a();']);
  });
});
