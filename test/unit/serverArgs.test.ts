import { strict as assert } from 'node:assert';
import { parseListeningUrl, serverArgs, type EngineLaunchConfig } from '../../engine/supervisor/serverArgs';

const base: Omit<EngineLaunchConfig, 'binary'> = { model: '/models/gemma.gguf', contextSize: 4096, gpuLayers: 'auto' };

describe('serverArgs', () => {
  it('binds loopback on an OS-chosen port with a key and metrics', () => {
    const args = serverArgs({ ...base, binary: 'x' }, 'k3y');
    const at = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
    assert.equal(at('--host'), '127.0.0.1');
    assert.equal(at('--port'), '0');
    assert.equal(at('--api-key'), 'k3y');
    assert.ok(args.includes('--metrics'));
    assert.equal(at('-m'), '/models/gemma.gguf');
    assert.equal(at('-c'), '4096');
    assert.ok(!args.includes('-md'), 'no drafter flags without a drafter');
  });

  it('adds the drafter with an explicit draft-mtp type, and the projector', () => {
    const args = serverArgs({ ...base, binary: 'x', drafter: '/m/d.gguf', projector: '/m/p.gguf', draft: { maxTokens: 2, minProbability: 0.6 } }, 'k');
    const at = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
    assert.equal(at('-md'), '/m/d.gguf');
    assert.equal(at('--spec-type'), 'draft-mtp');
    assert.equal(at('--spec-draft-n-max'), '2');
    assert.equal(at('--spec-draft-p-min'), '0.6');
    assert.equal(at('--mmproj'), '/m/p.gguf');
  });

  it('opens two slots sharing one KV buffer, so an inline chat does not wait for an agent step', () => {
    const args = serverArgs({ ...base, binary: 'x' }, 'k');
    assert.equal(args[args.indexOf('-np') + 1], '2');
    assert.ok(args.includes('--kv-unified'));
    const one = serverArgs({ ...base, binary: 'x', parallel: 1 }, 'k');
    assert.equal(one[one.indexOf('-np') + 1], '1');
    assert.ok(!one.includes('--kv-unified'), 'one slot needs no shared buffer');
  });

  it('reads the listening URL from the server log', () => {
    assert.equal(parseListeningUrl('srv          main: listening on http://127.0.0.1:41235'), 'http://127.0.0.1:41235');
    assert.equal(parseListeningUrl('main: loading model'), undefined);
  });
});
