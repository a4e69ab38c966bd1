import { ModelFileInfo, TextModelInfo } from './modelInfo';

/**
 * How much memory llama-server will need for a model set at a given context size, following
 * what llama.cpp allocates: the weights (mapped from the files), a KV cache per layer, and
 * compute buffers. The KV part mirrors llama-kv-cache-iswa.cpp; the compute part is an
 * allowance, since the real figure depends on the backend and is only known after loading.
 */

export interface MemoryModelSet {
  readonly model: TextModelInfo;
  readonly drafter?: ModelFileInfo;
  readonly projector?: ModelFileInfo;
}

export interface MemoryEstimateOptions {
  /** Bytes per cached K or V element: 2 for llama.cpp's default f16 cache. */
  readonly kvBytesPerElement?: number;
  /** llama-server's micro-batch (`-ub`, default 512); sliding layers keep this many extra cells. */
  readonly ubatchSize?: number;
  /** `--swa-full`: sliding layers keep the whole context, as slot save/restore needs. */
  readonly swaFull?: boolean;
  /** llama-server's host-memory prompt cache (`--cache-ram`), always in RAM. Default 0. */
  readonly hostPromptCacheBytes?: number;
}

export interface MemoryEstimate {
  readonly contextSize: number;
  readonly modelWeightBytes: number;
  readonly drafterWeightBytes: number;
  readonly projectorWeightBytes: number;
  readonly weightBytes: number;
  /** One entry per layer; 0 for layers that share an earlier layer's cache. */
  readonly kvCacheBytesPerLayer: readonly number[];
  readonly kvCacheBytes: number;
  /** Compute buffers of the model, the drafter and the projector. */
  readonly modelComputeBytes: number;
  readonly drafterComputeBytes: number;
  readonly projectorComputeBytes: number;
  readonly computeBytes: number;
  /** The host prompt cache it was told to keep (RAM only). */
  readonly hostPromptCacheBytes: number;
  readonly totalBytes: number;
}

const MiB = 1024 * 1024;
const DEFAULT_UBATCH = 512;
/** llama.cpp pads cache sizes to this many cells. */
const KV_PAD = 256;
/** Graph overhead and scratch that do not grow with the batch (measured buffers sit well under). */
const COMPUTE_BASE_BYTES = 256 * MiB;
/** f32 activations of one micro-batch, with room for the widest intermediate tensors. */
const ACTIVATION_WIDTH_FACTOR = 32;
const SMALL_COMPUTE_BYTES = 64 * MiB;

function padTo(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

function missingKey(info: TextModelInfo, key: string): never {
  throw new Error(
    `Cannot estimate memory for ${info.path}: its GGUF header lacks ${info.architecture}.${key}. ` +
      'Check the file with checkModelSet first.',
  );
}

function requireNumber(value: number | undefined, key: string, info: TextModelInfo): number {
  return value === undefined ? missingKey(info, key) : value;
}

/** Cells each layer's cache holds, or 0 where the layer shares an earlier layer's cache. */
export function kvCellsPerLayer(info: TextModelInfo, contextSize: number, options: MemoryEstimateOptions = {}): number[] {
  const layers = requireNumber(info.blockCount, 'block_count', info);
  const ubatch = options.ubatchSize ?? DEFAULT_UBATCH;
  const full = padTo(contextSize, KV_PAD);
  const window = info.slidingWindow;
  const sliding =
    window !== undefined && !options.swaFull ? Math.min(full, padTo(window + ubatch, KV_PAD)) : full;
  const withOwnCache = layers - info.sharedKvLayers;
  return Array.from({ length: layers }, (_, i) => {
    if (i >= withOwnCache) return 0;
    return info.slidingWindowPattern?.[i] ? sliding : full;
  });
}

export function kvCacheBytesPerLayer(
  info: TextModelInfo,
  contextSize: number,
  options: MemoryEstimateOptions = {},
): number[] {
  const bytesPerElement = options.kvBytesPerElement ?? 2;
  const headsKv = info.headCountKv?.length ? info.headCountKv : missingKey(info, 'attention.head_count_kv');
  const keyLength = requireNumber(info.keyLength, 'attention.key_length', info);
  const valueLength = requireNumber(info.valueLength, 'attention.value_length', info);
  const keyLengthSwa = info.keyLengthSwa ?? keyLength;
  const valueLengthSwa = info.valueLengthSwa ?? valueLength;
  return kvCellsPerLayer(info, contextSize, options).map((cells, i) => {
    const sliding = info.slidingWindowPattern?.[i] ?? false;
    const heads = headsKv[i] ?? headsKv[0];
    const headBytes = sliding ? keyLengthSwa + valueLengthSwa : keyLength + valueLength;
    return cells * heads * headBytes * bytesPerElement;
  });
}

function textComputeBytes(info: TextModelInfo, contextSize: number, ubatch: number): number {
  const width = info.embeddingLength ?? 0;
  const activations = ubatch * width * 4 * ACTIVATION_WIDTH_FACTOR;
  // The f16 attention mask spans the whole context for every token of the micro-batch.
  const mask = ubatch * padTo(contextSize, KV_PAD) * 2;
  return COMPUTE_BASE_BYTES + activations + mask;
}

export function estimateMemory(
  set: MemoryModelSet,
  contextSize: number,
  options: MemoryEstimateOptions = {},
): MemoryEstimate {
  const ubatch = options.ubatchSize ?? DEFAULT_UBATCH;
  const perLayer = kvCacheBytesPerLayer(set.model, contextSize, options);
  const kvCacheBytes = perLayer.reduce((a, b) => a + b, 0);
  const modelWeightBytes = set.model.fileSize;
  const drafterWeightBytes = set.drafter?.fileSize ?? 0;
  const projectorWeightBytes = set.projector?.fileSize ?? 0;
  const weightBytes = modelWeightBytes + drafterWeightBytes + projectorWeightBytes;
  const modelComputeBytes = textComputeBytes(set.model, contextSize, ubatch);
  // The drafter runs a few tokens at a time and the projector one image or clip at a time.
  const drafterComputeBytes = set.drafter ? SMALL_COMPUTE_BYTES : 0;
  const projectorComputeBytes = set.projector ? SMALL_COMPUTE_BYTES : 0;
  const computeBytes = modelComputeBytes + drafterComputeBytes + projectorComputeBytes;
  return {
    contextSize,
    modelWeightBytes,
    drafterWeightBytes,
    projectorWeightBytes,
    weightBytes,
    kvCacheBytesPerLayer: perLayer,
    kvCacheBytes,
    modelComputeBytes,
    drafterComputeBytes,
    projectorComputeBytes,
    computeBytes,
    hostPromptCacheBytes: options.hostPromptCacheBytes ?? 0,
    totalBytes: weightBytes + kvCacheBytes + computeBytes + (options.hostPromptCacheBytes ?? 0),
  };
}
