import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CodedError, errorMessage, type ErrorFacts } from '../errors';

/** Facts about one llama-server binary: whether it runs, and what it offers. */

const run = promisify(execFile);

/** The server's file name on this platform. */
export function serverExecutable(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'llama-server.exe' : 'llama-server';
}

/** The first `name` in the folders of a PATH-style list, or undefined. */
export function findOnPath(name: string, envPath: string | undefined = process.env.PATH): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

export const BINARY_ERROR_CODES = ['binary-bad-path', 'binary-does-not-run', 'binary-not-built', 'binary-too-old', 'binary-not-found'] as const;

/**
 * Why no binary could be used: the configured path names nothing, the binary does not run,
 * it lacks what the model set needs, or there is none; 'binary-not-built' means building
 * from the bundled source would fix it.
 */
export type BinaryErrorCode = (typeof BINARY_ERROR_CODES)[number];

export class BinaryNotFoundError extends CodedError<BinaryErrorCode> {
  constructor(code: BinaryErrorCode, message: string, facts: ErrorFacts = {}, options?: { cause?: unknown }) {
    super(code, message, facts, options);
  }
}

/** What the configured model set asks of llama-server. */
export interface ServerNeeds {
  /** A drafter is set: `--spec-type draft-mtp` is needed. */
  drafting: boolean;
  /** A projector is set: `--mmproj` is needed. */
  multimodal: boolean;
}

/** `llama-server --version` prints e.g. "version: 1 (de3ff81)" on stderr. */
export async function serverVersion(binary: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(binary, ['--version'], { timeout: 15_000 });
    const match = /version:\s*(.+)/.exec(stderr + stdout);
    return match ? match[1].trim() : 'unknown';
  } catch (err) {
    const reason = errorMessage(err).split('\n')[0];
    throw new BinaryNotFoundError('binary-does-not-run', `${binary} did not run (${reason}). It may not be a llama-server built for this machine, or its shared libraries are not beside it.`, { binary, reason }, { cause: err });
  }
}

/**
 * What a llama-server offers that the model set may need, read from `--help`: Gemma 4's
 * drafter needs `--spec-type draft-mtp` (older servers lack it), images and voice need
 * `--mmproj` (builds without the multimodal library lack it).
 */
export async function serverFeatures(binary: string): Promise<ServerNeeds> {
  try {
    const { stdout, stderr } = await run(binary, ['--help'], { timeout: 15_000, maxBuffer: 4 * 1024 * 1024 });
    const help = stdout + stderr;
    return { drafting: help.includes('draft-mtp'), multimodal: help.includes('--mmproj') };
  } catch {
    return { drafting: false, multimodal: false };
  }
}

/** What the set needs that the server lacks, as phrases for a message; empty when it has everything. */
export function missingFeatures(needs: ServerNeeds, has: ServerNeeds): string[] {
  const missing: string[] = [];
  if (needs.drafting && !has.drafting) missing.push('MTP drafting ("--spec-type draft-mtp"), which the drafter you set needs');
  if (needs.multimodal && !has.multimodal) missing.push('image and audio input ("--mmproj"), which the projector you set needs');
  return missing;
}

export interface GpuDevice {
  /** ggml's device name, e.g. CUDA0, Metal, Vulkan0. */
  readonly name: string;
  readonly description: string;
  readonly totalBytes: number;
  readonly freeBytes: number;
}

/** Parses `llama-server --list-devices`: "  CUDA0: NVIDIA GeForce RTX 4060 (8188 MiB, 7720 MiB free)". */
export function parseDeviceList(text: string): GpuDevice[] {
  const MiB = 1024 * 1024;
  const devices: GpuDevice[] = [];
  for (const m of text.matchAll(/^\s+([^\s:]+): (.*) \((\d+) MiB, (\d+) MiB free\)\s*$/gm)) {
    devices.push({ name: m[1], description: m[2], totalBytes: Number(m[3]) * MiB, freeBytes: Number(m[4]) * MiB });
  }
  return devices;
}

/**
 * The GPUs llama-server would use, as it lists them itself (the backends it was built with
 * and the memory the driver reports free). Empty for a CPU build or when it cannot tell.
 */
export async function listGpuDevices(binary: string): Promise<GpuDevice[]> {
  try {
    const { stdout, stderr } = await run(binary, ['--list-devices'], { timeout: 30_000, maxBuffer: 1024 * 1024 });
    return parseDeviceList(stdout + stderr).filter((d) => !/^cpu/i.test(d.name));
  } catch {
    return [];
  }
}
