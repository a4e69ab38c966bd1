// npm run package
// Writes two VSIXs: gemma-agent.vsix, universal and without an engine (the extension finds
// or fetches one), and, on Linux x64, gemma-agent-linux-x64.vsix with a portable CPU
// llama-server inside, so it installs and answers offline. The portable build comes from
// the bundled llama.cpp source and is cached by commit and flags (the first one takes a
// while; later ones are instant). GEMMA_AGENT_PACKAGE=universal writes only the first.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildLlamaServer } from '../engine/binary/llamaServerBuild';
import { shipServer } from './lib/shipServer';
import { errorMessage } from '../engine/errors';

const root = path.resolve(__dirname, '..');
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');

function vscePackage(out: string, target?: string): void {
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', ...(target ? ['--target', target] : []), '--out', out], { cwd: root, stdio: 'inherit' });
}

function size(file: string): string {
  return `${(fs.statSync(path.join(root, file)).size / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The CPU backends link OpenMP's runtime (libgomp), which a minimal Linux may lack; it is
 * copied beside them (GCC's runtime library exception allows this) so the VSIX needs only
 * glibc from the system.
 */
function bundleOpenMpRuntime(dir: string): void {
  for (const name of fs.readdirSync(dir).filter((n) => n.startsWith('libggml-cpu'))) {
    const ldd = execFileSync('ldd', [path.join(dir, name)], { encoding: 'utf8' });
    const gomp = /libgomp\.so\.1 => (\S+)/.exec(ldd)?.[1];
    if (gomp) {
      fs.copyFileSync(gomp, path.join(dir, 'libgomp.so.1'));
      return;
    }
  }
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
  const bin = path.join(root, 'dist', 'bin');
  fs.rmSync(bin, { recursive: true, force: true });
  vscePackage('gemma-agent.vsix');
  const made = [`gemma-agent.vsix (universal, no engine): ${size('gemma-agent.vsix')}`];

  const platformVsix = process.platform === 'linux' && process.arch === 'x64' && process.env.GEMMA_AGENT_PACKAGE !== 'universal';
  if (platformVsix) {
    let last = -1;
    const server = await buildLlamaServer({
      variant: 'cpu-portable',
      onProgress: ({ fraction, message }) => {
        const pct = Math.floor(fraction * 100);
        if (pct >= last + 10) {
          last = pct;
          console.log(`package: ${message} (portable CPU build, once per llama.cpp commit)`);
        }
      },
    });
    try {
      const shipped = shipServer(server, root, 'linux-x64');
      bundleOpenMpRuntime(shipped);
      vscePackage('gemma-agent-linux-x64.vsix', 'linux-x64');
    } finally {
      // dist/bin is only for the platform VSIX; a later universal package must not carry it.
      fs.rmSync(bin, { recursive: true, force: true });
    }
    made.push(`gemma-agent-linux-x64.vsix (portable CPU llama-server inside): ${size('gemma-agent-linux-x64.vsix')}`);
  }
  for (const line of made) console.log(`package: ${line}`);
}

main().catch((err: unknown) => {
  console.error(`package failed: ${errorMessage(err)}`);
  process.exit(1);
});
