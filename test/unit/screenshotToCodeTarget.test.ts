import { strict as assert } from 'node:assert';
import {
  buildFixMessages,
  buildGenerateMessages,
  detectTarget,
  parseGeneratedFiles,
  type ScreenshotImage,
} from '../../agent/screenshotToCode';
import type { ChatMessage, ContentPart } from '../../engine/protocol';

const SHOT: ScreenshotImage = { dataUrl: 'data:image/png;base64,AAAA', width: 640, height: 400, originalWidth: 1280, originalHeight: 800 };
const RENDER: ScreenshotImage = { dataUrl: () => 'data:image/png;base64,BBBB', width: 640, height: 400 };

function userParts(messages: ChatMessage[]): ContentPart[] {
  const user = messages.find((m) => m.role === 'user');
  assert.ok(user && Array.isArray(user.content), 'expected a user message with content parts');
  return user.content;
}

function allText(messages: ChatMessage[]): string {
  const texts: string[] = [];
  for (const m of messages) {
    if (typeof m.content === 'string') texts.push(m.content);
    else if (Array.isArray(m.content)) for (const p of m.content) if (p.type === 'text') texts.push(p.text);
  }
  return texts.join('\n');
}

describe('screenshot to code: target detection', () => {
  it('chooses plain HTML when there is no package.json or no framework', () => {
    const plain = detectTarget({ files: ['README.md'] });
    assert.deepEqual(
      { target: plain.target, markup: plain.markupPath, style: plain.stylePath, render: plain.headlessRender, note: plain.note },
      { target: 'html', markup: 'index.html', style: 'styles.css', render: true, note: undefined },
    );
    assert.equal(detectTarget({ packageJson: { dependencies: { express: '^5' } }, files: [] }).target, 'html');
  });

  it('chooses React when react is a dependency, in TSX when the project uses TypeScript', () => {
    const js = detectTarget({ packageJson: { dependencies: { react: '^19', 'react-dom': '^19' } }, files: ['src/main.jsx'] });
    assert.equal(js.target, 'react');
    assert.equal(js.markupPath, 'src/ScreenshotView.jsx');
    assert.equal(js.stylePath, 'src/ScreenshotView.css');
    assert.equal(js.headlessRender, false);
    assert.match(js.note ?? '', /preview only/);

    const ts = detectTarget({
      packageJson: { peerDependencies: { react: '*' }, devDependencies: { typescript: '^5' } },
      files: ['src/components/Button.tsx', 'tsconfig.json'],
    });
    assert.equal(ts.markupPath, 'src/components/ScreenshotView.tsx');

    assert.equal(detectTarget({ packageJson: { dependencies: { react: '^19' } }, files: ['App.jsx'] }).markupPath, 'ScreenshotView.jsx');
  });

  it('falls back to plain HTML for Vue, Svelte and Angular, and says so', () => {
    for (const [pkg, name] of [
      ['vue', 'Vue'],
      ['svelte', 'Svelte'],
      ['@angular/core', 'Angular'],
    ]) {
      const plan = detectTarget({ packageJson: { dependencies: { [pkg]: '1' } }, files: [] });
      assert.equal(plan.target, 'html', pkg);
      assert.match(plan.note ?? '', new RegExp(`uses ${name}.*plain HTML and CSS`), pkg);
    }
  });

  it('ignores a malformed package.json', () => {
    assert.equal(detectTarget({ packageJson: { dependencies: ['react'] }, files: [] }).target, 'html');
  });
});

describe('screenshot to code: prompts', () => {
  it('sends the screenshot as an image part and asks for the fenced format with the target paths', () => {
    const messages = buildGenerateMessages(SHOT, 'html', 'Use a dark footer.');
    assert.equal(messages[0].role, 'system');
    const images = userParts(messages).filter((p) => p.type === 'image_url');
    assert.deepEqual(images, [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }]);
    const text = allText(messages);
    assert.match(text, /1280x800/, 'the page size is the original screenshot size');
    assert.match(text, /```html path=index\.html/);
    assert.match(text, /```css path=styles\.css/);
    assert.match(text, /Use a dark footer\./);
    assert.match(text, /no external resources/i);
  });

  it('asks React targets for a default-exported component and its stylesheet', () => {
    const plan = detectTarget({ packageJson: { dependencies: { react: '1', typescript: '5' } }, files: ['src/x.ts'] });
    const text = allText(buildGenerateMessages(SHOT, plan));
    assert.match(text, /React function component, exported as default from src\/ScreenshotView\.tsx/);
    assert.match(text, /```tsx path=src\/ScreenshotView\.tsx/);
  });

  it('shows the render next to the screenshot with the current files and the score', () => {
    const files = [
      { path: 'index.html', content: '<!doctype html><link rel="stylesheet" href="styles.css">\n' },
      { path: 'styles.css', content: 'body { background: red; }\n' },
    ];
    const messages = buildFixMessages(SHOT, RENDER, files, 0.8123, { userNote: 'keep it simple' });
    const parts = userParts(messages);
    const images = parts.filter((p) => p.type === 'image_url').map((p) => (p.type === 'image_url' ? p.image_url.url : ''));
    assert.deepEqual(images, ['data:image/png;base64,AAAA', 'data:image/png;base64,BBBB']);
    const text = allText(messages);
    assert.match(text, /0\.812/);
    assert.match(text, /keep it simple/);
    // The files shown are in the same format the model must answer in, so they parse back.
    const shown = text.slice(text.indexOf('Your current files:'), text.indexOf('Visual similarity'));
    assert.deepEqual(parseGeneratedFiles(shown), files);
  });
});
