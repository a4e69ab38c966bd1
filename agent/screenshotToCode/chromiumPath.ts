import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ScreenshotToCodeError } from './errors';

export interface FindChromiumOptions {
  /** The browser the user chose; when set it is the only one tried. */
  configuredPath?: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Replaces the executable check, for tests. */
  isExecutable?: (file: string) => Promise<boolean>;
}

/**
 * Finds a Chrome or Chromium binary to render pages with: the configured path, then
 * `CHROME_PATH`, the usual install locations of the platform, then the names on PATH.
 * A configured path that is wrong is an error of its own rather than a silent fallback,
 * so the user learns their choice is not used.
 */
export async function findChromium(options: FindChromiumOptions = {}): Promise<string> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const isExecutable = options.isExecutable ?? defaultIsExecutable(platform);

  const configured = options.configuredPath?.trim();
  if (configured) {
    if (await isExecutable(configured)) return configured;
    throw new ScreenshotToCodeError(
      'bad-chromium-path',
      `The browser path ${configured} names no runnable program; it must be a Chrome or Chromium binary.`,
      { facts: { path: configured } },
    );
  }

  const tried = chromiumCandidates(platform, env);
  for (const candidate of tried) {
    if (await isExecutable(candidate)) return candidate;
  }
  throw new ScreenshotToCodeError(
    'no-chromium',
    'No Chrome or Chromium was found to render the generated page, so it cannot be checked against the screenshot. ' +
      `Looked for: ${tried.slice(0, 6).join(', ')}${tried.length > 6 ? ', ...' : ''}.`,
  );
}

/** Places to look, most specific first. */
export function chromiumCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  const candidates: string[] = [];
  if (env.CHROME_PATH) candidates.push(env.CHROME_PATH);
  if (platform === 'darwin') {
    const apps = ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium'];
    for (const app of apps) candidates.push(`/Applications/${app}`);
    if (env.HOME) for (const app of apps) candidates.push(path.posix.join(env.HOME, 'Applications', app));
  } else if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    for (const root of roots) candidates.push(path.win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'));
    if (env.LOCALAPPDATA) candidates.push(path.win32.join(env.LOCALAPPDATA, 'Chromium', 'Application', 'chrome.exe'));
    // Edge is Chromium and ships with Windows; its headless screenshot takes the same flags.
    for (const root of roots.slice(0, 2)) candidates.push(path.win32.join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe'));
  } else {
    candidates.push('/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium');
  }
  const names = platform === 'win32' ? ['chrome.exe', 'msedge.exe'] : ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  const p = platform === 'win32' ? path.win32 : path.posix;
  const dirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':').filter((d) => d !== '');
  for (const dir of dirs) for (const name of names) candidates.push(p.join(dir, name));
  return [...new Set(candidates)];
}

function defaultIsExecutable(platform: NodeJS.Platform): (file: string) => Promise<boolean> {
  return async (file) => {
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) return false;
      // Windows has no execute bit; existing is what counts there.
      if (platform !== 'win32') await fs.access(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
}
