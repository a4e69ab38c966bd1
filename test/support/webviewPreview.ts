/**
 * Shows the built chat page (dist/webview.js + .css) in Chromium outside VS Code and takes
 * screenshots of it in the dark, light and high-contrast themes: a streamed markdown reply
 * with code, tool cards, attachments, @file completion, recording, the engine panel and
 * history, plus hostile markdown. The page runs under the real CSP from
 * extension/chat/core/webviewHtml.ts with a stand-in for acquireVsCodeApi; CSP violations, page
 * errors and any element that hostile output managed to create are reported.
 *
 *   node scripts/build.mjs && npx tsx test/support/webviewPreview.ts [outDir]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chatWebviewHtml } from '../../extension/chat/core/webviewHtml';
import type { HostMessage } from '../../webview/protocol';
import { themes, webviewDefaults, type ThemeName } from './webviewThemes';

const root = path.resolve(__dirname, '..', '..');
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'test-artifacts', 'webview'));
const origin = 'http://webview.preview';
const nonce = 'cHJldmlld25vbmNlcHJldmlld25vbmNl';

function thumbnail(): string {
  const png = new PNG({ width: 80, height: 50 });
  for (let y = 0; y < 50; y += 1) {
    for (let x = 0; x < 80; x += 1) {
      const i = (y * 80 + x) * 4;
      const bar = y < 8;
      png.data[i] = bar ? 60 : 30 + x;
      png.data[i + 1] = bar ? 60 : 90 + y;
      png.data[i + 2] = bar ? 70 : 160;
      png.data[i + 3] = 255;
    }
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

function wav(seconds: number): string {
  const rate = 16000;
  const samples = Math.floor(rate * seconds);
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0);
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write('WAVEfmt ', 8);
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(rate, 24);
  buffer.writeUInt32LE(rate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36);
  buffer.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i += 1) buffer.writeInt16LE(Math.round(Math.sin((i / rate) * 2 * Math.PI * 440) * 3000), 44 + i * 2);
  return `data:audio/wav;base64,${buffer.toString('base64')}`;
}

/** Stands in for the extension host: records what the page posts and answers @ lookups. */
const fakeHost = `
window.__posted = [];
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
const files = ['src/app.ts', 'src/api/client.ts', 'src/api/retry.ts', 'src/components/App.tsx', 'test/app.test.ts', 'README.md', 'package.json'];
let state;
window.acquireVsCodeApi = () => ({
  postMessage(message) {
    window.__posted.push(message);
    if (message.type === 'suggestFiles') {
      const q = message.payload.query.toLowerCase();
      setTimeout(() => window.postMessage({ type: 'fileSuggestions', payload: { requestId: message.payload.requestId, paths: files.filter((f) => f.toLowerCase().includes(q)) } }, '*'), 10);
    }
  },
  getState: () => state,
  setState: (s) => { state = s; },
});`;

function pageHtml(theme: ThemeName): string {
  const html = chatWebviewHtml({ cspSource: origin, nonce, scriptUri: `${origin}/webview.js`, styleUri: `${origin}/webview.css` });
  return html
    .replace('<html lang="en">', `<html lang="en" style="">`)
    .replace('<link rel="stylesheet"', `<link rel="stylesheet" href="${origin}/defaults.css">\n<link rel="stylesheet" href="${origin}/theme-${theme}.css">\n<link rel="stylesheet"`)
    .replace('<body>', `<body class="${themes[theme].bodyClass}">`)
    .replace(`<script nonce="${nonce}" src=`, `<script nonce="${nonce}">${fakeHost}</script>\n<script nonce="${nonce}" src=`);
}

async function open(theme: ThemeName, width = 400, height = 900, scale = 1): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: scale });
  page.on('pageerror', (error) => problems.push(`${theme}: page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`${theme}: a dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.route(`${origin}/**`, (route) => {
    const name = new URL(route.request().url()).pathname.slice(1);
    const type = name.endsWith('.js') ? 'text/javascript' : name.endsWith('.css') ? 'text/css' : 'text/html';
    if (name === 'index.html') return route.fulfill({ contentType: type, body: pageHtml(theme) });
    if (name === 'defaults.css') return route.fulfill({ contentType: type, body: webviewDefaults });
    const themeMatch = /^theme-(.+)\.css$/.exec(name);
    if (themeMatch) {
      const vars = themes[themeMatch[1] as ThemeName].vars;
      return route.fulfill({ contentType: type, body: `html { ${Object.entries(vars).map(([k, v]) => `${k}: ${v};`).join(' ')} }` });
    }
    const file = path.join(root, 'dist', name);
    if (!fs.existsSync(file)) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ contentType: type, body: fs.readFileSync(file) });
  });
  await page.goto(`${origin}/index.html`);
  await page.locator('.composer-input').waitFor();
  return page;
}

async function send(page: Page, ...messages: HostMessage[]): Promise<void> {
  await page.evaluate((list) => list.forEach((m) => window.postMessage(m, '*')), messages);
}

async function stream(page: Page, id: string, text: string, type: 'appendDelta' | 'reasoningDelta' = 'appendDelta', size = 12): Promise<void> {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  for (const delta of chunks) await send(page, { type, payload: { id, delta } });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(120);
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file });
  shots.push(file);
  const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  for (const violation of violations) problems.push(`${name}: CSP blocked ${violation}`);
}

const reply = `Here is a debounced search box. The **key** is to cancel the previous timer on every keystroke, see [MDN setTimeout](https://developer.mozilla.org/docs/Web/API/setTimeout).

1. Keep the timer id in a closure.
2. Clear it before scheduling again.

\`\`\`ts src/search/debounce.ts
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms = 200) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A): void => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms); // only the last call runs
  };
}
\`\`\`

| Option | Default |
|---|---:|
| \`ms\` | 200 |

> Tip: use \`leading: true\` when the first call should run at once.
`;

const diff = `--- a/src/search/box.ts
+++ b/src/search/box.ts
@@ -1,6 +1,7 @@
 import { search } from './api';
+import { debounce } from './debounce';

-input.addEventListener('input', () => search(input.value));
+const run = debounce(() => search(input.value), 250);
+input.addEventListener('input', run);
 export {};`;

const hostile = `<script>alert('x')</script>

<img src=x onerror="alert(1)"> <svg onload=alert(2)><script>alert(3)</script></svg>

<iframe src="https://example.com"></iframe> <style>body{display:none}</style>

Links: [click](javascript:alert(4)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==) [ent](java&#115;cript:alert(6))

Image: ![pixel](https://tracker.example/p.gif) <a href="javascript:alert(7)" onclick="alert(8)">raw link</a>

Inline: <details open ontoggle=alert(9)>x</details> <math><mtext><table><mglyph><style><img src=x onerror=alert(10)>

<form action="https://evil.example"><button>go</button></form> <meta http-equiv="refresh" content="0;url=https://evil.example">

`;

let browser: Browser;
const problems: string[] = [];
const shots: string[] = [];
const image = thumbnail();

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

async function conversation(theme: ThemeName, closeUps = false): Promise<void> {
  const p = await open(theme, 400, 1180, closeUps ? 2 : 1);
  await send(
    p,
    { type: 'engineState', payload: { status: 'ready', model: 'gemma-4-12B-it-Q4_K_M.gguf', detail: 'images, voice, tools · MTP drafting' } },
    { type: 'restore', payload: { messages: [] } },
    { type: 'appendMessage', payload: { id: 'u1', role: 'user', text: 'Debounce the search box in @src/search/box.ts', attachments: [{ id: 'a1', kind: 'image', label: 'Screenshot 1280×800', tokens: 256, thumbnail: image }, { id: 'a2', kind: 'selection', label: 'box.ts:1-6', tokens: 48 }] } },
    { type: 'busy', payload: { busy: true } },
    { type: 'appendMessage', payload: { id: 'r1', role: 'assistant', text: '' } },
  );
  await stream(p, 'r1', 'The user wants a debounce. The input handler calls search on every keystroke; wrap it.', 'reasoningDelta');
  await stream(p, 'r1', reply);
  await send(
    p,
    { type: 'endMessage', payload: { id: 'r1' } },
    { type: 'stats', payload: { id: 'r1', stats: { tokensPerSecond: 38.4, outputTokens: 214, draftAcceptance: 0.63, contextUsed: 3210, contextSize: 16384 } } },
    { type: 'toolCall', payload: { id: 'c1', messageId: 'r1', name: 'edit_file', title: 'Edit src/search/box.ts', category: 'edit', state: 'pending-approval', detail: diff, path: 'src/search/box.ts' } },
    { type: 'toolCall', payload: { id: 'c2', messageId: 'r1', name: 'run_command', title: 'Run npm test', category: 'command', state: 'running', detail: 'npm test -- --grep search' } },
    { type: 'toolOutput', payload: { id: 'c2', chunk: '> gemma-agent@0.1.0 test\n> mocha --grep search\n\n  search box\n    ✓ debounces input (251ms)\n' } },
    { type: 'attachmentAdded', payload: { id: 'p1', kind: 'image', label: 'Pasted image', tokens: 280, thumbnail: image, detail: 'Scaled to 768×480' } },
    { type: 'attachmentAdded', payload: { id: 'p2', kind: 'audio', label: 'Voice', seconds: 3, tokens: 75, audio: wav(0.3) } },
  );
  await p.locator('.composer-input').fill('Also add a test for the trailing call');
  if (!closeUps) {
    await shot(p, `conversation-${theme}`);
    return p.close();
  }
  // Close-ups at twice the pixels: thinking opened, a code button focused, each part alone.
  await p.locator('.reasoning-summary').click();
  await p.locator('.code-insert').focus();
  for (const [selector, name] of [['.message-assistant', 'reply'], ['.code-block', 'code-block'], ['.tool-card', 'tool-card'], ['.composer-area', 'composer']] as const) {
    await p.locator(selector).first().scrollIntoViewIfNeeded();
    const file = path.join(outDir, `closeup-${name}-${theme}.png`);
    await p.locator(selector).first().screenshot({ path: file });
    shots.push(file);
  }
  await p.close();
}

async function toolStates(): Promise<void> {
  const p = await open('dark', 400, 760);
  await send(
    p,
    { type: 'engineState', payload: { status: 'ready', model: 'gemma-4-12B-it-Q4_K_M.gguf', detail: 'images, voice, tools · MTP drafting' } },
    { type: 'restore', payload: { messages: [{ id: 'r1', role: 'assistant', text: 'I will run the tests and fix the failing one.' }] } },
    { type: 'toolCall', payload: { id: 'c1', messageId: 'r1', name: 'run_command', title: 'Run npm test', category: 'command', state: 'pending-approval', detail: 'npm test' } },
    { type: 'toolCall', payload: { id: 'c2', messageId: 'r1', name: 'read_file', title: 'Read src/app.ts', category: 'read', state: 'done', result: '120 lines' } },
    { type: 'toolCall', payload: { id: 'c3', messageId: 'r1', name: 'run_command', title: 'Run rm -rf build', category: 'command', state: 'denied', detail: 'rm -rf build', result: 'Denied by you' } },
    { type: 'toolCall', payload: { id: 'c4', messageId: 'r1', name: 'run_command', title: 'Run npm run lint', category: 'command', state: 'failed', detail: 'npm run lint', result: 'exit 1: 2 problems', output: "src/app.ts\n  12:7  error  'x' is assigned a value but never used\n" } },
    { type: 'appendMessage', payload: { id: 'e1', role: 'error', text: 'The engine stopped while answering (exit code 139). Its log has the details.', retryable: true } },
  );
  await p.locator('.tool-approve').first().focus();
  await shot(p, 'tools-dark');
  await p.close();
}

async function composer(): Promise<void> {
  const p = await open('dark', 400, 560);
  await send(p, { type: 'engineState', payload: { status: 'ready', model: 'gemma-4-12B-it-Q4_K_M.gguf' } }, { type: 'restore', payload: { messages: [] } });
  const input = p.locator('.composer-input');
  await input.click();
  await input.pressSequentially('Look at @api', { delay: 5 });
  // Wait for the answer to the last query ("api"), not an earlier one.
  await p.waitForFunction(() => document.querySelectorAll('.mention-option').length === 2);
  await input.press('ArrowDown');
  await shot(p, 'mentions-dark');
  await input.press('Enter');
  await send(
    p,
    { type: 'recording', payload: { state: 'recording', seconds: 7, level: 0.55, maxSeconds: 30 } },
    { type: 'notice', payload: { level: 'warning', text: 'No recorder found: install sox (apt install sox) or set gemmaAgent.voice.recorderCommand.' } },
  );
  await shot(p, 'recording-dark');
  await p.close();
}

async function engineStates(): Promise<void> {
  const states: HostMessage[] = [
    { type: 'engineState', payload: { status: 'not-configured', detail: 'Download the recommended model (hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M, 7.3 GB) or choose a .gguf file.' } },
    { type: 'engineState', payload: { status: 'starting', model: 'gemma-4-12B-it-Q4_K_M.gguf', detail: 'Loading the model: 4.1 of 7.3 GB', progress: 0.56 } },
    { type: 'engineState', payload: { status: 'failed', model: 'gemma-4-12B-it-Q4_K_M.gguf', detail: 'llama-server exited with code 1: not enough memory for a 16384-token context (needs 9.8 GB, 6.1 GB free).' } },
  ];
  for (const [index, state] of states.entries()) {
    const p = await open(index === 2 ? 'light' : 'dark', 400, 420);
    await send(p, state, { type: 'restore', payload: { messages: [] } });
    await shot(p, `engine-${state.type === 'engineState' ? state.payload.status : index}`);
    await p.close();
  }
}

async function history(): Promise<void> {
  const p = await open('light', 400, 520);
  await send(p, { type: 'engineState', payload: { status: 'ready', model: 'gemma-4-12B-it-Q4_K_M.gguf' } }, { type: 'restore', payload: { messages: [{ id: 'u1', role: 'user', text: 'Why does the parser drop trailing commas?' }, { id: 'r1', role: 'assistant', text: 'Because `parseList` stops at the first `,` followed by `]`.' }], chatId: 'h1' } });
  await p.locator('.toolbar-history').click();
  const now = Date.now();
  await send(p, {
    type: 'history',
    payload: {
      currentId: 'h1',
      chats: [
        { id: 'h1', title: 'Why does the parser drop trailing commas?', updated: now - 60_000 },
        { id: 'h2', title: 'Debounce the search box', updated: now - 3 * 3600_000 },
        { id: 'h3', title: 'Screenshot to code: settings page', updated: now - 30 * 3600_000 },
        { id: 'h4', title: 'Explain the retry logic in src/api/client.ts and suggest better backoff', updated: now - 6 * 86400_000 },
      ],
    },
  });
  await p.keyboard.press('ArrowDown');
  await shot(p, 'history-light');
  await p.close();
}

async function hostileOutput(): Promise<void> {
  const p = await open('dark', 400, 700);
  await send(p, { type: 'engineState', payload: { status: 'ready', model: 'gemma-4-12B-it-Q4_K_M.gguf' } }, { type: 'restore', payload: { messages: [] } }, { type: 'appendMessage', payload: { id: 'r1', role: 'assistant', text: '' } });
  await stream(p, 'r1', hostile, 'appendDelta', 7);
  await send(p, { type: 'endMessage', payload: { id: 'r1' } });
  await p.waitForTimeout(200);
  const found = await p.evaluate(() => {
    const text = document.querySelector('.message-assistant .message-text') as HTMLElement;
    const bad = [...text.querySelectorAll('script, iframe, object, embed, style, link, meta, base, form, svg, math, img, audio, video')].map((n) => n.tagName);
    for (const node of text.querySelectorAll('*')) {
      for (const attr of node.attributes) if (/^on/i.test(attr.name) || ['href', 'src', 'style', 'action', 'srcdoc'].includes(attr.name)) bad.push(`${node.tagName}[${attr.name}]`);
    }
    for (const link of text.querySelectorAll<HTMLElement>('[data-href]')) if (!/^(https?:|mailto:)/.test(link.dataset.href ?? '')) bad.push(`data-href=${link.dataset.href}`);
    return bad;
  });
  if (found.length > 0) problems.push(`hostile markdown left: ${found.join(', ')}`);
  await p.locator('.md-link').first().click();
  const posted = await p.evaluate(() => (window as unknown as { __posted: { type: string; payload: { href?: string } }[] }).__posted.filter((m) => m.type === 'openLink'));
  if (posted.length !== 1 || posted[0]?.payload.href !== 'https://tracker.example/p.gif') problems.push(`link click posted ${JSON.stringify(posted)}`);
  if (p.url() !== `${origin}/index.html`) problems.push(`the page navigated to ${p.url()}`);
  await shot(p, 'hostile-dark');
  await p.close();
}

async function main(): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  browser = await launch();
  try {
    for (const theme of ['dark', 'light', 'high-contrast'] as const) await conversation(theme);
    await conversation('dark', true);
    await toolStates();
    await composer();
    await engineStates();
    await history();
    await hostileOutput();
  } finally {
    await browser.close();
  }
  for (const file of shots) console.log(file);
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exitCode = 1;
  }
}

void main();
