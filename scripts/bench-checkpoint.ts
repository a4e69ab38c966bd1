// npm run bench:checkpoint [-- --files N] [--megabytes M]
//
// What the lasting checkpoints cost on a large repository: a generated work tree of N source
// files (default 20,000, about 2 KB each, in nested folders, with a node_modules folder and
// a .gitignore'd build folder that are left out) plus M megabytes of binary assets (default
// 100, in 5 files). Prints JSON lines: the first checkpoint (the shadow repository is
// created and every file is hashed; the extension does that part ahead, when the chat
// opens, so the figure is given both ways), one with nothing changed (what every agent step pays),
// one after ten files changed, the diff a restore shows, the restore itself, and the size
// of the shadow repository on disk.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ShadowCheckpoints } from '../agent/checkpoint/shadowGit';

function emit(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ metric, value: Number(value.toFixed(1)), unit, ...extra }));
}

function sourceFile(i: number): string {
  const lines = [`// module ${i}`, `export const id${i} = ${i};`];
  for (let n = 0; n < 40; n++) lines.push(`export function f${i}_${n}(x: number): number { return x * ${n} + ${i}; }`);
  return `${lines.join('\n')}\n`;
}

function makeTree(root: string, files: number, megabytes: number): { bytes: number } {
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, 'src', `pkg${i % 50}`, `mod${Math.floor(i / 50) % 40}`);
    fs.mkdirSync(dir, { recursive: true });
    const text = sourceFile(i);
    fs.writeFileSync(path.join(dir, `file${i}.ts`), text);
    bytes += text.length;
  }
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  const chunk = Buffer.alloc(1024 * 1024);
  for (let f = 0; f < 5; f++) {
    const fd = fs.openSync(path.join(root, 'assets', `blob${f}.bin`), 'w');
    for (let m = 0; m < megabytes / 5; m++) {
      // Random bytes, as media are: they do not compress.
      for (let j = 0; j < chunk.length; j += 4) chunk.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, j);
      fs.writeSync(fd, chunk);
      bytes += chunk.length;
    }
    fs.closeSync(fd);
  }
  // Left out of every checkpoint: installed packages always, build output by .gitignore.
  for (const skipped of ['node_modules/dep', 'build']) {
    fs.mkdirSync(path.join(root, skipped), { recursive: true });
    for (let i = 0; i < 2000; i++) fs.writeFileSync(path.join(root, skipped, `x${i}.js`), sourceFile(i));
  }
  fs.writeFileSync(path.join(root, '.gitignore'), 'build/\n');
  return { bytes };
}

function du(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? du(full) : fs.statSync(full).size;
  }
  return total;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { files: { type: 'string', default: '20000' }, megabytes: { type: 'string', default: '100' } } });
  const files = Number(values.files);
  const megabytes = Number(values.megabytes);
  if (!Number.isInteger(files) || files < 1 || !Number.isFinite(megabytes) || megabytes < 0) throw new Error('--files must be a positive whole number and --megabytes a number of 0 or more');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-bench-checkpoint-'));
  try {
    const root = path.join(base, 'work');
    const storage = path.join(base, 'storage');
    const made = await timed(async () => makeTree(root, files, megabytes));
    emit('tree_generated_ms', made.ms, 'ms', { files, megabytes, bytes: made.value.bytes });
    const checkpoints = new ShadowCheckpoints(root, storage);
    if (!(await checkpoints.available())) throw new Error('git is not installed; checkpoints need it');

    // What the extension does in the background when the chat opens, then the first message's checkpoint.
    const prepared = await timed(() => checkpoints.prepare());
    emit('checkpoint_prepare_ms', prepared.ms, 'ms', { files, megabytes });
    const first = await timed(() => checkpoints.snapshot('first'));
    emit('checkpoint_first_ms', first.ms, 'ms', { files, megabytes, after_prepare: true });
    const cold = new ShadowCheckpoints(root, path.join(base, 'storage-cold'));
    const coldFirst = await timed(() => cold.snapshot('first, not prepared'));
    emit('checkpoint_first_unprepared_ms', coldFirst.ms, 'ms', { files, megabytes });
    const unchanged = await timed(() => checkpoints.snapshot('nothing changed'));
    emit('checkpoint_unchanged_ms', unchanged.ms, 'ms', { files });
    for (let i = 0; i < 10; i++) fs.appendFileSync(path.join(root, 'src', `pkg${i % 50}`, `mod${Math.floor(i / 50) % 40}`, `file${i}.ts`), '// changed\n');
    const changed = await timed(() => checkpoints.snapshot('ten files changed'));
    emit('checkpoint_ten_changed_ms', changed.ms, 'ms', { files });
    fs.appendFileSync(path.join(root, 'src', 'pkg0', 'mod0', 'file0.ts'), '// changed again\n');
    const diff = await timed(() => checkpoints.changesSince(first.value));
    emit('checkpoint_changes_ms', diff.ms, 'ms', { changed_files: diff.value.length });
    const restore = await timed(() => checkpoints.restore(first.value));
    emit('checkpoint_restore_ms', restore.ms, 'ms', { restored_files: restore.value.length });
    emit('checkpoint_storage_mb', du(storage) / (1024 * 1024), 'MB', { work_tree_mb: Number((made.value.bytes / (1024 * 1024)).toFixed(1)) });
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench:checkpoint failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
