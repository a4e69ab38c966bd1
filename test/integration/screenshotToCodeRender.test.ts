import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { renderHtmlToPng, ScreenshotToCodeError } from '../../agent/screenshotToCode';
import { near, rejectsWithCode } from '../support/asserts';
import { skipWithoutChromium } from '../support/chromium';
import { tempDir } from '../support/files';

const CARD = path.join(__dirname, '..', 'fixtures', 'screenshots', 'card');
const rejectsWith = rejectsWithCode(ScreenshotToCodeError);

function pixel(png: Buffer, x: number, y: number): number[] {
  const image = PNG.sync.read(png);
  const i = (y * image.width + x) * 4;
  return [image.data[i], image.data[i + 1], image.data[i + 2]];
}

async function renderDirs(): Promise<string[]> {
  return (await fs.readdir(os.tmpdir())).filter((name) => name.startsWith('gemma-agent-render-'));
}

/** The temporary folder a render just made, once its browser has started with it. */
async function newRenderDir(before: string[]): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const fresh = (await renderDirs()).filter((name) => !before.includes(name));
    if (fresh.length === 1 && renderProcesses(fresh).length > 0) return fresh[0];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no render started within 5 s');
}

function renderProcesses(dirs: string[]): string[] {
  const table = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return table.split('\n').filter((line) => dirs.some((dir) => line.includes(dir)));
}

describe('screenshot to code: rendering with headless Chromium', function () {
  this.timeout(60_000);
  let dir: string;

  before(async function () {
    if (process.platform === 'win32') this.skip();
    await skipWithoutChromium(this);
    dir = tempDir('gemma-agent-s2c-test-');
  });

  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('renders a page folder to a PNG of the window size with the page colours', async () => {
    const before = await renderDirs();
    const started = performance.now();
    const png = await renderHtmlToPng({ page: CARD, width: 320, height: 240 });
    const ms = performance.now() - started;
    const image = PNG.sync.read(png);
    assert.deepEqual([image.width, image.height], [320, 240]);
    near(pixel(png, 300, 10), [0x1e, 0x3c, 0xa0]); // header bar, right of its text
    near(pixel(png, 20, 145), [0xdc, 0x3c, 0x28]); // button, below its label
    near(pixel(png, 250, 200), [0xeb, 0xeb, 0xeb]); // panel
    near(pixel(png, 160, 230), [255, 255, 255]); // page background
    assert.ok(ms < 20_000, `render took ${ms.toFixed(0)} ms`);
    assert.deepEqual(await renderDirs(), before, 'the temporary profile is removed');
  });

  it('renders an HTML file given directly, at another size', async () => {
    const file = path.join(dir, 'green.html');
    await fs.writeFile(file, '<!doctype html><html><body style="margin:0;background:rgb(10,200,30)"></body></html>');
    const png = await renderHtmlToPng({ page: file, width: 200, height: 120 });
    assert.deepEqual([PNG.sync.read(png).width, PNG.sync.read(png).height], [200, 120]);
    near(pixel(png, 100, 60), [10, 200, 30]);
  });

  it('keeps the page off the network', async () => {
    const file = path.join(dir, 'remote.html');
    // The stylesheet would paint the page black if it loaded; offline it must not even be tried.
    await fs.writeFile(file, '<!doctype html><link rel="stylesheet" href="https://example.com/black.css"><body style="margin:0">');
    const png = await renderHtmlToPng({ page: file, width: 100, height: 100, timeoutMs: 20_000 });
    near(pixel(png, 50, 50), [255, 255, 255]);
  });

  it('stops a page that never finishes loading, and leaves no browser behind', async () => {
    const file = path.join(dir, 'loop.html');
    await fs.writeFile(file, '<!doctype html><body><script>for (;;) {}</script></body>');
    const before = await renderDirs();
    const started = performance.now();
    const rendering = renderHtmlToPng({ page: file, width: 100, height: 100, timeoutMs: 1500 });
    const workDir = await newRenderDir(before);
    assert.ok(renderProcesses([workDir]).length > 0, 'the browser runs with its own profile');
    await rejectsWith(rendering, 'render-timeout', /longer than 2 s/);
    assert.ok(performance.now() - started < 10_000);
    assert.deepEqual(await renderDirs(), before, 'the temporary profile is removed');
    assert.deepEqual(renderProcesses([workDir]), [], 'every browser process is gone');
  });

  it('can be cancelled, and leaves no browser behind', async () => {
    const file = path.join(dir, 'loop2.html');
    await fs.writeFile(file, '<!doctype html><body><script>for (;;) {}</script></body>');
    const before = await renderDirs();
    const controller = new AbortController();
    const rendering = renderHtmlToPng({ page: file, width: 100, height: 100, signal: controller.signal });
    const workDir = await newRenderDir(before);
    controller.abort();
    await assert.rejects(rendering, { name: 'AbortError' });
    assert.deepEqual(renderProcesses([workDir]), []);
  });

  it('says what is missing when there is no page', async () => {
    await rejectsWith(renderHtmlToPng({ page: path.join(dir, 'nothing'), width: 10, height: 10 }), 'no-page', /write the generated files first/);
    await rejectsWith(renderHtmlToPng({ page: dir, width: 10, height: 10 }), 'no-page', /has no index\.html/);
    await assert.rejects(renderHtmlToPng({ page: CARD, width: 0, height: 10 }), RangeError);
  });
});
