import { GgufFileSpec } from '../../engine/gguf/ggufWriter';
import { GgufEntry, gguf } from '../../engine/gguf/ggufTypes';
import { TensorFactory } from './tensorFactory';
import { TINY_GEMMA4, generalKeys } from './tinyGemma4Config';

/**
 * Encoder-free keys for one modality: no transformer blocks, just the projection into the
 * target's embedding width (tools/mtmd/clip.cpp reads all of these as required).
 */
function modalityKeys(modality: 'vision' | 'audio', embd: number): GgufEntry[] {
  const k = (name: string): string => `clip.${modality}.${name}`;
  return [
    [k('embedding_length'), gguf.u32(embd)],
    [k('feed_forward_length'), gguf.u32(0)],
    [k('block_count'), gguf.u32(0)],
    [k('attention.head_count'), gguf.u32(0)],
    [k('projection_dim'), gguf.u32(TINY_GEMMA4.target.nEmbd)],
    [k('attention.layer_norm_epsilon'), gguf.f32(TINY_GEMMA4.projector.eps)],
  ];
}

/** The multimodal projector: gemma4uv for images, gemma4ua for audio, in one "clip" file. */
export function tinyGemma4ProjectorSpec(seed: number): GgufFileSpec {
  const p = TINY_GEMMA4.projector;
  const nEmbd = TINY_GEMMA4.target.nEmbd;
  const patch = p.patchSize * p.scaleFactor;
  const patchValues = patch * patch * 3;
  const f = new TensorFactory(seed ^ 0x0c11_9a0d);

  return {
    metadata: [
      ...generalKeys('clip', 'tiny-gemma4-mmproj', 'mmproj'),
      ['clip.has_vision_encoder', gguf.bool(true)],
      ['clip.has_audio_encoder', gguf.bool(true)],
      ['clip.vision.projector_type', gguf.str('gemma4uv')],
      ['clip.audio.projector_type', gguf.str('gemma4ua')],
      ...modalityKeys('vision', p.visionEmbd),
      ['clip.vision.image_size', gguf.u32(p.imageSize)],
      ['clip.vision.patch_size', gguf.u32(p.patchSize)],
      ['clip.vision.projector.scale_factor', gguf.u32(p.scaleFactor)],
      ['clip.vision.image_mean', gguf.numbers('float32', [0.5, 0.5, 0.5])],
      ['clip.vision.image_std', gguf.numbers('float32', [0.5, 0.5, 0.5])],
      ...modalityKeys('audio', p.audioFrame),
      ['clip.audio.num_mel_bins', gguf.u32(p.audioFrame)],
    ],
    tensors: [
      f.linear('v.patch_embd.weight', [patchValues, p.visionEmbd]),
      f.constant('v.patch_embd.bias', [p.visionEmbd], 0),
      f.constant('v.patch_norm.1.weight', [patchValues], 1),
      f.constant('v.patch_norm.1.bias', [patchValues], 0),
      f.constant('v.patch_norm.2.weight', [p.visionEmbd], 1),
      f.constant('v.patch_norm.2.bias', [p.visionEmbd], 0),
      f.constant('v.patch_norm.3.weight', [p.visionEmbd], 1),
      f.constant('v.patch_norm.3.bias', [p.visionEmbd], 0),
      // x table then y table, one row per patch position
      f.normal('v.position_embd.weight', [p.visionEmbd, p.positions, 2], 0.1),
      f.linear('mm.input_projection.weight', [p.visionEmbd, nEmbd]),
      f.linear('mm.a.input_projection.weight', [p.audioFrame, nEmbd]),
    ],
  };
}
