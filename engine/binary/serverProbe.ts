import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** Facts about one llama-server binary: whether it runs, and what it offers. */

const run = promisify(execFile);

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
    throw new BinaryNotFoundError(`${binary} did not run (${(err as Error).message.split('\n')[0]}). Check that it is a llama-server built for this machine, with its shared libraries beside it.`, 'does-not-run');
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
