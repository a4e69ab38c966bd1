import * as assert from 'node:assert/strict';
import { isFenceClosed, StreamingMarkdown } from '../../webview/render/streamingMarkdown';
import { installDom, ManualFrames, recordPosts, type TestDom } from '../support/webviewDom';

const reply = `# Plan

First paragraph with a [link](https://example.com) and \`code\`.

- one
- two

\`\`\`ts src/a.ts
const a = 1;
const b = 2;
\`\`\`

| x | y |
|---|---|
| 1 | 2 |

Last paragraph, long enough to arrive in several pieces while the model is typing.
`;

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

describe('webview streaming markdown', () => {
  let dom: TestDom;
  before(() => (dom = installDom()));
  after(() => dom.restore());

  function setup(): { view: StreamingMarkdown; frames: ManualFrames; element: HTMLElement } {
    const frames = new ManualFrames();
    const element = document.createElement('div');
    const view = new StreamingMarkdown(element, recordPosts().post, frames.schedule);
    return { view, frames, element };
  }

  it('renders at most once per frame, however many deltas arrive', () => {
    const { view, frames, element } = setup();
    for (const delta of chunks('Hello there, how are you?', 2)) view.append(delta);
    assert.equal(frames.requests, 1);
    assert.equal(element.textContent, '', 'nothing is rendered before the frame');
    frames.run();
    assert.equal(element.textContent, 'Hello there, how are you?');
  });

  it('keeps the DOM nodes of earlier blocks while later text streams in', () => {
    const { view, frames, element } = setup();
    view.append('# Plan\n\nFirst paragraph.\n\n');
    frames.run();
    const heading = element.querySelector('h1');
    const first = element.querySelector('p');
    assert.ok(heading && first);
    for (const delta of chunks('Second paragraph grows word by word.\n\n- a\n- b\n\nThird paragraph.', 3)) {
      view.append(delta);
      frames.run();
      assert.equal(element.querySelector('h1'), heading, 'the heading node is never rebuilt');
      assert.equal(element.querySelector('p'), first, 'the first paragraph node is never rebuilt');
    }
    view.finish();
    assert.equal(element.querySelector('h1'), heading, 'the final pass keeps unchanged blocks too');
    assert.equal(element.querySelector('p'), first);
    assert.equal(element.querySelectorAll('p').length, 3);
  });

  it('updates a streaming code block in place and highlights it when the fence closes', () => {
    const { view, frames, element } = setup();
    view.append('Code:\n\n```js\nconst a');
    frames.run();
    const block = element.querySelector('.code-block') as HTMLElement;
    assert.ok(block.classList.contains('streaming'));
    assert.equal(block.querySelector('code span'), null, 'no highlighting while open');
    view.append(' = 1;\nlet b');
    frames.run();
    assert.equal(element.querySelector('.code-block'), block, 'same block element');
    assert.equal(block.querySelector('code')?.textContent, 'const a = 1;\nlet b');
    view.append(' = 2;\n```\n');
    frames.run();
    assert.equal(element.querySelector('.code-block'), block);
    assert.ok(!block.classList.contains('streaming'));
    assert.ok(block.querySelector('code span.hljs-keyword'), 'highlighted once closed');
  });

  it('ends with the same page as rendering the whole reply at once, for any chunking', () => {
    const whole = setup();
    whole.view.setText(reply, true);
    for (const size of [1, 3, 7, 50]) {
      const { view, frames, element } = setup();
      for (const [index, delta] of chunks(reply, size).entries()) {
        view.append(delta);
        if (index % 2 === 0) frames.run();
      }
      view.finish();
      assert.equal(element.innerHTML, whole.element.innerHTML, `chunk size ${size}`);
    }
  });

  it('applies a late link definition to text that streamed before it', () => {
    const { view, frames, element } = setup();
    view.append('See [the guide][g].\n\nMore text.\n\nAnd more.\n\n');
    frames.run();
    assert.equal(element.querySelector('[data-href]'), null);
    view.append('[g]: https://example.com/guide\n');
    view.finish();
    assert.equal(element.querySelector<HTMLElement>('[data-href]')?.dataset.href, 'https://example.com/guide');
  });

  it('reads CRLF line ends split across deltas as single line breaks', () => {
    const { view, element } = setup();
    view.append('a\r');
    view.append('\nb\r\n\r');
    view.append('\nc');
    view.finish();
    assert.equal(view.text, 'a\nb\n\nc');
    assert.equal(element.querySelectorAll('p').length, 2);
  });

  it('knows when a fence is closed', () => {
    assert.equal(isFenceClosed('```ts\ncode\n```'), true);
    assert.equal(isFenceClosed('```ts\ncode\n```\n'), true);
    assert.equal(isFenceClosed('````\n```\n'), false, 'a shorter fence does not close');
    assert.equal(isFenceClosed('~~~\ncode\n```'), false, 'the other fence character does not close');
    assert.equal(isFenceClosed('```ts\ncode'), false);
    assert.equal(isFenceClosed('```'), false);
  });

  it('stays cheap on a long reply: later frames do not re-render frozen blocks', () => {
    const { view, frames, element } = setup();
    const paragraphs = Array.from({ length: 300 }, (_, i) => `Paragraph ${i} with some words in it.\n\n`).join('');
    view.append(paragraphs);
    frames.run();
    const firstNodes = [...element.children].slice(0, 290);
    let created = 0;
    const original = document.createElement.bind(document);
    document.createElement = ((tag: string) => {
      created += 1;
      return original(tag);
    }) as typeof document.createElement;
    try {
      for (const delta of chunks('The end, arriving slowly.', 2)) {
        view.append(delta);
        frames.run();
      }
    } finally {
      document.createElement = original;
    }
    assert.ok(created < 40, `only the tail is rebuilt (${created} elements created)`);
    assert.ok(firstNodes.every((node, i) => element.children[i] === node));
    assert.equal(element.children.length, 301);
  });
});
