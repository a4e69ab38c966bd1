import { GgufEntry, gguf } from '../../engine/gguf/ggufTypes';

/**
 * Sizes of the tiny Gemma 4 set. They are the smallest that keep every structural rule of
 * the real model that llama.cpp checks: sliding and full attention layers (the last full,
 * the one before it sliding, since the drafter reads exactly those two KV caches), grouped
 * KV heads, a drafter with its own width, and the 48 px vision patches.
 */
export interface AttentionDims {
  readonly nEmbd: number;
  readonly nLayer: number;
  readonly nHead: number;
  readonly nHeadKv: number;
  readonly headDim: number;
  readonly nFf: number;
  /** One entry per layer, true = sliding window attention. */
  readonly slidingPattern: readonly boolean[];
}

export const TINY_GEMMA4 = {
  contextLength: 8192,
  slidingWindow: 512,
  rmsEps: 1e-6,
  ropeFreqBase: 1_000_000,
  ropeFreqBaseSwa: 10_000,
  /** Share of rotated pairs on full-attention layers ("proportional" RoPE, 25% as in Gemma 4). */
  partialRotaryFactor: 0.25,
  target: {
    nEmbd: 64,
    nLayer: 4,
    nHead: 2,
    nHeadKv: 1,
    headDim: 32,
    nFf: 128,
    slidingPattern: [true, false, true, false],
  } satisfies AttentionDims,
  drafter: {
    nEmbd: 32,
    nLayer: 2,
    nHead: 2,
    nHeadKv: 1,
    headDim: 32,
    nFf: 64,
    slidingPattern: [true, false],
  } satisfies AttentionDims,
  projector: {
    visionEmbd: 32,
    patchSize: 16,
    /** Gemma 4's pooling kernel: 16 px patches merged 3x3 into 48 px tokens. */
    scaleFactor: 3,
    /** Positions per axis; at least the patches per side of the largest image (1120 tokens). */
    positions: 1120,
    imageSize: 224,
    /** The gemma4ua projector cuts 16 kHz audio into 640-sample (40 ms) frames. */
    audioFrame: 640,
    eps: 1e-6,
  },
  /**
   * Standard deviation of embedding rows for tokens the model may say (printable ASCII and
   * merges) versus all others. Quiet rows keep special tokens and stray bytes out of greedy
   * output, so replies are plain text that the Gemma 4 response parser accepts.
   */
  loudRowStd: 1,
  quietRowStd: 0.02,
  /**
   * The final norm's weight: it multiplies every logit. With unit-size embeddings this puts
   * the top logits several units apart, so greedy decoding picks the same token whether the
   * target scores one token or a batch of drafted ones.
   */
  logitGain: 3,
  /**
   * Weight of the target's post-attention and post-FFN norms. With tied embeddings a model
   * whose residual stream is mostly the current token's embedding just repeats that token;
   * larger block outputs make the next token depend on the context. At 16 replies repeat
   * tokens in short runs and switch often: varied enough that greedy runs with and without
   * the drafter can disagree if verification is wrong, repetitive enough that the drafter
   * (which proposes the last token again) is accepted about a third of the time.
   */
  blockGain: 16,
  /** The drafter's own layers only add a little to what its pre-projection passes through. */
  drafterBlockGain: 0.05,
  /** How much of the target's hidden state the drafter mixes into its input. */
  drafterHiddenGain: 0.05,
} as const;

/**
 * Keys shared by the target and the drafter; both read them with their own architecture prefix.
 * `contextLength` is the training context the header claims; only the KV cache llama-server
 * allocates grows with it, the weights stay the same size.
 */
export function gemma4AttentionKeys(arch: string, d: AttentionDims, contextLength: number = TINY_GEMMA4.contextLength): GgufEntry[] {
  const k = (name: string): string => `${arch}.${name}`;
  return [
    [k('context_length'), gguf.u32(contextLength)],
    [k('embedding_length'), gguf.u32(d.nEmbd)],
    [k('block_count'), gguf.u32(d.nLayer)],
    [k('feed_forward_length'), gguf.u32(d.nFf)],
    [k('attention.head_count'), gguf.u32(d.nHead)],
    [k('attention.head_count_kv'), gguf.u32(d.nHeadKv)],
    [k('attention.key_length'), gguf.u32(d.headDim)],
    [k('attention.value_length'), gguf.u32(d.headDim)],
    [k('attention.key_length_swa'), gguf.u32(d.headDim)],
    [k('attention.value_length_swa'), gguf.u32(d.headDim)],
    [k('attention.layer_norm_rms_epsilon'), gguf.f32(TINY_GEMMA4.rmsEps)],
    [k('attention.sliding_window'), gguf.u32(TINY_GEMMA4.slidingWindow)],
    // llama.cpp reads this with get_arr: a bool array, one per layer; a scalar fails the load.
    [k('attention.sliding_window_pattern'), gguf.bools(d.slidingPattern)],
    [k('rope.freq_base'), gguf.f32(TINY_GEMMA4.ropeFreqBase)],
    [k('rope.freq_base_swa'), gguf.f32(TINY_GEMMA4.ropeFreqBaseSwa)],
    [k('rope.dimension_count'), gguf.u32(d.headDim)],
    [k('rope.dimension_count_swa'), gguf.u32(d.headDim)],
  ];
}

/** rope_freqs for full-attention layers: 1 rotates a pair, 1e30 makes its angle vanish. */
export function ropeFreqFactor(pair: number, headDim: number): number {
  const rotated = Math.round((headDim / 2) * TINY_GEMMA4.partialRotaryFactor);
  return pair < rotated ? 1 : 1e30;
}

export function generalKeys(arch: string, name: string, type: 'model' | 'mmproj'): GgufEntry[] {
  return [
    ['general.architecture', gguf.str(arch)],
    ['general.type', gguf.str(type)],
    ['general.name', gguf.str(name)],
    // 0 = all tensors F32
    ['general.file_type', gguf.u32(0)],
  ];
}
