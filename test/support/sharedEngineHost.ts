// Plays one extension host using the shared engine, for the two-host tests: it joins or
// starts the engine (a fake llama-server), prints what it got as JSON, then follows commands
// on stdin: "leave" (close the window as the extension does), "health" (ask the engine),
// "rejoin" (its request failed: find or start the engine again), "die" (killed, no cleanup).
import * as readline from 'node:readline';
import { EngineRegistry } from '../../engine/supervisor/engineRegistry';
import { EngineSupervisor } from '../../engine/supervisor/engineSupervisor';
import { SharedEngine } from '../../engine/supervisor/sharedEngine';

const [dir, key, binary, idleMs] = process.argv.slice(2);
const registry = new EngineRegistry(dir);
const shared = new SharedEngine<{ model: string }>(registry, key);
let supervisor: EngineSupervisor | undefined;

async function join(): Promise<void> {
  const joined = await shared.acquire(async () => {
    supervisor = new EngineSupervisor(
      { binary, model: '/models/m.gguf', contextSize: 1024, gpuLayers: '0' },
      { shared: { leaseDir: registry.leaseDir, recordFile: registry.recordFile, activityFile: registry.activityFile, idleMs: Number(idleMs ?? 0) }, restartDelaysMs: [100], startTimeoutMs: 10_000, stopGraceMs: 500 },
    );
    supervisor.onEvent((event) => {
      if (event.type === 'ready') shared.update(event.endpoint, { model: 'm.gguf' });
    });
    return { endpoint: await supervisor.start(), meta: { model: 'm.gguf' } };
  });
  console.log(JSON.stringify(joined ? { owner: joined.owner, pid: joined.endpoint.pid, url: joined.endpoint.url } : { declined: true }));
}

async function main(): Promise<void> {
  await join();
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (line === 'leave') {
      if (supervisor && registry.otherLiveLeases().length > 0) supervisor.release();
      else if (supervisor) {
        const pid = supervisor.pid;
        await supervisor.dispose();
        if (pid) registry.clear(pid);
      }
      shared.leave();
      console.log(JSON.stringify({ left: true }));
      process.exit(0);
    }
    if (line === 'health') {
      const record = registry.read<{ model: string }>();
      const ok = record ? (await fetch(`${record.url}/health`).then((r) => r.ok, () => false)) : false;
      console.log(JSON.stringify({ health: ok, pid: record?.pid }));
    }
    if (line === 'rejoin') await join();
    if (line === 'die') process.kill(process.pid, 'SIGKILL');
  }
}

void main();
