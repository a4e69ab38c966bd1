import * as fs from 'node:fs';
import * as path from 'node:path';
import { pickVariant, type BuildVariant } from './buildVariants';
import { buildLlamaServer, findBuiltServer, type BuildProgress } from './llamaServerBuild';
import { llamaBundlePath } from './llamaSource';
import { findInstalledRelease } from './releaseEngine';
import { BinaryNotFoundError, findOnPath, missingFeatures, serverExecutable, serverFeatures, serverVersion, type ServerNeeds } from './serverProbe';

export { BinaryNotFoundError, missingFeatures, serverFeatures, serverVersion, type BinaryErrorCode, type ServerNeeds } from './serverProbe';

export type BinarySource = 'setting' | 'shipped' | 'downloaded' | 'built' | 'path';

export interface ResolvedBinary {
  path: string;
  source: BinarySource;
  version: string;
}

export interface ResolveOptions {
  /** What the model set needs; a llama-server on PATH is used only when it has it. Default: both. */
  needs?: ServerNeeds;
  /** The user's engine.serverPath setting; wins when set. */
  configuredPath?: string;
  /** Root of the installed extension, where a VSIX may carry dist/bin/<platform>-<arch>/. */
  extensionRoot?: string;
  /** Global storage, where a llama.cpp release build downloaded earlier is kept. */
  releaseRoot?: string;
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

const exe = serverExecutable();

export function shippedServerPath(extensionRoot: string): string {
  return path.join(extensionRoot, 'dist', 'bin', `${process.platform}-${process.arch}`, exe);
}

/**
 * Finds llama-server in this order: the configured path; a binary shipped in the VSIX; one
 * built from the bundled llama.cpp source (cached, or built now when allowed and the source
 * is present); llama-server on PATH if it supports Gemma 4 drafting.
 */
export async function resolveServerBinary(options: ResolveOptions = {}): Promise<ResolvedBinary> {
  if (options.configuredPath) {
    if (!fs.existsSync(options.configuredPath)) {
      throw new BinaryNotFoundError('binary-bad-path', `The configured llama-server "${options.configuredPath}" does not exist.`, { path: options.configuredPath });
    }
    return { path: options.configuredPath, source: 'setting', version: await serverVersion(options.configuredPath) };
  }
  if (options.extensionRoot) {
    const shipped = shippedServerPath(options.extensionRoot);
    if (fs.existsSync(shipped)) return { path: shipped, source: 'shipped', version: await serverVersion(shipped) };
  }
  if (options.releaseRoot) {
    const downloaded = findInstalledRelease(options.releaseRoot);
    if (downloaded) return { path: downloaded, source: 'downloaded', version: await serverVersion(downloaded) };
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

  const onPath = findOnPath(exe, options.envPath ?? process.env.PATH);
  if (onPath) {
    const missing = missingFeatures(options.needs ?? { drafting: true, multimodal: true }, await serverFeatures(onPath));
    if (missing.length === 0) return { path: onPath, source: 'path', version: await serverVersion(onPath) };
    throw new BinaryNotFoundError('binary-too-old', `${onPath} lacks ${missing.join(' and ')}.`, { binary: onPath, missing });
  }
  if (sourcePresent) throw new BinaryNotFoundError('binary-not-built', 'llama-server has not been built yet from the bundled llama.cpp source.');
  throw new BinaryNotFoundError('binary-not-found', 'No llama-server found: none was shipped with this install, none was downloaded yet, and none is on PATH.');
}
