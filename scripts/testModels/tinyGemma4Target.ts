import { GgufFileSpec, GgufTensorSource } from '../../engine/gguf/ggufWriter';
import { gguf } from '../../engine/gguf/ggufTypes';
import { Gemma4Vocab, gemma4VocabMetadata } from './gemma4Vocab';
import { TensorFactory } from './tensorFactory';
import { TINY_GEMMA4, gemma4AttentionKeys, generalKeys, ropeFreqFactor } from './tinyGemma4Config';

export const TARGET_ARCH = 'gemma4';

/** Tokens greedy decoding may pick: printable ASCII, newline, and the merged pairs. */
export function isSpeakableToken(vocab: Gemma4Vocab, id: number): boolean {
  const t = vocab.tokens[id];
  if (t.kind === 'merge') return true;
  if (t.kind !== 'byte' || t.byte === undefined) return false;
  return t.byte === 0x0a || (t.byte >= 0x20 && t.byte <= 0x7e);
}

/** Layer tensors in the order and shapes src/models/gemma4.cpp creates them. */
function layerTensors(f: TensorFactory, il: number): GgufTensorSource[] {
  const d = TINY_GEMMA4.target;
  const b = (name: string): string => `blk.${il}.${name}.weight`;
  const qDim = d.nHead * d.headDim;
  const kvDim = d.nHeadKv * d.headDim;
  return [
    f.constant(b('attn_norm'), [d.nEmbd], 1),
    f.linear(b('attn_q'), [d.nEmbd, qDim]),
    f.linear(b('attn_k'), [d.nEmbd, kvDim]),
    f.linear(b('attn_v'), [d.nEmbd, kvDim]),
    f.linear(b('attn_output'), [qDim, d.nEmbd]),
    f.constant(b('attn_q_norm'), [d.headDim], 1),
    f.constant(b('attn_k_norm'), [d.headDim], 1),
    f.constant(b('post_attention_norm'), [d.nEmbd], TINY_GEMMA4.blockGain),
    f.constant(b('layer_output_scale'), [1], 1),
    f.constant(b('ffn_norm'), [d.nEmbd], 1),
    f.linear(b('ffn_gate'), [d.nEmbd, d.nFf]),
    f.linear(b('ffn_up'), [d.nEmbd, d.nFf]),
    f.linear(b('ffn_down'), [d.nFf, d.nEmbd]),
    f.constant(b('post_ffw_norm'), [d.nEmbd], TINY_GEMMA4.blockGain),
  ];
}

/** The target's token embedding, also its output projection; the drafter derives its own from it. */
export function targetTokenEmbedding(seed: number, vocab: Gemma4Vocab): GgufTensorSource {
  return new TensorFactory(seed).rows('token_embd.weight', [TINY_GEMMA4.target.nEmbd, vocab.tokens.length], (id) =>
    isSpeakableToken(vocab, id) ? TINY_GEMMA4.loudRowStd : TINY_GEMMA4.quietRowStd,
  );
}

/** The target model (arch "gemma4"); token_embd doubles as the output projection, as in Gemma 4. */
export function tinyGemma4TargetSpec(seed: number, vocab: Gemma4Vocab, chatTemplate: string, contextLength: number = TINY_GEMMA4.contextLength): GgufFileSpec {
  const d = TINY_GEMMA4.target;
  const f = new TensorFactory(seed);
  const tensors: GgufTensorSource[] = [
    targetTokenEmbedding(seed, vocab),
    f.fromValues('rope_freqs.weight', [d.headDim / 2], (pair) => ropeFreqFactor(pair, d.headDim)),
    f.constant('output_norm.weight', [d.nEmbd], TINY_GEMMA4.logitGain),
  ];
  for (let il = 0; il < d.nLayer; il++) tensors.push(...layerTensors(f, il));

  return {
    metadata: [
      ...generalKeys(TARGET_ARCH, 'tiny-gemma4-target', 'model'),
      ...gemma4AttentionKeys(TARGET_ARCH, d, contextLength),
      // no per-layer token embeddings (that is the E2B/E4B layout)
      [`${TARGET_ARCH}.embedding_length_per_layer_input`, gguf.u32(0)],
      ...gemma4VocabMetadata(vocab, chatTemplate),
    ],
    tensors,
  };
}
