import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { planMemory } from '../../engine/launchPlan';
import { planRepoSet } from '../../engine/modelSetPlan';
import { inspectModelFile, inspectRemoteModel, listRepoFiles, pickModelSet, type TextModelInfo } from '../../engine/models';
import { ensureTinyGemma4Set, type TinyGemma4Set } from '../../scripts/testModels/tinyGemma4';
import { FileServer } from '../support/fileServer';

/*
 * The memory plan before the download: the GGUF headers come from range requests to a
 * loopback hub, so a set that cannot fit is caught before gigabytes move. The "Q8_0" file is
 * the synthetic model with 64 MiB of padding after its tensors, so it weighs more.
 */
describe('memory plan before the download', function () {
  this.timeout(30_000);
  let hub: FileServer;
  let tiny: TinyGemma4Set;
  const padding = Buffer.alloc(64 * 1024 * 1024);
  const repo = '/o/r';

  before(async () => {
    tiny = await ensureTinyGemma4Set();
    hub = await FileServer.start();
    const files: Record<string, Buffer> = {
      'm-Q8_0.gguf': Buffer.concat([fs.readFileSync(tiny.model), padding]),
      'm-Q4_K_M.gguf': fs.readFileSync(tiny.model),
      'mtp-m.gguf': fs.readFileSync(tiny.drafter),
      'mmproj-F16.gguf': fs.readFileSync(tiny.projector),
    };
    hub.serveJson(`/api/models${repo}/tree/main`, Object.entries(files).map(([name, body]) => ({ type: 'file', path: name, size: 100, lfs: { size: body.length } })));
    for (const [name, body] of Object.entries(files)) hub.serve(`${repo}/resolve/main/${name}`, body);
  });
  after(async () => hub.close());

  it('reads a header over a range request exactly as from the whole file', async () => {
    const size = fs.statSync(tiny.model).size;
    const remote = await inspectRemoteModel(`${hub.url}${repo}/resolve/main/m-Q4_K_M.gguf`, size, { endpoint: hub.url });
    const local = await inspectModelFile(tiny.model);
    assert.deepEqual({ ...remote, path: '' }, { ...local, path: '' });
    const ranges = hub.requests.filter((r) => r.path.endsWith('m-Q4_K_M.gguf')).map((r) => r.range);
    assert.deepEqual(ranges, [`bytes=0-${size - 1}`], 'a file smaller than the range is asked for whole, once');
  });

  it('plans the set from the listing and headers, and offers the largest smaller quantization that fits', async () => {
    const files = await listRepoFiles('o', 'r', { endpoint: hub.url });
    const big = pickModelSet('o', 'r', files, 'Q8_0');
    const smallFit = planMemory({ model: (await inspectModelFile(tiny.model)) as TextModelInfo, drafter: await inspectModelFile(tiny.drafter), projector: await inspectModelFile(tiny.projector) }, 8192, { availableRamBytes: 64 * 1024 ** 3 });
    const ram = smallFit.ramBytes + 16 * 1024 * 1024; // room for the unpadded set, not for 64 MiB more

    const roomy = await planRepoSet(big, files, 8192, { availableRamBytes: 64 * 1024 ** 3, hub: { endpoint: hub.url } });
    assert.equal(roomy.fit.fits, true);
    assert.equal(roomy.smaller, undefined);

    const tight = await planRepoSet(big, files, 8192, { availableRamBytes: ram, hub: { endpoint: hub.url } });
    assert.equal(tight.fit.fits, false);
    assert.match(tight.fit.explanation ?? '', /does not fit in memory/);
    assert.equal(tight.smaller?.set.model.path, 'm-Q4_K_M.gguf');
    assert.equal(tight.smaller?.set.drafter?.path, 'mtp-m.gguf', 'the smaller set keeps its drafter and projector');
    assert.equal(tight.smaller?.fit.fits, true);

    const hopeless = await planRepoSet(big, files, 8192, { availableRamBytes: 1024, hub: { endpoint: hub.url } });
    assert.equal(hopeless.fit.fits, false);
    assert.equal(hopeless.smaller, undefined);
  });
});
