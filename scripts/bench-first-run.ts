// npm run bench:first-run
// Prints JSON lines: the VSIX sizes, the memory plan's context for three typical machines
// (computed from Gemma 4 12B's published configuration), and the time from the click on
// "Download recommended model" to the first token in the clean first-run e2e test (the
// synthetic set from a loopback hub; plumbing time, not Gemma 4's speed).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HOST_PROMPT_CACHE_MIB, planningMemoryBytes } from '../engine/launchPlan';
import { chooseContextAndGpuLayers, type ModelFileInfo, type TextModelInfo } from '../engine/models';

const root = path.resolve(__dirname, '..');
const GiB = 1024 ** 3;

function emit(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ metric, value: Number(value.toFixed(3)), unit, ...extra }));
}

/**
 * Gemma 4 12B as published: 48 layers, hidden size 3840, a 1024-token sliding window, a
 * 262,144-token vocabulary and a 256k training context. Assumed where the card is silent (as
 * in the published Gemma 4 GGUF headers): one full-attention layer in six, 8 KV heads of
 * dimension 256 on sliding layers and 2 KV heads of dimension 512 on full ones, an f16 cache,
 * tied embeddings stored in Q6_K; Q4_K_M file 7.0 GB, drafter 0.47 GB, projector 0.18 GB.
 */
export const ASSUMED_KV = 'sliding layers: 8 KV heads x 256; full layers (1 in 6): 2 KV heads x 512; f16 cache';
function gemma4_12b(): { model: TextModelInfo; drafter: ModelFileInfo; projector: ModelFileInfo } {
  const layers = 48;
  const embedding = 262_144 * 3840 * (6.5625 / 8); // Q6_K bits per weight
  const fileSize = 7.0e9;
  const model: TextModelInfo = {
    kind: 'text',
    path: 'gemma-4-12b-it-Q4_K_M.gguf',
    architecture: 'gemma4',
    fileSize,
    embeddingLength: 3840,
    blockCount: layers,
    contextLength: 262_144,
    headCount: Array(layers).fill(16),
    headCountKv: Array.from({ length: layers }, (_, i) => (i % 6 === 5 ? 2 : 8)),
    keyLength: 512,
    valueLength: 512,
    keyLengthSwa: 256,
    valueLengthSwa: 256,
    slidingWindow: 1024,
    slidingWindowPattern: Array.from({ length: layers }, (_, i) => i % 6 !== 5),
    sharedKvLayers: 0,
    vocabularySize: 262_144,
    layerWeightBytes: Array(layers).fill((fileSize - embedding) / layers),
    otherWeightBytes: embedding,
    outputWeightBytes: embedding,
    tiedOutput: true,
  };
  const drafter: ModelFileInfo = { ...model, path: 'mtp-gemma-4-12b-it.gguf', architecture: 'gemma4-assistant', fileSize: 0.47e9, blockCount: 4, layerWeightBytes: Array(4).fill(0.1e9) };
  const projector: ModelFileInfo = { kind: 'projector', path: 'mmproj-F16.gguf', architecture: 'clip', fileSize: 0.18e9 };
  return { model, drafter, projector };
}

function memoryPlans(): void {
  const info = gemma4_12b();
  const machines = [
    // Unified memory: the plan takes the total less a reserve for macOS and the editor.
    { machine: '16 GB Mac (Apple Silicon)', ram: planningMemoryBytes('darwin', 16 * GiB, 6 * GiB), vram: 0 },
    // About 5 GB in use by the OS, the editor and a browser; the GPU keeps 0.5 GB for the display.
    { machine: '16 GB laptop with an 8 GB GPU', ram: planningMemoryBytes('linux', 16 * GiB, 11 * GiB), vram: 7.5 * GiB },
    { machine: '32 GB desktop, no GPU', ram: planningMemoryBytes('linux', 32 * GiB, 26 * GiB), vram: 0 },
  ];
  for (const m of machines) {
    for (const requested of [32_768, 262_144]) {
      const fit = chooseContextAndGpuLayers({ info, requestedContext: requested, availableRamBytes: m.ram, availableVramBytes: m.vram, memoryOptions: { hostPromptCacheBytes: HOST_PROMPT_CACHE_MIB * 1024 * 1024 } });
      emit('memory_plan_context', fit.fits ? fit.contextSize : 0, 'tokens', {
        machine: m.machine,
        requested,
        fits: fit.fits,
        gpuLayers: fit.gpuLayers,
        ramGB: Number((fit.ramBytes / 1e9).toFixed(2)),
        vramGB: Number((fit.vramBytes / 1e9).toFixed(2)),
        assumed: ASSUMED_KV,
      });
    }
  }
}

function vsixSizes(): void {
  for (const name of ['gemma-agent.vsix', 'gemma-agent-linux-x64.vsix']) {
    const file = path.join(root, name);
    if (fs.existsSync(file)) emit('vsix_size', fs.statSync(file).size / 1024 / 1024, 'MB', { file: name });
    else console.log(JSON.stringify({ metric: 'vsix_size', file: name, missing: 'run "npm run package" first' }));
  }
}

function firstRun(): void {
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--timeout', '600000', 'test/e2e/firstRun.test.ts'], { cwd: root, encoding: 'utf8' });
  for (const m of run.stdout.matchAll(/first run \((\S+) VSIX\): click to first token ([\d.]+) s/g)) emit('first_run_click_to_first_token', Number(m[2]), 's', { vsix: m[1], model: 'synthetic set, loopback hub' });
  if (run.status !== 0) console.log(JSON.stringify({ metric: 'first_run_click_to_first_token', failed: run.stdout.slice(-1500) }));
}

vsixSizes();
memoryPlans();
if (!process.argv.includes('--plans-only')) firstRun();
