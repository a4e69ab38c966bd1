import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { pickVariant, type BuildVariant } from './buildVariants';
import { buildLlamaServer, findBuiltServer, type BuildProgress } from './llamaServerBuild';
import { llamaBundlePath } from './llamaSource';

const run = promisify(execFile);

export type BinarySource = 'setting' | 'shipped' | 'built' | 'path';

export interface ResolvedBinary {
  path: string;
  source: BinarySource;
  version: string;
}

/** Why no binary could be used; 'not-built' means building from the bundled source would fix it. */
export type BinaryProblem = 'bad-setting' | 'does-not-run' | 'not-built' | 'too-old' | 'not-found';

export class BinaryNotFoundError extends Error {
  constructor(
    message: string,
    readonly problem: BinaryProblem,
  ) {
    super(message);
    this.name = 'BinaryNotFoundError';
  }
}

export interface ResolveOptions {
  /** The user's engine.serverPath setting; wins when set. */
  configuredPath?: string;
  /** Root of the installed extension, where a VSIX may carry dist/bin/<platform>-<arch>/. */
  extensionRoot?: string;
  variant?: BuildVariant;
  cacheRoot?: string;
  /** Build from the bundled source when nothing else is found; the caller shows progress. */
  allowBuild?: boolean;
  onBuildProgress?: (progress: BuildProgress) => void;
  onBuildLog?: (line: string) => void;
  signal?: AbortSignal;
  /** Where to look for llama-server on PATH (tests pass their own). */
  envPath?: string;
}

const exe = process.platform === 'win32' ? 'llama-server.exe' : 'llama-server';

export function shippedServerPath(extensionRoot: string): string {
  return path.join(extensionRoot, 'dist', 'bin', `${process.platform}-${process.arch}`, exe);
}

/** `llama-server --version` prints e.g. "version: 1 (de3ff81)" on stderr. */
export async function serverVersion(binary: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(binary, ['--version'], { timeout: 15_000 });
    const match = /version:\s*(.+)/.exec(stderr + stdout);
    return match ? match[1].trim() : 'unknown';
  } catch (err) {
    throw new BinaryNotFoundError(`${binary} did not run (${(err as Error).message.split('\n')[0]}). Check that it is a llama-server built for this machine, with its shared libraries beside it.`, 'does-not-run');
  }
}

/** Gemma 4's drafter needs `--spec-type draft-mtp`; older servers lack it and cannot run our model set. */
async function supportsGemma4Drafting(binary: string): Promise<boolean> {
  try {
    const { stdout, stderr } = await run(binary, ['--help'], { timeout: 15_000, maxBuffer: 4 * 1024 * 1024 });
    return (stdout + stderr).includes('draft-mtp');
  } catch {
    return false;
  }
}

function findOnPath(envPath: string | undefined): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, exe);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds llama-server in this order: the configured path; a binary shipped in the VSIX; one
 * built from the bundled llama.cpp source (cached, or built now when allowed and the source
 * is present); llama-server on PATH if it supports Gemma 4 drafting.
 */
export async function resolveServerBinary(options: ResolveOptions = {}): Promise<ResolvedBinary> {
  if (options.configuredPath) {
    if (!fs.existsSync(options.configuredPath)) {
      throw new BinaryNotFoundError(`The configured llama-server "${options.configuredPath}" does not exist. Fix "gemmaAgent.engine.serverPath" or clear it to use the built-in engine.`, 'bad-setting');
    }
    return { path: options.configuredPath, source: 'setting', version: await serverVersion(options.configuredPath) };
  }
  if (options.extensionRoot) {
    const shipped = shippedServerPath(options.extensionRoot);
    if (fs.existsSync(shipped)) return { path: shipped, source: 'shipped', version: await serverVersion(shipped) };
  }
  const variant = options.variant ?? pickVariant();
  const built = findBuiltServer(variant, options.cacheRoot);
  if (built) return { path: built, source: 'built', version: await serverVersion(built) };

  // Absent in an installed VSIX, where node-llama-cpp is not beside us.
  const sourcePresent = llamaBundlePath() !== undefined;
  if (options.allowBuild && sourcePresent) {
    const bin = await buildLlamaServer({ variant, root: options.cacheRoot, signal: options.signal, onProgress: options.onBuildProgress, onLog: options.onBuildLog });
    return { path: bin, source: 'built', version: await serverVersion(bin) };
  }

  const onPath = findOnPath(options.envPath ?? process.env.PATH);
  if (onPath) {
    if (await supportsGemma4Drafting(onPath)) return { path: onPath, source: 'path', version: await serverVersion(onPath) };
    throw new BinaryNotFoundError(`${onPath} is too old for Gemma 4 (it lacks "--spec-type draft-mtp"). Update llama.cpp, or set "gemmaAgent.engine.serverPath" to a newer llama-server.`, 'too-old');
  }
  throw new BinaryNotFoundError(
    sourcePresent
      ? 'llama-server has not been built yet. Run "Gemma Agent: Start Engine" to build it (about 10 minutes), or "npm run engine:build".'
      : 'No llama-server found. Set "gemmaAgent.engine.serverPath" to a llama-server binary (llama.cpp with Gemma 4 support), or put one on PATH.',
    sourcePresent ? 'not-built' : 'not-found',
  );
}
