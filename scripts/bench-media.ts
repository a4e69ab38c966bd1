// npm run bench:media
// Prints JSON lines: the CPU time and peak memory that preparing a 12 MP and a 48 MP photo and
// a 4K screenshot to the default token budget costs, and the longest the calling thread (the
// extension host) stops answering meanwhile. The photos are made here (smooth light and colour
// plus sensor-like noise, JPEG quality 90, as jpeg-js writes it: baseline, 4:4:4), the
// screenshot too (flat panels and lines of text-like marks, PNG as pngjs writes it), and they
// are kept in the temp folder.
// Each photo is measured in a fresh process so that one's peak memory does not hide the other's.
// host_max_block_ms also gives idle_max_block_ms, the same probe's figure for a second with
// nothing to do: what the machine alone adds.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import jpeg from 'jpeg-js';
import { prepareImage } from '../engine/media';
import { pngBytes, raster } from '../test/fixtures/media/synth';

const INPUTS: Array<{ kind: 'photo' | 'screenshot'; megapixels: number; width: number; height: number }> = [
  { kind: 'photo', megapixels: 12, width: 4000, height: 3000 },
  { kind: 'photo', megapixels: 48, width: 8000, height: 6000 },
  { kind: 'screenshot', megapixels: 8.3, width: 3840, height: 2160 },
];
const CACHE = path.join(os.tmpdir(), 'gemma-agent-bench-media');
const PROBE_MS = 5;
const IDLE_PROBE_MS = 1000;

function emit(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ metric, value: Number(value.toFixed(1)), unit, ...extra }));
}

/** A photo-like picture: broad gradients, a few soft shapes and per-pixel noise. */
function photoJpeg(width: number, height: number): Buffer {
  const data = new Uint8Array(width * height * 4);
  let seed = 0x2545f491;
  for (let y = 0; y < height; y++) {
    const v = y / height;
    for (let x = 0; x < width; x++) {
      const u = x / width;
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const noise = ((seed >>> 24) & 15) - 8;
      const light = 90 * Math.sin(u * 7 + v * 3) * Math.cos(v * 5 - u * 2);
      const disc = (u - 0.6) ** 2 + (v - 0.4) ** 2 < 0.02 ? 60 : 0;
      const i = (y * width + x) * 4;
      data[i] = 120 + light + disc + noise;
      data[i + 1] = 40 + u * 160 + light * 0.5 + noise;
      data[i + 2] = 60 + v * 150 - disc + noise;
      data[i + 3] = 255;
    }
  }
  return jpeg.encode({ width, height, data }, 90).data;
}

/** An editor-like screenshot: a sidebar, a tab bar and lines of "text" on a dark background. */
function screenshotPng(width: number, height: number): Buffer {
  return pngBytes(
    raster(width, height, (x, y) => {
      if (x < 480) return [37, 37, 38, 255];
      if (y < 100) return [60, 60, 60, 255];
      const row = Math.floor((y - 100) / 48);
      const textLike = (y - 100) % 48 < 26 && x < 600 + ((row * 293) % 2400) && ((x >> 4) + row) % 7 !== 0;
      return textLike ? [212, 212, 212, 255] : [30, 30, 30, 255];
    }),
  );
}

function cachedInput(kind: 'photo' | 'screenshot', width: number, height: number): string {
  const file = path.join(CACHE, kind === 'photo' ? `photo-${width}x${height}-q90.jpg` : `screenshot-${width}x${height}.png`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(CACHE, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, kind === 'photo' ? photoJpeg(width, height) : screenshotPng(width, height));
    fs.renameSync(partial, file);
  }
  return file;
}

/** In the child: prepares one photo and prints its figures. */
async function measure(file: string, kind: string, megapixels: number): Promise<void> {
  const bytes = await fs.promises.readFile(file);
  // A first, tiny image starts whatever the preparation needs (a worker, its code), so the
  // figures below are the photo's own.
  await prepareImage(jpeg.encode({ width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).fill(200) }, 90).data);

  let maxBlock = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    maxBlock = Math.max(maxBlock, now - last - PROBE_MS);
    last = now;
  }, PROBE_MS);
  // The same probe with nothing to do first: on a busy machine the thread also waits for a core.
  await new Promise((resolve) => setTimeout(resolve, IDLE_PROBE_MS));
  const idleBlock = maxBlock;
  maxBlock = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const out = await prepareImage(bytes);
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  // The probe's last gap: a job that never yields shows up only when the next tick comes.
  await new Promise((resolve) => setTimeout(resolve, PROBE_MS * 3));
  clearInterval(probe);

  const extra = { kind, megapixels, file_mb: Number((bytes.length / 1048576).toFixed(2)), sent: `${out.width}x${out.height}`, tokens: out.tokens };
  emit('image_prepare_cpu_ms', (used.user + used.system) / 1000, 'ms', extra);
  emit('image_prepare_wall_ms', wall, 'ms', extra);
  emit('image_prepare_peak_mb', process.resourceUsage().maxRSS / 1024, 'MB', extra);
  emit('host_max_block_ms', Math.max(0, maxBlock), 'ms', { ...extra, idle_max_block_ms: Number(Math.max(0, idleBlock).toFixed(1)) });
}

function main(): void {
  for (const input of INPUTS) {
    const file = cachedInput(input.kind, input.width, input.height);
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--measure', file, input.kind, String(input.megapixels)], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (child.status !== 0) process.exitCode = 1;
  }
}

if (process.argv[2] === '--measure') {
  measure(process.argv[3], process.argv[4], Number(process.argv[5])).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  main();
}
