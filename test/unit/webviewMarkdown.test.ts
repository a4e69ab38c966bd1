import * as assert from 'node:assert/strict';
import { lexMarkdown, renderBlock } from '../../webview/render/markdown';
import { routeLinks, safeHref } from '../../webview/render/links';
import { installDom, recordPosts, type TestDom } from '../support/webviewDom';

/** Renders a whole reply the way a finished message is shown. */
function render(markdown: string): HTMLElement {
  const root = document.createElement('div');
  for (const token of lexMarkdown(markdown)) if (token.type !== 'space' && token.type !== 'def') root.append(renderBlock(token));
  return root;
}

const hostile = [
  '<script>alert(1)</script>',
  'text <script>alert(1)</script> inline',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)><circle r=1 /></svg>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="https://evil.example"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="evil.swf"></object><embed src="evil.swf">',
  '<style>body { display: none }</style>',
  '<div style="background:url(javascript:alert(1))">styled</div>',
  '<a href="javascript:alert(1)">raw</a>',
  '<a href="https://ok.example" onclick="alert(1)">raw with handler</a>',
  '<details open ontoggle=alert(1)>x</details>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<form action="https://evil.example"><input name=q><button>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=https://evil.example">',
  '<base href="https://evil.example/">',
  '<link rel="stylesheet" href="https://evil.example/x.css">',
  '<!-- <img src=x onerror=alert(1)> -->',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](java&#115;cript:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[click](java\tscript:alert(1))',
  '[click]( javascript:alert(1))',
  '[click](vbscript:msgbox(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](file:///etc/passwd)',
  '[click](//evil.example/path)',
  '[click](command:workbench.action.terminal.sendSequence)',
  '<javascript:alert(1)>',
  '[ref][x]\n\n[x]: javascript:alert(1)',
  '![img](https://tracker.example/p.gif)',
  '![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '![x" onerror="alert(1)](https://x.example/a.png)',
  '```html\n<script>alert(1)</script>\n```',
  '`<img src=x onerror=alert(1)>`',
  '| a |\n|---|\n| <img src=x onerror=alert(1)> |',
  '- <iframe src=x></iframe>\n- [x](javascript:alert(1))',
  '> <script>alert(1)</script>',
  '# <svg onload=alert(1)>',
  '<scr<script>ipt>alert(1)</script>',
];

const forbiddenTags = 'script, iframe, frame, object, embed, style, link, meta, base, form, svg, math, img, video, audio, source, template, button, textarea, select';

describe('webview markdown: sanitising hostile model output', () => {
  let dom: TestDom;
  before(() => (dom = installDom()));
  after(() => dom.restore());

  for (const input of hostile) {
    it(`neutralises ${JSON.stringify(input).slice(0, 70)}`, () => {
      const root = render(input);
      assert.equal(root.querySelectorAll(forbiddenTags).length, 0, root.innerHTML);
      for (const node of root.querySelectorAll('*')) {
        for (const attribute of node.attributes) {
          assert.ok(!/^on/i.test(attribute.name), `${node.tagName} has ${attribute.name}`);
          assert.ok(!['href', 'src', 'srcdoc', 'style', 'action', 'formaction', 'xlink:href'].includes(attribute.name), `${node.tagName} has ${attribute.name}`);
          assert.ok(!/javascript:|vbscript:|data:/i.test(attribute.value), `${node.tagName}[${attribute.name}]=${attribute.value}`);
        }
      }
      for (const link of root.querySelectorAll<HTMLElement>('[data-href]')) {
        assert.match(link.dataset.href ?? '', /^(https?:|mailto:)/, 'only web links survive');
      }
    });
  }

  it('shows raw HTML as the text it is', () => {
    const root = render('Use <b>bold</b> and <script>x()</script> here');
    assert.equal(root.textContent, 'Use <b>bold</b> and <script>x()</script> here');
    assert.equal(root.querySelector('b'), null);
  });

  it('turns links into host-routed elements without an href', () => {
    const root = render('See [the docs](https://example.com/a?b=1&amp;c=2 "Docs") and <https://x.example> or www.y.example.');
    const links = [...root.querySelectorAll<HTMLElement>('.md-link')];
    assert.deepEqual(links.map((l) => l.dataset.href), ['https://example.com/a?b=1&c=2', 'https://x.example', 'http://www.y.example']);
    for (const link of links) {
      assert.equal(link.getAttribute('href'), null);
      assert.equal(link.getAttribute('role'), 'link');
      assert.equal(link.tabIndex, 0);
    }
    assert.equal(links[0]?.textContent, 'the docs');
  });

  it('opens links through the host on click and Enter, never by navigating', () => {
    const { posts, post } = recordPosts();
    const root = render('[docs](https://example.com/docs) [file](src/app.ts)');
    document.body.append(root);
    routeLinks(root, post);
    const [web, file] = root.querySelectorAll<HTMLElement>('.md-link');
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    web?.dispatchEvent(click);
    assert.equal(click.defaultPrevented, true);
    file?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    assert.deepEqual(posts, [
      { type: 'openLink', payload: { href: 'https://example.com/docs' } },
      { type: 'openLink', payload: { href: 'src/app.ts' } },
    ]);
    assert.equal(dom.window.location.href, 'https://webview.test/');
    root.remove();
  });

  it('keeps the text of a refused link, marked as removed', () => {
    const root = render('[click me](javascript:alert(1))');
    const removed = root.querySelector('.md-link-removed');
    assert.equal(removed?.textContent, 'click me');
    assert.equal(root.querySelector('[data-href]'), null);
  });

  it('never loads images: they become labelled links', () => {
    const root = render('![chart](https://example.com/c.png) ![local](data:image/png;base64,AAAA)');
    assert.equal(root.querySelector('img'), null);
    const labels = [...root.querySelectorAll('.md-image')].map((n) => n.textContent);
    assert.deepEqual(labels, ['[image: chart]', '[image: local]']);
    assert.equal((root.querySelector('.md-image') as HTMLElement).dataset.href, 'https://example.com/c.png');
  });

  it('decides link safety by scheme, after entities and hidden characters', () => {
    assert.equal(safeHref('https://a.example'), 'https://a.example');
    assert.equal(safeHref('mailto:me@a.example'), 'mailto:me@a.example');
    assert.equal(safeHref('src/app.ts#L10'), 'src/app.ts#L10');
    for (const bad of ['javascript:x', ' JAVASCRIPT:x', 'java&#x73;cript:x', 'jav\u0000ascript:x', 'java\nscript:x', 'data:text/html,x', '//evil.example', '\\\\evil', '#top', '', 'vscode:extension/x', 'command:foo']) {
      assert.equal(safeHref(bad), undefined, JSON.stringify(bad));
    }
  });

  it('renders the markdown a coding reply uses', () => {
    const root = render('# Title\n\nSome **bold**, *em*, ~~gone~~ and `code` &amp; &copy;.\n\n1. one\n2. two\n\n- [x] done\n- [ ] todo\n\n> quote\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n---');
    assert.equal(root.querySelector('h1')?.textContent, 'Title');
    assert.equal(root.querySelector('strong')?.textContent, 'bold');
    assert.equal(root.querySelector('em')?.textContent, 'em');
    assert.equal(root.querySelector('del')?.textContent, 'gone');
    assert.equal(root.querySelector('code.md-inline-code')?.textContent, 'code');
    assert.match(root.querySelector('p')?.textContent ?? '', /& ©\.$/);
    assert.equal(root.querySelectorAll('ol li').length, 2);
    const boxes = [...root.querySelectorAll<HTMLInputElement>('ul input[type=checkbox]')];
    assert.deepEqual(boxes.map((b) => [b.checked, b.disabled]), [[true, true], [false, true]]);
    assert.equal(root.querySelector('blockquote')?.textContent?.trim(), 'quote');
    assert.equal(root.querySelector('td.align-right')?.textContent, '2');
    assert.ok(root.querySelector('hr'));
  });
});
