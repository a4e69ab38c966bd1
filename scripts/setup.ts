// npm run setup -- start|test   (run by npm start and npm test before anything else)
// Makes a fresh machine ready: the Debian packages first (or one command to run, and a stop,
// where they cannot be installed), then the slow artifacts in the cache: code-server for
// both goals, and for the tests the llama.cpp source, a llama-server build and the
// synthetic Gemma 4 set. Each step is skipped when its cached result is already there.
import { performance } from 'node:perf_hooks';
import { ensureLlamaSource } from '../engine/binary/llamaSource';
import { buildLlamaServer } from '../engine/binary/llamaServerBuild';
import { ensureTinyGemma4Set } from './testModels/tinyGemma4';
import { ensureCodeServer } from './lib/codeServer';
import { ensureSystemPackages, SetupError, type SetupGoal } from './lib/systemPackages';
import { errorMessage } from '../engine/errors';

async function step<T>(label: string, work: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`setup: ${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

async function main(): Promise<void> {
  const goal = process.argv[2];
  if (goal !== 'start' && goal !== 'test') throw new SetupError(`Unknown set-up goal "${goal ?? ''}": use "start" or "test".`);
  const packages = await step('Debian packages', () => ensureSystemPackages(goal as SetupGoal));
  if (packages.kind === 'not-debian') console.log(`setup: not a Debian system, so nothing was installed; make sure these (or their equivalents) are: ${packages.packages.join(', ')}.`);
  await step('code-server', () => ensureCodeServer());
  if (goal === 'test') {
    await step('llama.cpp source', () => ensureLlamaSource());
    let last = -1;
    await step('llama-server build (cpu-native)', () =>
      buildLlamaServer({
        variant: 'cpu-native',
        onProgress: ({ fraction, message }) => {
          const pct = Math.floor(fraction * 100);
          if (pct >= last + 10) {
            last = pct;
            console.log(`setup: ${message}`);
          }
        },
      }),
    );
    await step('synthetic Gemma 4 models', () => ensureTinyGemma4Set());
  }
}

main().catch((err: unknown) => {
  const message = errorMessage(err);
  console.error(`\nsetup failed: ${message}`);
  if (err instanceof SetupError && err.fix) console.error(`Run this, then try again:\n\n  ${err.fix}\n`);
  process.exit(1);
});
