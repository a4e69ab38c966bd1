import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCacheRoot, cacheRoot } from '../cachePaths';
import { CodedError } from '../errors';
import { buildKey, cmakeFlags, type BuildVariant } from './buildVariants';
import { ensureLlamaSource, LLAMA_CPP_COMMIT } from './llamaSource';
import { serverExecutable } from './serverProbe';

export interface BuildProgress {
  /** 0..1 from CMake's "[ 42%]" lines. */
  fraction: number;
  message: string;
}

export interface BuildOptions {
  variant: BuildVariant;
  /** Where builds are kept (default: the build cache). */
  root?: string;
  /** Where the llama.cpp source is cloned (default: the cache root). */
  sourceRoot?: string;
  jobs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: BuildProgress) => void;
  onLog?: (line: string) => void;
}

export function buildDir(variant: BuildVariant, root: string = buildCacheRoot()): string {
  return path.join(root, 'llama.cpp', LLAMA_CPP_COMMIT, buildKey(variant));
}

/** The binary a finished build leaves; its shared libraries sit beside it and must stay there. */
export function builtServerPath(variant: BuildVariant, root: string = buildCacheRoot()): string {
  return path.join(buildDir(variant, root), 'build', 'bin', serverExecutable());
}

/** A build counts only once it finished: the marker is written last. */
export function findBuiltServer(variant: BuildVariant, root: string = buildCacheRoot()): string | undefined {
  const bin = builtServerPath(variant, root);
  return fs.existsSync(path.join(buildDir(variant, root), '.complete')) && fs.existsSync(bin) ? bin : undefined;
}

export const BUILD_ERROR_CODES = ['build-failed', 'build-cancelled'] as const;

export type BuildErrorCode = (typeof BUILD_ERROR_CODES)[number];

/** The build from source failed or was cancelled; `logTail` is CMake's and the compiler's last output. */
export class BuildError extends CodedError<BuildErrorCode> {
  constructor(
    code: BuildErrorCode,
    message: string,
    readonly logTail: string,
  ) {
    super(code, message, {});
  }
}

/**
 * Builds llama-server from the llama.cpp source that node-llama-cpp bundles, into the cache
 * keyed by commit and flags. An interrupted build resumes where CMake left off.
 */
export async function buildLlamaServer(options: BuildOptions): Promise<string> {
  const root = options.root ?? buildCacheRoot();
  const done = findBuiltServer(options.variant, root);
  if (done) return done;
  options.onProgress?.({ fraction: 0, message: 'Preparing the llama.cpp source' });
  const source = await ensureLlamaSource(options.sourceRoot ?? cacheRoot());
  const dir = buildDir(options.variant, root);
  const build = path.join(dir, 'build');
  forgetBuildOfOtherSource(build, source);
  fs.mkdirSync(dir, { recursive: true });
  const jobs = options.jobs ?? Math.max(1, os.availableParallelism());

  await runStep('cmake', ['-S', source, '-B', build, ...cmakeFlags(options.variant)], options, 'Configuring');
  await runStep('cmake', ['--build', build, '--target', 'llama-server', '-j', String(jobs)], options, 'Compiling');

  const bin = builtServerPath(options.variant, root);
  if (!fs.existsSync(bin)) throw new BuildError('build-failed', `The build finished but ${bin} is missing.`, '');
  fs.writeFileSync(path.join(dir, '.complete'), JSON.stringify({ commit: LLAMA_CPP_COMMIT, flags: cmakeFlags(options.variant), builtAt: new Date().toISOString() }, null, 2));
  options.onProgress?.({ fraction: 1, message: 'llama-server is built' });
  return bin;
}

/**
 * An unfinished build tree configured against a source clone that has since moved (another
 * cache root) makes CMake refuse to continue; start that tree again instead.
 */
function forgetBuildOfOtherSource(build: string, source: string): void {
  const cmakeCache = path.join(build, 'CMakeCache.txt');
  if (!fs.existsSync(cmakeCache)) return;
  const home = /^CMAKE_HOME_DIRECTORY:INTERNAL=(.*)$/m.exec(fs.readFileSync(cmakeCache, 'utf8'))?.[1];
  if (home !== undefined && path.resolve(home) !== path.resolve(source)) fs.rmSync(build, { recursive: true, force: true });
}

function runStep(command: string, args: string[], options: BuildOptions, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const onAbort = (): void => {
      child.kill('SIGTERM');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        options.onLog?.(line);
        const percent = /^\[\s*(\d+)%\]/.exec(line);
        if (percent) options.onProgress?.({ fraction: Number(percent[1]) / 100, message: `${label} llama-server (${percent[1]}%)` });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      const hint = err.code === 'ENOENT' ? ` "${command}" is not installed: install CMake and a C++ compiler (Debian: apt-get install cmake g++).` : '';
      reject(new BuildError('build-failed', `${label} llama-server failed: ${err.message}.${hint}`, tail.join('\n')));
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) reject(new BuildError('build-cancelled', 'The llama-server build was cancelled.', tail.join('\n')));
      else if (code === 0) resolve();
      else reject(new BuildError('build-failed', `${label} llama-server failed (exit code ${code}); the build log has the compiler's message.`, tail.join('\n')));
    });
  });
}
