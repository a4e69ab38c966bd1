import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { cacheRoot } from '../cachePaths';

const run = promisify(execFile);

/**
 * The llama.cpp commit that node-llama-cpp pins and ships as a git bundle. Gemma 4's
 * architectures (gemma4, gemma4-assistant, gemma4uv, gemma4ua) exist at this commit,
 * so the engine we build and the chat template we read come from the same source.
 */
export const LLAMA_CPP_COMMIT = 'de3ff815ea7d559ee917f063901b8986f038abc6';

/**
 * Where node-llama-cpp keeps the bundled llama.cpp source (present in development installs),
 * or undefined when the package is not installed beside us (an installed VSIX). The package
 * folder is found through Node's lookup paths rather than require.resolve, because its
 * "exports" map hides package.json and its entry point is ESM only.
 */
export function llamaBundlePath(from: string = __dirname): string | undefined {
  const lookup = require.resolve.paths('node-llama-cpp') ?? [];
  const dirs = [...nodeModulesAbove(from), ...lookup];
  for (const dir of dirs) {
    const bundle = path.join(dir, 'node-llama-cpp', 'llama', 'gitRelease.bundle');
    if (fs.existsSync(path.join(dir, 'node-llama-cpp', 'package.json'))) return fs.existsSync(bundle) ? bundle : undefined;
  }
  return undefined;
}

function nodeModulesAbove(start: string): string[] {
  const out: string[] = [];
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    out.push(path.join(dir, 'node_modules'));
    if (path.dirname(dir) === dir) return out;
  }
}

export function llamaSourceDir(root: string = cacheRoot()): string {
  return path.join(root, 'llama.cpp', LLAMA_CPP_COMMIT, 'src');
}

/**
 * Clones the bundled llama.cpp source once into the cache and returns its path.
 * Offline: the bundle is part of the node-llama-cpp npm package.
 */
export async function ensureLlamaSource(root: string = cacheRoot()): Promise<string> {
  const dir = llamaSourceDir(root);
  if (fs.existsSync(path.join(dir, 'CMakeLists.txt'))) return dir;
  const bundle = llamaBundlePath();
  if (bundle === undefined) {
    throw new Error('The llama.cpp source bundle (node-llama-cpp/llama/gitRelease.bundle) is not installed. Run "npm install" in the project first.');
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  await run('git', ['clone', '--quiet', bundle, tmp]);
  await run('git', ['-C', tmp, 'checkout', '--quiet', LLAMA_CPP_COMMIT]);
  // Rename last so an interrupted clone is never mistaken for a complete one.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return dir;
}

/** The official Gemma 4 chat template, read from the bundled source (not copied into the project). */
export async function readGemma4ChatTemplate(root: string = cacheRoot()): Promise<string> {
  const dir = await ensureLlamaSource(root);
  return fs.readFileSync(path.join(dir, 'models', 'templates', 'google-gemma-4-31B-it.jinja'), 'utf8');
}
