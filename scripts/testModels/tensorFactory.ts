import { GgufTensorSource } from '../../engine/gguf/ggufWriter';
import { normalStream } from './seededRandom';

function count(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * Makes lazy F32 tensor sources whose values depend only on (seed, tensor name), so a set
 * written twice with one seed is byte-identical.
 */
export class TensorFactory {
  constructor(private readonly seed: number) {}

  /** A weight matrix {fan_in, fan_out}: scaled so activations keep roughly unit size. */
  linear(name: string, shape: readonly number[], gain = 1): GgufTensorSource {
    return this.normal(name, shape, gain / Math.sqrt(shape[0]));
  }

  normal(name: string, shape: readonly number[], std: number, mean = 0): GgufTensorSource {
    const seed = this.seed;
    return {
      name,
      shape,
      data: () => {
        const next = normalStream(seed, name);
        const out = new Float32Array(count(shape));
        for (let i = 0; i < out.length; i++) out[i] = mean + std * next();
        return out;
      },
    };
  }

  constant(name: string, shape: readonly number[], value: number): GgufTensorSource {
    return { name, shape, data: () => new Float32Array(count(shape)).fill(value) };
  }

  /**
   * A matrix whose rows (the ne1 index) each get their own standard deviation, for
   * embeddings where some tokens must stand out and others stay quiet.
   */
  rows(name: string, shape: readonly [number, number], stdOfRow: (row: number) => number): GgufTensorSource {
    const seed = this.seed;
    return {
      name,
      shape,
      data: () => {
        const next = normalStream(seed, name);
        const [width, height] = shape;
        const out = new Float32Array(width * height);
        for (let r = 0; r < height; r++) {
          const std = stdOfRow(r);
          for (let c = 0; c < width; c++) out[r * width + c] = std * next();
        }
        return out;
      },
    };
  }

  fromValues(name: string, shape: readonly number[], values: (i: number) => number): GgufTensorSource {
    return {
      name,
      shape,
      data: () => {
        const out = new Float32Array(count(shape));
        for (let i = 0; i < out.length; i++) out[i] = values(i);
        return out;
      },
    };
  }
}
