import { GgufFileSpec, GgufTensorSource } from '../../engine/gguf/ggufWriter';
import { gguf } from '../../engine/gguf/ggufTypes';
import { Gemma4Vocab, gemma4VocabMetadata } from './gemma4Vocab';
import { TensorFactory } from './tensorFactory';
import { TINY_GEMMA4, gemma4AttentionKeys, generalKeys, ropeFreqFactor } from './tinyGemma4Config';
import { targetTokenEmbedding } from './tinyGemma4Target';

export const DRAFTER_ARCH = 'gemma4-assistant';

/**
 * Layer tensors as src/models/gemma4-assistant.cpp creates them. There is no K or V: the
 * drafter attends over the target's last sliding and last full KV caches. The post norms
 * are small, so the layers run (and read the shared cache) without drowning the signal
 * that the pre-projection carries straight through.
 */
function layerTensors(f: TensorFactory, il: number): GgufTensorSource[] {
  const d = TINY_GEMMA4.drafter;
  const b = (name: string): string => `blk.${il}.${name}.weight`;
  const qDim = d.nHead * d.headDim;
  return [
    f.constant(b('attn_norm'), [d.nEmbd], 1),
    f.linear(b('attn_q'), [d.nEmbd, qDim]),
    f.linear(b('attn_output'), [qDim, d.nEmbd]),
    f.constant(b('attn_q_norm'), [d.headDim], 1),
    f.constant(b('post_attention_norm'), [d.nEmbd], TINY_GEMMA4.drafterBlockGain),
    f.constant(b('layer_output_scale'), [1], 1),
    f.constant(b('ffn_norm'), [d.nEmbd], 1),
    f.linear(b('ffn_gate'), [d.nEmbd, d.nFf]),
    f.linear(b('ffn_up'), [d.nEmbd, d.nFf]),
    f.linear(b('ffn_down'), [d.nFf, d.nEmbd]),
    f.constant(b('post_ffw_norm'), [d.nEmbd], TINY_GEMMA4.drafterBlockGain),
  ];
}

/**
 * The drafter's embedding: each row is the first n_embd_drafter values of the target's row
 * for the same token, so drafter logits score tokens by their likeness to the token the
 * pre-projection passes through.
 */
function drafterTokenEmbedding(seed: number, vocab: Gemma4Vocab): GgufTensorSource {
  const width = TINY_GEMMA4.drafter.nEmbd;
  const targetWidth = TINY_GEMMA4.target.nEmbd;
  const target = targetTokenEmbedding(seed, vocab);
  return {
    name: 'token_embd.weight',
    shape: [width, vocab.tokens.length],
    data: () => {
      const full = target.data();
      const out = new Float32Array(width * vocab.tokens.length);
      for (let row = 0; row < vocab.tokens.length; row++) {
        out.set(full.subarray(row * targetWidth, row * targetWidth + width), row * width);
      }
      return out;
    },
  };
}

/**
 * {2*n_embd_target, n_embd_drafter}: the input is [target embedding of the last token, target
 * hidden state]. Output j copies input j of the embedding half and adds a little of the hidden
 * state, so the drafter proposes the token it was given again. The target is tuned to repeat
 * tokens in runs (see TINY_GEMMA4.blockGain), so drafts are often accepted and sometimes not,
 * and both paths of speculative decoding get exercised.
 */
function preProjection(seed: number): GgufTensorSource {
  const inWidth = 2 * TINY_GEMMA4.target.nEmbd;
  const outWidth = TINY_GEMMA4.drafter.nEmbd;
  const noise = new TensorFactory(seed).normal(
    'nextn.pre_projection.weight',
    [inWidth, outWidth],
    TINY_GEMMA4.drafterHiddenGain / Math.sqrt(TINY_GEMMA4.target.nEmbd),
  );
  return {
    name: noise.name,
    shape: noise.shape,
    data: () => {
      const w = noise.data();
      for (let j = 0; j < outWidth; j++) {
        for (let i = 0; i < TINY_GEMMA4.target.nEmbd; i++) w[j * inWidth + i] = i === j ? 1 : 0;
      }
      return w;
    },
  };
}

/**
 * The MTP drafter (arch "gemma4-assistant"). Its width differs from the target's on purpose:
 * llama.cpp refuses a drafter whose embedding_length_out equals its own embedding_length.
 */
export function tinyGemma4DrafterSpec(seed: number, vocab: Gemma4Vocab, contextLength: number = TINY_GEMMA4.contextLength): GgufFileSpec {
  const d = TINY_GEMMA4.drafter;
  const targetEmbd = TINY_GEMMA4.target.nEmbd;
  const drafterSeed = seed ^ 0x5eed_d4af;
  const f = new TensorFactory(drafterSeed);
  const tensors: GgufTensorSource[] = [
    drafterTokenEmbedding(seed, vocab),
    f.constant('output_norm.weight', [d.nEmbd], 1),
    preProjection(drafterSeed),
    f.linear('nextn.post_projection.weight', [d.nEmbd, targetEmbd]),
    f.fromValues('rope_freqs.weight', [d.headDim / 2], (pair) => ropeFreqFactor(pair, d.headDim)),
  ];
  for (let il = 0; il < d.nLayer; il++) tensors.push(...layerTensors(f, il));

  return {
    metadata: [
      ...generalKeys(DRAFTER_ARCH, 'tiny-gemma4-assistant', 'model'),
      ...gemma4AttentionKeys(DRAFTER_ARCH, d, contextLength),
      [`${DRAFTER_ARCH}.embedding_length_out`, gguf.u32(targetEmbd)],
      [`${DRAFTER_ARCH}.nextn_predict_layers`, gguf.u32(d.nLayer)],
      ...gemma4VocabMetadata(vocab),
    ],
    tensors,
  };
}
