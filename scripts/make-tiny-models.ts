import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ensureTinyGemma4Set, writeTinyGemma4Set } from './testModels/tinyGemma4';
import { errorMessage } from '../engine/errors';

/**
 * Writes the tiny Gemma 4 test set and prints where it went.
 * Usage: npx tsx scripts/make-tiny-models.ts [outDir]   (default: the shared cache folder)
 */
async function main(): Promise<void> {
  const outDir = process.argv[2];
  const started = performance.now();
  const set = outDir ? await writeTinyGemma4Set(outDir) : await ensureTinyGemma4Set();
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
