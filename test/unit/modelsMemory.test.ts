import { strict as assert } from 'node:assert';
import { chooseContextAndGpuLayers, contextCandidates } from '../../engine/models/fitChoice';
import { estimateMemory, kvCacheBytesPerLayer } from '../../engine/models/memoryEstimate';
import { ProjectorInfo, TextModelInfo } from '../../engine/models/modelInfo';

const MiB = 1024 * 1024;
const GB = 1e9;

/** Shaped like a Gemma 4 block: five sliding layers with 8 KV heads, then a full one with 2. */
const model: TextModelInfo = {
  kind: 'text',
  path: '/models/gemma.gguf',
  fileSize: 6.5 * GB,
  architecture: 'gemma4',
  embeddingLength: 3840,
  blockCount: 6,
  contextLength: 131072,
  headCount: [16, 16, 16, 16, 16, 16],
  headCountKv: [8, 8, 8, 8, 8, 2],
  keyLength: 512,
  valueLength: 512,
  keyLengthSwa: 256,
  valueLengthSwa: 256,
  slidingWindow: 1024,
  slidingWindowPattern: [true, true, true, true, true, false],
  sharedKvLayers: 0,
  vocabularySize: 262144,
  layerWeightBytes: [GB, GB, GB, GB, GB, GB],
  otherWeightBytes: 0.5 * GB,
  outputWeightBytes: 0.5 * GB,
  tiedOutput: true,
};

const drafter: TextModelInfo = {
  ...model,
  path: '/models/drafter.gguf',
  architecture: 'gemma4-assistant',
  fileSize: 0.2 * GB,
  embeddingLength: 1024,
  embeddingLengthOut: 3840,
};

const projector: ProjectorInfo = {
  kind: 'projector',
  path: '/models/mmproj.gguf',
  fileSize: 0.3 * GB,
  architecture: 'clip',
  vision: { projectorType: 'gemma4uv', projectionDim: 3840 },
  audio: { projectorType: 'gemma4ua', projectionDim: 3840 },
};

// Sliding layers keep the window plus one micro-batch (512), padded to 256 cells: 1536.
const SLIDING_32K = 1536 * 8 * (256 + 256) * 2;
const FULL_32K = 32768 * 2 * (512 + 512) * 2;

describe('models: memory estimate', () => {
  it('sizes the KV cache per layer from heads, head sizes and the sliding window', () => {
    const perLayer = kvCacheBytesPerLayer(model, 32768);
    assert.deepEqual(perLayer, [SLIDING_32K, SLIDING_32K, SLIDING_32K, SLIDING_32K, SLIDING_32K, FULL_32K]);
    assert.equal(SLIDING_32K, 12_582_912);
    assert.equal(FULL_32K, 134_217_728);
  });

  it('caps sliding layers at the context, grows them with --swa-full, and skips shared layers', () => {
    const small = kvCacheBytesPerLayer(model, 1024);
    assert.equal(small[0], 1024 * 8 * 512 * 2);
    assert.equal(small[5], 1024 * 2 * 1024 * 2);

    const swaFull = kvCacheBytesPerLayer(model, 32768, { swaFull: true });
    assert.equal(swaFull[0], 32768 * 8 * 512 * 2);

    const shared = kvCacheBytesPerLayer({ ...model, sharedKvLayers: 2 }, 32768);
    assert.deepEqual(shared, [SLIDING_32K, SLIDING_32K, SLIDING_32K, SLIDING_32K, 0, 0]);

    const q8 = kvCacheBytesPerLayer(model, 32768, { kvBytesPerElement: 1 });
    assert.equal(q8[5], FULL_32K / 2);
  });

  it('adds weights, cache and compute buffers', () => {
    const e = estimateMemory({ model, drafter, projector }, 32768);
    assert.equal(e.weightBytes, 7 * GB);
    assert.equal(e.kvCacheBytes, 5 * SLIDING_32K + FULL_32K);
    // 256 MiB + 512 tokens x 3840 x 4 bytes x 32 + the f16 mask of 512 x 32768
    assert.equal(e.modelComputeBytes, 256 * MiB + 512 * 3840 * 4 * 32 + 512 * 32768 * 2);
    assert.equal(e.drafterComputeBytes, 64 * MiB);
    assert.equal(e.projectorComputeBytes, 64 * MiB);
    assert.equal(e.totalBytes, e.weightBytes + e.kvCacheBytes + e.computeBytes);

    const alone = estimateMemory({ model }, 32768);
    assert.equal(alone.weightBytes, 6.5 * GB);
    assert.equal(alone.computeBytes, alone.modelComputeBytes);
  });

  it('explains which key is missing instead of guessing', () => {
    assert.throws(() => estimateMemory({ model: { ...model, keyLength: undefined } }, 4096), /lacks gemma4\.attention\.key_length/);
  });
});

describe('models: context and GPU layers', () => {
  it('steps down by powers of two from the request to the usable minimum of 8192, never below unless asked', () => {
    assert.deepEqual(contextCandidates(131072, 131072), [131072, 65536, 32768, 16384, 8192]);
    assert.deepEqual(contextCandidates(40000, 131072), [40000, 32768, 16384, 8192]);
    assert.deepEqual(contextCandidates(0, 8192), [8192]);
    assert.deepEqual(contextCandidates(500000, 8192), [8192]);
    assert.deepEqual(contextCandidates(1000, 8192), [1000], 'a smaller context the user asked for is kept');
    assert.deepEqual(contextCandidates(16384, 4096), [4096], 'so is the training context of a small model');
  });

  it('keeps the request on the CPU when RAM is plentiful', () => {
    const c = chooseContextAndGpuLayers({ info: { model }, requestedContext: 32768, availableRamBytes: 64 * GB });
    assert.equal(c.fits, true);
    assert.equal(c.contextSize, 32768);
    assert.equal(c.gpuLayers, 0);
    assert.equal(c.explanation, undefined);
    assert.equal(c.ramBytes, c.estimate.totalBytes);
    assert.equal(c.vramBytes, 0);
  });

  it('shrinks the context to what RAM holds and says so', () => {
    const ram = estimateMemory({ model }, 16384).totalBytes + 1;
    const c = chooseContextAndGpuLayers({ info: { model }, requestedContext: 32768, availableRamBytes: ram });
    assert.equal(c.fits, true);
    assert.equal(c.contextSize, 16384);
    assert.match(c.explanation ?? '', /Context reduced from 32,768 to 16,384 tokens/);
  });

  it('puts everything on a GPU that holds it', () => {
    const c = chooseContextAndGpuLayers({
      info: { model, drafter, projector },
      requestedContext: 32768,
      availableRamBytes: 16 * GB,
      availableVramBytes: 24 * GB,
    });
    assert.equal(c.fits, true);
    assert.equal(c.contextSize, 32768);
    assert.equal(c.gpuLayers, 7, 'every layer plus the output');
    assert.equal(c.drafterOnGpu, true);
    assert.equal(c.projectorOnGpu, true);
    assert.equal(c.explanation, undefined);
    // The tied output is a second copy of the embedding, which stays in RAM for the input.
    assert.equal(c.ramBytes, model.fileSize - 6 * GB);
    assert.equal(c.vramBytes, c.estimate.totalBytes - c.ramBytes + 0.5 * GB);
  });

  it('splits layers between GPU and CPU when the GPU is small', () => {
    // At 4096 tokens: the last three layers (two sliding, one full) with their caches and the
    // compute buffer need about 3.57 GB; a fourth layer would need 4.58 GB.
    const c = chooseContextAndGpuLayers({
      info: { model },
      requestedContext: 4096,
      availableRamBytes: 16 * GB,
      availableVramBytes: 4 * GB,
    });
    assert.equal(c.fits, true);
    assert.equal(c.contextSize, 4096);
    assert.equal(c.gpuLayers, 3);
    const compute = 256 * MiB + 512 * 3840 * 4 * 32 + 512 * 4096 * 2;
    assert.equal(c.vramBytes, 3 * GB + 2 * SLIDING_32K + 4096 * 2 * 1024 * 2 + compute);
    assert.match(c.explanation ?? '', /3 of 6 layers run on the GPU/);
  });

  it('moves the drafter and projector to the CPU before giving up GPU layers', () => {
    const all = chooseContextAndGpuLayers({
      info: { model, drafter, projector },
      requestedContext: 4096,
      availableRamBytes: 16 * GB,
      availableVramBytes: 100 * GB,
    });
    const tight = all.vramBytes - 0.1 * GB;
    const c = chooseContextAndGpuLayers({
      info: { model, drafter, projector },
      requestedContext: 4096,
      availableRamBytes: 16 * GB,
      availableVramBytes: tight,
    });
    assert.equal(c.gpuLayers, 7);
    assert.equal(c.drafterOnGpu, false);
    assert.equal(c.projectorOnGpu, false);
    assert.match(c.explanation ?? '', /drafter and projector run on the CPU/);
  });

  it('caps the context at the training length and explains it', () => {
    const c = chooseContextAndGpuLayers({
      info: { model: { ...model, contextLength: 8192 } },
      requestedContext: 32768,
      availableRamBytes: 64 * GB,
    });
    assert.equal(c.contextSize, 8192);
    assert.match(c.explanation ?? '', /trained for 8,192 tokens/);
  });

  it('says plainly when nothing fits', () => {
    const c = chooseContextAndGpuLayers({ info: { model }, requestedContext: 32768, availableRamBytes: 4 * GB });
    assert.equal(c.fits, false);
    assert.equal(c.contextSize, 8192);
    assert.match(c.explanation ?? '', /does not fit in memory even with a context of 8,192 tokens/);
    assert.match(c.explanation ?? '', /4\.0 GB of RAM is available/);
    assert.match(c.explanation ?? '', /smaller quantization/);
  });
});
