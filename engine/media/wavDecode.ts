import type { WavLayout } from './wavHeader';

/**
 * The samples as floats in [-1, 1], channels averaged into one. Non-finite float samples
 * (a broken writer) become 0 rather than poisoning every later sum.
 */
export function decodeWavMono(b: Uint8Array, layout: WavLayout): Float32Array {
  const { channels, frames, blockAlign, dataOffset, encoding } = layout;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float32Array(frames);
  const read = sampleReader(view, encoding);
  const slot = blockAlign / channels;
  const gain = 1 / channels;
  for (let f = 0; f < frames; f++) {
    let pos = dataOffset + f * blockAlign;
    let sum = 0;
    for (let c = 0; c < channels; c++, pos += slot) sum += read(pos);
    out[f] = Number.isFinite(sum) ? sum * gain : 0;
  }
  return out;
}

function sampleReader(view: DataView, encoding: WavLayout['encoding']): (pos: number) => number {
  switch (encoding) {
    case 'uint8':
      return (p) => (view.getUint8(p) - 128) / 128;
    case 'int16':
      return (p) => view.getInt16(p, true) / 32768;
    case 'int24':
      return (p) => ((view.getInt8(p + 2) << 16) | view.getUint16(p, true)) / 8388608;
    case 'int32':
      return (p) => view.getInt32(p, true) / 2147483648;
    case 'float32':
      return (p) => view.getFloat32(p, true);
    case 'float64':
      return (p) => view.getFloat64(p, true);
  }
}
