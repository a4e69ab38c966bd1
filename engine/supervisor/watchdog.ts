import { spawn } from 'node:child_process';

/**
 * If the extension host dies without disposing us (crash, SIGKILL, window closed hard),
 * nothing would stop llama-server and it would hold gigabytes of memory. A tiny detached
 * Node process watches our pid and ends the server when we are gone.
 */
const script = `
const [parent, child] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const timer = setInterval(() => {
  if (!alive(child)) process.exit(0);
  if (!alive(parent)) {
    try { process.kill(child, 'SIGTERM'); } catch {}
    setTimeout(() => { try { process.kill(child, 'SIGKILL'); } catch {} process.exit(0); }, 3000);
    clearInterval(timer);
  }
}, 1000);
`;

export function watchChild(childPid: number, parentPid: number = process.pid): () => void {
  return spawnWatcher(script, [String(parentPid), String(childPid)]);
}

/**
 * Starts a detached Node process running `source` (with `args` and extra `env`), which
 * outlives us; returns what stops it.
 */
export function spawnWatcher(source: string, args: string[], env: NodeJS.ProcessEnv = {}): () => void {
  const watcher = spawn(process.execPath, ['-e', source, ...args], {
    detached: true,
    stdio: 'ignore',
    // The VS Code extension host is Electron: this makes its binary behave as plain Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...env },
  });
  watcher.unref();
  return () => {
    try {
      if (watcher.pid) process.kill(watcher.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
}
