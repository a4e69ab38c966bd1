import { GgufFileSpec, GgufTensorSource } from '../gguf/ggufWriter';
import { gguf } from '../gguf/ggufTypes';
import { Gemma4Vocab, gemma4VocabMetadata } from './gemma4Vocab';
import { TensorFactory } from './tensorFactory';
import { TINY_GEMMA4, gemma4AttentionKeys, generalKeys, ropeFreqFactor } from './tinyGemma4Config';

export const DRAFTER_ARCH = 'gemma4-assistant';

/**
 * Layer tensors as src/models/gemma4-assistant.cpp creates them. There is no K or V: the
 * drafter attends over the target's last sliding and last full KV caches.
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
    f.constant(b('post_attention_norm'), [d.nEmbd], 1),
    f.constant(b('layer_output_scale'), [1], 1),
    f.constant(b('ffn_norm'), [d.nEmbd], 1),
    f.linear(b('ffn_gate'), [d.nEmbd, d.nFf]),
    f.linear(b('ffn_up'), [d.nEmbd, d.nFf]),
    f.linear(b('ffn_down'), [d.nFf, d.nEmbd]),
    f.constant(b('post_ffw_norm'), [d.nEmbd], 1),
  ];
}

/**
 * The MTP drafter (arch "gemma4-assistant"). Its width differs from the target's on purpose:
 * llama.cpp refuses a drafter whose embedding_length_out equals its own embedding_length.
 */
export function tinyGemma4DrafterSpec(seed: number, vocab: Gemma4Vocab): GgufFileSpec {
  const d = TINY_GEMMA4.drafter;
  const targetEmbd = TINY_GEMMA4.target.nEmbd;
  const f = new TensorFactory(seed ^ 0x5eed_d4af);
  const tensors: GgufTensorSource[] = [
    f.normal('token_embd.weight', [d.nEmbd, vocab.tokens.length], TINY_GEMMA4.loudRowStd),
    f.constant('output_norm.weight', [d.nEmbd], 1),
    // input: the target's token embedding concatenated with its last hidden state
    f.linear('nextn.pre_projection.weight', [2 * targetEmbd, d.nEmbd]),
    f.linear('nextn.post_projection.weight', [d.nEmbd, targetEmbd]),
    f.fromValues('rope_freqs.weight', [d.headDim / 2], (pair) => ropeFreqFactor(pair, d.headDim)),
  ];
  for (let il = 0; il < d.nLayer; il++) tensors.push(...layerTensors(f, il));

  return {
    metadata: [
      ...generalKeys(DRAFTER_ARCH, 'tiny-gemma4-assistant', 'model'),
      ...gemma4AttentionKeys(DRAFTER_ARCH, d),
      [`${DRAFTER_ARCH}.embedding_length_out`, gguf.u32(targetEmbd)],
      [`${DRAFTER_ARCH}.nextn_predict_layers`, gguf.u32(d.nLayer)],
      ...gemma4VocabMetadata(vocab),
    ],
    tensors,
  };
}
