import { spawnWatcher } from './watchdog';

/**
 * The shared engine belongs to no single window: a detached Node process ends it when no
 * window holds a lease any more (each lease names a live extension host's pid), or when no
 * request came for the idle time, and then removes its record so the next window starts a
 * fresh one.
 */
const script = `
const fs = require('node:fs');
const path = require('node:path');
const { GEMMA_ENGINE_PID: child, GEMMA_LEASE_DIR: leaseDir, GEMMA_ENGINE_RECORD: recordFile, GEMMA_ENGINE_ACTIVITY: activityFile, GEMMA_ENGINE_IDLE_MS: idleMsText } = process.env;
const pid = Number(child);
const idleMs = Number(idleMsText);
const alive = (p) => { try { process.kill(p, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const anyLease = () => { try { return fs.readdirSync(leaseDir).map(Number).some((p) => p > 0 && alive(p)); } catch { return false; } };
const idle = () => { if (!(idleMs > 0)) return false; try { return Date.now() - fs.statSync(activityFile).mtimeMs > idleMs; } catch { return false; } };
let graceUntil = Date.now() + 5000;
const timer = setInterval(() => {
  if (!alive(pid)) process.exit(0);
  if (Date.now() < graceUntil) return;
  if (!anyLease() || idle()) {
    clearInterval(timer);
    try { const r = JSON.parse(fs.readFileSync(recordFile, 'utf8')); if (r.pid === pid) fs.rmSync(recordFile, { force: true }); } catch {}
    try { process.kill(pid, 'SIGTERM'); } catch {}
    setTimeout(() => { try { process.kill(pid, 'SIGKILL'); } catch {} process.exit(0); }, 3000);
  }
}, 1000);
`;

export interface LeaseWatch {
  leaseDir: string;
  recordFile: string;
  activityFile: string;
  /** 0: never stop for idleness. */
  idleMs: number;
}

export function watchLeases(childPid: number, watch: LeaseWatch): () => void {
  // The paths go in the environment, not on the command line: whatever cleans up the
  // processes that name a window's folders must not take the watchdog with them.
  return spawnWatcher(script, [], {
    GEMMA_ENGINE_PID: String(childPid),
    GEMMA_LEASE_DIR: watch.leaseDir,
    GEMMA_ENGINE_RECORD: watch.recordFile,
    GEMMA_ENGINE_ACTIVITY: watch.activityFile,
    GEMMA_ENGINE_IDLE_MS: String(watch.idleMs),
  });
}
