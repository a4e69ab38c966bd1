import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { abortError } from '../../engine/errors';
import { findChromium } from './chromiumPath';
import { ScreenshotToCodeError } from './errors';

/**
 * Renders a static page to PNG with Chromium's own headless screenshot, so the product
 * needs no browser-automation library. Only plain HTML (and JS it loads from files) can be
 * rendered this way: a React component needs the project's build first, so React targets
 * get the webview preview without a score unless they build to static HTML.
 */

export interface RenderHtmlOptions {
  /** An HTML file, or a folder holding index.html. */
  page: string;
  /** Browser window size in CSS pixels; the PNG has exactly this size. */
  width: number;
  height: number;
  /** The browser the user chose; empty or absent: look for an installed browser. */
  chromiumPath?: string;
  /** Default 30 s; the browser and everything it started are killed when it passes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Let the page reach the network (default false). Off, every host name fails to resolve,
   * so a render never sends anything anywhere and never waits on an unreachable CDN.
   */
  allowNetwork?: boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const STDERR_TAIL_CHARS = 2000;
/** Chromium logs these on every headless start on machines without a desktop session. */
const NOISE = /dbus|Fontconfig|GPU process|gles2|viz_main|sandbox/i;

export async function renderHtmlToPng(options: RenderHtmlOptions): Promise<Buffer> {
  const { width, height } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 16384 || height > 16384) {
    throw new RangeError(`The render size must be whole pixels from 1 to 16384, got ${width}x${height}.`);
  }
  options.signal?.throwIfAborted();
  const page = await resolvePage(options.page);
  const chromium = await findChromium({ configuredPath: options.chromiumPath });

  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gemma-agent-render-'));
  try {
    const output = path.join(workDir, 'screenshot.png');
    const args = [
      '--headless',
      `--screenshot=${output}`,
      `--window-size=${width},${height}`,
      '--hide-scrollbars',
      // HiDPI screens would otherwise double the PNG's size.
      '--force-device-scale-factor=1',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--mute-audio',
      `--user-data-dir=${path.join(workDir, 'profile')}`,
      ...(options.allowNetwork ? [] : ['--host-resolver-rules=MAP * ~NOTFOUND']),
      pathToFileURL(page).href,
    ];
    // Chromium's crash handler would otherwise keep a database in the user's own profile folder.
    const env = { ...process.env, BREAKPAD_DUMP_LOCATION: path.join(workDir, 'crashes') };
    const run = await runBrowser(chromium, args, env, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal);
    let png: Buffer | undefined;
    try {
      png = await fs.readFile(output);
    } catch {
      png = undefined;
    }
    if (!png || png.length === 0) {
      throw new ScreenshotToCodeError(
        'render-failed',
        `${chromium} ended (${run.exit}) without writing a screenshot of ${page}.` +
          (run.stderr ? ` Its last words: ${run.stderr}` : '') +
          ' Check that it starts from a terminal with the same flags, or use another browser.',
        { facts: { browser: chromium } },
      );
    }
    return png;
  } finally {
    // Chromium may still be flushing its profile as it exits; retries cover that.
    await fs.rm(workDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

async function resolvePage(page: string): Promise<string> {
  const absolute = path.resolve(page);
  let stat;
  try {
    stat = await fs.stat(absolute);
  } catch {
    throw new ScreenshotToCodeError('no-page', `There is no page to render at ${absolute}: write the generated files first.`);
  }
  if (!stat.isDirectory()) return absolute;
  const index = path.join(absolute, 'index.html');
  try {
    await fs.access(index);
  } catch {
    throw new ScreenshotToCodeError('no-page', `${absolute} has no index.html to render. Generate plain HTML there, or pass the HTML file itself.`);
  }
  return index;
}

interface BrowserRun {
  exit: string;
  stderr: string;
}

function runBrowser(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<BrowserRun> {
  return new Promise<BrowserRun>((resolve, reject) => {
    const windows = process.platform === 'win32';
    // Its own process group, so a timeout ends the renderer and GPU helpers too, not just the parent.
    const child = spawn(command, args, { env, detached: !windows, stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8 * STDERR_TAIL_CHARS);
    });

    let stopReason: Error | undefined;
    const stop = (reason: Error): void => {
      if (stopReason) return;
      stopReason = reason;
      killTree(child.pid, windows);
    };
    const timer = setTimeout(() => {
      stop(
        new ScreenshotToCodeError(
          'render-timeout',
          `Rendering the page took longer than ${Math.round(timeoutMs / 1000)} s and was stopped. ` +
            'A script in the page may loop forever or wait on something that never comes; simplify the page or raise the time limit.',
        ),
      );
    }, timeoutMs);
    const onAbort = (): void => stop(abortError('Rendering the page was cancelled.'));
    signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (err) => {
      finish();
      reject(
        new ScreenshotToCodeError('render-failed', `Could not start ${command}: ${err.message}.`, { cause: err, facts: { browser: command } }),
      );
    });
    child.once('close', (code, sig) => {
      finish();
      if (stopReason) {
        reject(stopReason);
        return;
      }
      resolve({ exit: sig ? `signal ${sig}` : `exit code ${code}`, stderr: usefulTail(stderr) });
    });
  });
}

function killTree(pid: number | undefined, windows: boolean): void {
  if (pid === undefined) return;
  try {
    if (windows) spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    else process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function usefulTail(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !NOISE.test(line) && !/bytes written to file/.test(line));
  return lines.join(' | ').slice(-STDERR_TAIL_CHARS);
}
