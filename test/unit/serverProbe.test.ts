import { strict as assert } from 'node:assert';
import { parseDeviceList } from '../../engine/binary/serverProbe';

describe('GPU memory as llama-server lists it', () => {
  it('reads each device with its total and free memory', () => {
    const listing = ['load_backend: loaded CUDA backend', 'Available devices:', '  CUDA0: NVIDIA GeForce RTX 4060 Laptop GPU (8188 MiB, 7720 MiB free)', '  Vulkan0: AMD Radeon(TM) Graphics (2048 MiB, 1900 MiB free)', ''].join('\n');
    assert.deepEqual(parseDeviceList(listing).map((d) => [d.name, d.totalBytes / 2 ** 20, d.freeBytes / 2 ** 20]), [
      ['CUDA0', 8188, 7720],
      ['Vulkan0', 2048, 1900],
    ]);
    assert.deepEqual(parseDeviceList('Available devices:\n  (none)\n'), []);
  });
});
