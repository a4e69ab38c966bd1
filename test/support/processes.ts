// Programs, processes and ports for the tests that start real processes.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { tempDir } from './files';

/** Running, as opposed to gone or a zombie waiting for its parent to reap it (killed, all the same). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/** A loopback port that was free a moment ago; nothing listens on it when this returns. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether `program --version` runs here. */
export function hasProgram(program: string): boolean {
  try {
    execFileSync(program, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes an executable `llama-server` into `dir` that runs the fake server (fakeLlamaServer.js) with this Node. */
export function writeFakeLlamaServer(dir: string): string {
  const bin = path.join(dir, 'llama-server');
  fs.writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${path.join(__dirname, 'fakeLlamaServer.js')}" "$@"\n`, { mode: 0o755 });
  return bin;
}

/** A llama-server stand-in script that answers --version with `version`, and anything else (--help) with the `help` lines. */
export function llamaServerScript(help: string[], version = '9000 (fake)'): string {
  return `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "version: ${version}" >&2; exit 0; fi\necho "${help.join('\\n')}"\n`;
}

const fakePathDirs: string[] = [];

/** A folder for PATH holding executables with the given names (each would only print its name). */
export async function fakePath(names: string[]): Promise<string> {
  const dir = tempDir('rec-path-');
  fakePathDirs.push(dir);
  for (const name of names) fs.writeFileSync(path.join(dir, name), '#!/bin/sh\necho "$0"\n', { mode: 0o755 });
  return dir;
}

/** Removes the folders fakePath made; for an `after` hook. */
export async function removeFakePaths(): Promise<void> {
  await Promise.all(fakePathDirs.splice(0).map((dir) => fs.promises.rm(dir, { recursive: true, force: true })));
}
