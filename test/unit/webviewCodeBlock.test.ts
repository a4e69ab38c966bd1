import * as assert from 'node:assert/strict';
import { createCodeBlock, parseFenceInfo } from '../../webview/render/codeBlock';
import { appendHighlighted, highlightInto, languageForPath } from '../../webview/render/highlight';
import { installDom, recordPosts, type TestDom } from '../support/webviewDom';

const code = 'export function add(a: number, b: number): number {\n  return a + b; // sum\n}';

function click(element: Element | null): void {
  assert.ok(element, 'the button exists');
  element.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
}

describe('webview code blocks', () => {
  let dom: TestDom;
  before(() => (dom = installDom()));
  after(() => dom.restore());

  it('reads the language and file from the fence the ways models write it', () => {
    assert.deepEqual(parseFenceInfo(''), { language: '' });
    assert.deepEqual(parseFenceInfo('ts'), { language: 'ts' });
    assert.deepEqual(parseFenceInfo('TypeScript'), { language: 'typescript' });
    assert.deepEqual(parseFenceInfo('ts src/app.ts'), { language: 'ts', pathHint: 'src/app.ts' });
    assert.deepEqual(parseFenceInfo('ts:src/app.ts'), { language: 'ts', pathHint: 'src/app.ts' });
    assert.deepEqual(parseFenceInfo('src/app.ts'), { language: 'typescript', pathHint: 'src/app.ts' });
    assert.deepEqual(parseFenceInfo('python title="tools/run.py"'), { language: 'python', pathHint: 'tools/run.py' });
    assert.deepEqual(parseFenceInfo('Dockerfile'), { language: 'dockerfile' });
    assert.deepEqual(parseFenceInfo('c++ {1,3}'), { language: 'c++' });
    assert.deepEqual(parseFenceInfo('"><img'), { language: '' });
  });

  it('maps file names to languages', () => {
    assert.equal(languageForPath('src/a.tsx'), 'typescript');
    assert.equal(languageForPath('build/Makefile'), 'makefile');
    assert.equal(languageForPath('notes.unknownext'), '');
  });

  it('highlights a finished block into spans and keeps the exact code text', () => {
    const { post } = recordPosts();
    const block = createCodeBlock(post, code, 'ts src/math.ts', true);
    const body = block.element.querySelector('pre code') as HTMLElement;
    assert.equal(body.textContent, code);
    assert.ok(body.querySelector('span.hljs-keyword'), 'keywords are marked');
    assert.ok(body.querySelector('span.hljs-comment'), 'comments are marked');
    assert.equal(block.element.querySelector('.code-lang')?.textContent, 'ts');
    assert.equal(block.element.querySelector('.code-path')?.textContent, 'src/math.ts');
  });

  it('shows plain text while streaming and highlights once the fence closes', () => {
    const { post } = recordPosts();
    const block = createCodeBlock(post, 'const a', 'js', false);
    const body = block.element.querySelector('pre code') as HTMLElement;
    assert.equal(body.querySelector('span'), null);
    const text = body.firstChild;
    block.update('const a = 1;', 'js', false);
    assert.equal(body.firstChild, text, 'the text node is updated in place');
    assert.equal(body.textContent, 'const a = 1;');
    assert.ok(block.element.classList.contains('streaming'));
    block.update('const a = 1;', 'js', true);
    assert.ok(body.querySelector('span.hljs-keyword'));
    assert.ok(!block.element.classList.contains('streaming'));
  });

  it('posts Insert at cursor and Apply to file with the code, language and path', () => {
    const { posts, post } = recordPosts();
    const block = createCodeBlock(post, code, 'ts src/math.ts', true);
    click(block.element.querySelector('.code-insert'));
    click(block.element.querySelector('.code-apply'));
    const plain = createCodeBlock(post, 'echo hi', 'bash', true);
    click(plain.element.querySelector('.code-apply'));
    assert.deepEqual(posts, [
      { type: 'insertCode', payload: { code, language: 'ts' } },
      { type: 'applyCode', payload: { code, language: 'ts', pathHint: 'src/math.ts' } },
      { type: 'applyCode', payload: { code: 'echo hi', language: 'bash' } },
    ]);
    assert.equal(block.element.querySelector('.code-apply')?.getAttribute('aria-label'), 'Apply to src/math.ts');
  });

  it('copies through the page clipboard, and through the host when there is none', async () => {
    const { posts, post } = recordPosts();
    const written: string[] = [];
    Object.defineProperty(dom.window.navigator, 'clipboard', { configurable: true, value: { writeText: (text: string) => (written.push(text), Promise.resolve()) } });
    const block = createCodeBlock(post, code, 'ts', true);
    click(block.element.querySelector('.code-copy'));
    await Promise.resolve();
    assert.deepEqual(written, [code]);
    assert.deepEqual(posts, []);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.ok(block.element.querySelector('.code-copy')?.classList.contains('copied'));

    Object.defineProperty(dom.window.navigator, 'clipboard', { configurable: true, value: { writeText: () => Promise.reject(new Error('denied')) } });
    click(block.element.querySelector('.code-copy'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    Object.defineProperty(dom.window.navigator, 'clipboard', { configurable: true, value: undefined });
    click(block.element.querySelector('.code-copy'));
    assert.deepEqual(posts, [
      { type: 'copy', payload: { text: code } },
      { type: 'copy', payload: { text: code } },
    ]);
  });

  it('accepts only spans and text from the highlighter output', () => {
    const target = document.createElement('code');
    appendHighlighted(target, '<span class="hljs-keyword">let</span> a &lt; b<img src=x onerror=alert(1)><span class="x" onclick="y">z</span>');
    assert.equal(target.querySelector('img'), null);
    assert.equal(target.querySelectorAll('span').length, 1);
    // Anything that is not exactly the highlighter's span stays visible as text.
    assert.equal(target.textContent, 'let a < b<img src=x onerror=alert(1)><span class="x" onclick="y">z');
  });

  it('leaves unknown languages and huge blocks as plain text', () => {
    const target = document.createElement('code');
    highlightInto(target, 'whatever <b>', 'no-such-language');
    assert.equal(target.innerHTML, 'whatever &lt;b&gt;');
    highlightInto(target, 'x'.repeat(100_001), 'js');
    assert.equal(target.querySelector('span'), null);
  });
});
