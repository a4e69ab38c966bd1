import { strict as assert } from 'node:assert';
import { EngineSupervisor, EngineStartError, type SupervisorEvent } from '../../engine/supervisor/engineSupervisor';
import type { EngineLaunchConfig } from '../../engine/supervisor/serverArgs';
import { tempDir } from '../support/files';
import { alive, writeFakeLlamaServer } from '../support/processes';

/** An executable that runs the fake server with the current Node. */
const fakeBinary = (): string => writeFakeLlamaServer(tempDir('fake-llama-'));

const base: Omit<EngineLaunchConfig, 'binary'> = { model: '/models/gemma.gguf', contextSize: 4096, gpuLayers: 'auto' };

describe('EngineSupervisor (with a fake llama-server)', function () {
  this.timeout(20_000);
  const supervisors: EngineSupervisor[] = [];
  const make = (env: NodeJS.ProcessEnv = {}, restartDelaysMs = [100, 100]): EngineSupervisor => {
    const s = new EngineSupervisor({ ...base, binary: fakeBinary() }, { env, restartDelaysMs, startTimeoutMs: 5000, stopGraceMs: 500 });
    supervisors.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(supervisors.splice(0).map((s) => s.dispose()));
  });

  it('starts, waits through 503 loading for /health, and reports ready with the endpoint', async () => {
    const s = make({ FAKE_LOAD_MS: '600' });
    const events: SupervisorEvent['type'][] = [];
    s.onEvent((e) => events.push(e.type));
    const endpoint = await s.start();
    assert.match(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(endpoint.apiKey.length, 48);
    const health = await fetch(`${endpoint.url}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(events.filter((e) => e !== 'log'), ['starting', 'loading', 'ready']);
  });

  it('uses a fresh random key on each start', async () => {
    const s = make();
    const first = await s.start();
    const second = await s.restart();
    assert.notEqual(first.apiKey, second.apiKey);
    assert.ok(!alive(first.pid), 'the first server is gone after restart');
  });

  it('reports an early exit with the log tail and advice', async () => {
    const s = make({ FAKE_EXIT_EARLY: '1' });
    await assert.rejects(s.start(), (err: unknown) => {
      assert.ok(err instanceof EngineStartError);
      assert.match(err.message, /exited during start-up/);
      assert.match(err.message, /model file could not be opened/);
      assert.match(err.logTail, /failed to open model file/);
      return true;
    });
  });

  it('gives up on a start that never becomes healthy', async () => {
    const s = new EngineSupervisor({ ...base, binary: fakeBinary() }, { env: { FAKE_NEVER_READY: '1' }, startTimeoutMs: 800 });
    supervisors.push(s);
    await assert.rejects(s.start(), /did not become ready within 1 s/);
  });

  const nextEvent = (s: EngineSupervisor, type: SupervisorEvent['type']): Promise<SupervisorEvent> =>
    new Promise((resolve) => {
      const off = s.onEvent((e) => {
        if (e.type === type) {
          off();
          resolve(e);
        }
      });
    });
  const crash = async (s: EngineSupervisor, endpoint: { url: string; apiKey: string }): Promise<void> => {
    const crashed = nextEvent(s, 'crashed');
    await fetch(`${endpoint.url}/crash`, { headers: { authorization: `Bearer ${endpoint.apiKey}` } });
    await crashed;
  };

  it('restarts after a crash and tells the caller', async () => {
    const s = make();
    const first = await s.start();
    const events: SupervisorEvent[] = [];
    s.onEvent((e) => events.push(e));
    await crash(s, first);
    const second = await s.waitUntilReady();
    assert.notEqual(second.pid, first.pid);
    const types = events.map((e) => e.type).filter((t) => t !== 'log');
    assert.deepEqual(types.slice(0, 3), ['crashed', 'restarting', 'starting']);
    assert.equal(types.at(-1), 'ready');
  });

  it('stops restarting when crashes keep coming', async () => {
    const s = make({}, [50]);
    let endpoint = await s.start();
    await crash(s, endpoint);
    endpoint = await s.waitUntilReady();
    const failed = nextEvent(s, 'failed');
    await crash(s, endpoint);
    const event = await failed;
    assert.equal(event.type, 'failed');
    assert.equal(s.endpoint, undefined);
  });

  it('stops with SIGTERM, then SIGKILL when the server ignores it', async () => {
    const s = make({ FAKE_IGNORE_SIGTERM: '1' });
    const { pid } = await s.start();
    const t0 = Date.now();
    await s.stop();
    assert.ok(!alive(pid), 'server process is gone');
    assert.ok(Date.now() - t0 >= 400, 'it waited for the grace period before SIGKILL');
    assert.equal(s.endpoint, undefined);
  });
});
