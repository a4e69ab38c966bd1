import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ensureTinyGemma4Set, writeTinyGemma4Set } from './testModels/tinyGemma4';
import { errorMessage } from '../engine/errors';

/**
 * Writes the tiny Gemma 4 test set and prints where it went.
 * Usage: npx tsx scripts/make-tiny-models.ts [outDir] [--context N]
 *   outDir      default: the shared cache folder
 *   --context N training context of the target and drafter (default 8192); other values
 *               get their own file names (tiny-gemma4-ctxN.gguf), beside the default set
 */
function parseArgs(argv: string[]): { outDir?: string; contextLength?: number } {
  const out: { outDir?: string; contextLength?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--context' || arg.startsWith('--context=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--context needs a positive integer, not ${String(value)}`);
      out.contextLength = n;
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option ${arg}`);
    } else {
      out.outDir = arg;
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { outDir, contextLength } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const set = outDir ? await writeTinyGemma4Set(outDir, { contextLength }) : await ensureTinyGemma4Set(undefined, { contextLength });
  const ms = Math.round(performance.now() - started);
  for (const [role, file] of Object.entries(set)) {
    const kib = (fs.statSync(file).size / 1024).toFixed(1);
    console.log(`${role.padEnd(9)} ${file} (${kib} KiB)`);
  }
  console.log(`done in ${ms} ms`);
}

main().catch((err: unknown) => {
  console.error(`make-tiny-models failed: ${errorMessage(err)}`);
  process.exit(1);
});
