import { strict as assert } from 'node:assert';
import { formatFileBlocks, type GeneratedFile, parseGeneratedFiles, parseGeneratedReply } from '../../agent/screenshotToCode';

const HTML_DEFAULTS = { defaultPaths: { html: 'index.html', css: 'styles.css' } };

describe('screenshot to code: file blocks', () => {
  it('reads back what formatFileBlocks writes, byte for byte', () => {
    const files: GeneratedFile[] = [
      { path: 'index.html', content: '<!doctype html>\n<html><body><p>Hi</p></body></html>\n' },
      { path: 'styles.css', content: 'body { margin: 0; }\n' },
      { path: 'src/App.tsx', content: 'export default function App() {\n  return <div />;\n}\n' },
      // Content holding a fence of its own must not end its block early.
      { path: 'notes/readme.html', content: '<pre>\n```js\nx()\n```\n</pre>\n' },
      { path: 'my page/a b.css', content: 'a { color: red; }\n' },
    ];
    const text = formatFileBlocks(files);
    assert.match(text, /^```html path=index\.html\n/);
    assert.deepEqual(parseGeneratedFiles(text), files);
  });

  it('ignores prose around the blocks and keeps the order of first appearance', () => {
    const text = [
      'Sure! Here is the page.',
      '',
      '```html path=index.html',
      '<!doctype html>',
      '<html></html>',
      '```',
      'And the styles, which make the header blue:',
      '```css path="styles.css"',
      '.bar { background: blue; }',
      '```',
      'Let me know if you want changes.',
    ].join('\n');
    assert.deepEqual(parseGeneratedFiles(text), [
      { path: 'index.html', content: '<!doctype html>\n<html></html>\n' },
      { path: 'styles.css', content: '.bar { background: blue; }\n' },
    ]);
  });

  it('lets the last copy of a path win', () => {
    const text = '```css path=styles.css\na{}\n```\n```html path=index.html\n<p>\n```\n```css path=./styles.css\nb{}\n```';
    assert.deepEqual(parseGeneratedFiles(text), [
      { path: 'styles.css', content: 'b{}\n' },
      { path: 'index.html', content: '<p>\n' },
    ]);
  });

  it('refuses absolute paths and paths that leave the workspace', () => {
    const text = [
      '```html path=/etc/passwd\nx\n```',
      '```css path=../outside.css\nx\n```',
      '```css path=styles/../../up.css\nx\n```',
      '```css path=C:\\Windows\\evil.css\nx\n```',
      '```css path=~/.bashrc.css\nx\n```',
      '```css path=ok/inside.css\nfine\n```',
    ].join('\n');
    const parsed = parseGeneratedReply(text);
    assert.deepEqual(parsed.files, [{ path: 'ok/inside.css', content: 'fine\n' }]);
    assert.deepEqual(
      parsed.refused.map((r) => r.path),
      ['/etc/passwd', '../outside.css', 'styles/../../up.css', 'C:\\Windows\\evil.css', '~/.bashrc.css'],
    );
    assert.ok(parsed.refused.every((r) => r.reason.length > 0));
  });

  it('takes the path from a heading, a comment or the info string when path= is missing', () => {
    const text = [
      '**index.html**',
      '```html',
      '<h1>A</h1>',
      '```',
      '```css',
      '/* theme.css */',
      'h1 { color: red; }',
      '```',
      '```tsx src/App.tsx',
      'export {};',
      '```',
      'File: extra.js',
      '```',
      'console.log(1);',
      '```',
      'Here is the updated `more.css`:',
      '```',
      'b {}',
      '```',
    ].join('\n');
    assert.deepEqual(parseGeneratedFiles(text, HTML_DEFAULTS), [
      { path: 'index.html', content: '<h1>A</h1>\n' },
      { path: 'theme.css', content: 'h1 { color: red; }\n' },
      { path: 'src/App.tsx', content: 'export {};\n' },
      { path: 'extra.js', content: 'console.log(1);\n' },
      { path: 'more.css', content: 'b {}\n' },
    ]);
  });

  it('gives a block that names only its language the target path', () => {
    const text = '```html\n<!doctype html><p>x</p>\n```\n\n```css\np{}\n```';
    assert.deepEqual(parseGeneratedFiles(text, HTML_DEFAULTS), [
      { path: 'index.html', content: '<!doctype html><p>x</p>\n' },
      { path: 'styles.css', content: 'p{}\n' },
    ]);
    // Without defaults such blocks are examples, not files.
    assert.deepEqual(parseGeneratedFiles(text), []);
  });

  it('reads a bare HTML document when the model used no fences at all', () => {
    const text = 'Here you go:\n<!DOCTYPE html>\n<html><body>Hi</body></html>\nHope it helps.';
    assert.deepEqual(parseGeneratedFiles(text, HTML_DEFAULTS), [
      { path: 'index.html', content: '<!DOCTYPE html>\n<html><body>Hi</body></html>\n' },
    ]);
  });

  it('keeps a file whose closing fence is missing, and says the reply was cut off', () => {
    const parsed = parseGeneratedReply('```html path=index.html\n<html>\n<body>', HTML_DEFAULTS);
    assert.deepEqual(parsed.files, [{ path: 'index.html', content: '<html>\n<body>\n' }]);
    assert.equal(parsed.truncated, true);
    assert.equal(parseGeneratedReply('```css path=a.css\na{}\n```').truncated, false);
  });

  it('starts the next file when the model forgot to close the previous one', () => {
    const text = '```html path=index.html\n<p>x</p>\n```css path=styles.css\np{}\n```';
    assert.deepEqual(parseGeneratedFiles(text), [
      { path: 'index.html', content: '<p>x</p>\n' },
      { path: 'styles.css', content: 'p{}\n' },
    ]);
  });

  it('reads Windows line endings and tilde fences', () => {
    const text = '~~~css path=styles.css\r\na{}\r\n~~~\r\n';
    assert.deepEqual(parseGeneratedFiles(text), [{ path: 'styles.css', content: 'a{}\n' }]);
  });

  it('finds nothing in a reply without files', () => {
    assert.deepEqual(parseGeneratedFiles('I cannot see the image clearly.', HTML_DEFAULTS), []);
  });
});
