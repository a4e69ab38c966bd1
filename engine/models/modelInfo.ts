import { GgufHeader, GgufMetadataValue, readGgufHeader, type ReadGgufHeaderOptions } from './ggufHeader';

/**
 * What the engine needs to know about one GGUF file, read from its header without loading
 * it. Fields are undefined when the file lacks the key, so a wrong or incomplete file can be
 * reported by `checkModelSet` instead of failing here.
 */

interface GgufFileFacts {
  readonly path: string;
  readonly fileSize: number;
  readonly architecture: string;
  /** `general.name`, when the file has one. */
  readonly name?: string;
}

/** A language model: the Gemma 4 target or its MTP drafter (gemma4-assistant). */
export interface TextModelInfo extends GgufFileFacts {
  readonly kind: 'text';
  readonly embeddingLength?: number;
  /** Drafter only: the width of the target it was trained for. */
  readonly embeddingLengthOut?: number;
  readonly blockCount?: number;
  /** Training context length. */
  readonly contextLength?: number;
  /** Per layer, expanded from a scalar when the file stores one. */
  readonly headCount?: readonly number[];
  readonly headCountKv?: readonly number[];
  readonly keyLength?: number;
  readonly valueLength?: number;
  /** Head dims of sliding-window layers; equal to the full ones when the file has no _swa keys. */
  readonly keyLengthSwa?: number;
  readonly valueLengthSwa?: number;
  readonly slidingWindow?: number;
  /** Per layer, true where the layer uses the sliding window. */
  readonly slidingWindowPattern?: readonly boolean[];
  /** Trailing layers that reuse an earlier layer's KV cache and keep none of their own. */
  readonly sharedKvLayers: number;
  /** Length of the token list. */
  readonly vocabularySize?: number;
  /** Weight bytes of each repeating layer (`blk.N.*`), for splitting layers across devices. */
  readonly layerWeightBytes: readonly number[];
  /** Weight bytes outside the repeating layers (embeddings, output, norms). */
  readonly otherWeightBytes: number;
  /**
   * Bytes of the output projection that moves to the GPU when every layer is offloaded.
   * With tied embeddings (no `output.weight`) it is a second copy of `token_embd.weight`.
   */
  readonly outputWeightBytes: number;
  /** True when the output projection is `token_embd.weight` used twice. */
  readonly tiedOutput: boolean;
}

export interface ProjectorEncoderInfo {
  readonly projectorType?: string;
  readonly projectionDim?: number;
  readonly embeddingLength?: number;
}

/** A multimodal projector (mmproj) for llama.cpp's mtmd: vision and/or audio. */
export interface ProjectorInfo extends GgufFileFacts {
  readonly kind: 'projector';
  readonly vision?: ProjectorEncoderInfo;
  readonly audio?: ProjectorEncoderInfo;
}

export type ModelFileInfo = TextModelInfo | ProjectorInfo;

function numberAt(meta: ReadonlyMap<string, GgufMetadataValue>, key: string): number | undefined {
  const v = meta.get(key);
  return typeof v === 'number' ? v : undefined;
}

function stringAt(meta: ReadonlyMap<string, GgufMetadataValue>, key: string): string | undefined {
  const v = meta.get(key);
  return typeof v === 'string' ? v : undefined;
}

function booleanAt(meta: ReadonlyMap<string, GgufMetadataValue>, key: string): boolean | undefined {
  const v = meta.get(key);
  return typeof v === 'boolean' ? v : undefined;
}

function arrayLength(meta: ReadonlyMap<string, GgufMetadataValue>, key: string): number | undefined {
  const v = meta.get(key);
  return typeof v === 'object' && v.kind === 'array' ? v.length : undefined;
}

/** llama.cpp's get_key_or_arr: a scalar applies to every layer, an array gives one per layer. */
function perLayerNumbers(
  meta: ReadonlyMap<string, GgufMetadataValue>,
  key: string,
  layers: number | undefined,
): number[] | undefined {
  const v = meta.get(key);
  if (typeof v === 'number') return layers === undefined ? [v] : new Array<number>(layers).fill(v);
  if (typeof v === 'object' && v.kind === 'array' && v.items?.every((x) => typeof x === 'number')) {
    return v.items as number[];
  }
  return undefined;
}

function perLayerBooleans(meta: ReadonlyMap<string, GgufMetadataValue>, key: string): boolean[] | undefined {
  const v = meta.get(key);
  if (typeof v === 'object' && v.kind === 'array' && v.items?.every((x) => typeof x === 'boolean')) {
    return v.items as boolean[];
  }
  return undefined;
}

interface WeightSplit {
  layers: number[];
  other: number;
  output: number;
  tied: boolean;
}

function splitWeights(header: GgufHeader, blockCount: number | undefined): WeightSplit {
  const layers = new Array<number>(blockCount ?? 0).fill(0);
  let other = 0;
  let output: number | undefined;
  let embedding = 0;
  for (const t of header.tensors) {
    const m = /^blk\.(\d+)\./.exec(t.name);
    const index = m ? Number(m[1]) : -1;
    if (index >= 0 && index < layers.length) layers[index] += t.byteLength;
    else other += t.byteLength;
    if (t.name === 'output.weight') output = t.byteLength;
    if (t.name === 'token_embd.weight') embedding = t.byteLength;
  }
  return { layers, other, output: output ?? embedding, tied: output === undefined };
}

function textModelInfo(header: GgufHeader, architecture: string): TextModelInfo {
  const meta = header.metadata;
  const k = (suffix: string): string => `${architecture}.${suffix}`;
  const blockCount = numberAt(meta, k('block_count'));
  const keyLength = numberAt(meta, k('attention.key_length'));
  const valueLength = numberAt(meta, k('attention.value_length'));
  const weights = splitWeights(header, blockCount);
  return {
    kind: 'text',
    path: header.path,
    fileSize: header.fileSize,
    architecture,
    name: stringAt(meta, 'general.name'),
    embeddingLength: numberAt(meta, k('embedding_length')),
    embeddingLengthOut: numberAt(meta, k('embedding_length_out')),
    blockCount,
    contextLength: numberAt(meta, k('context_length')),
    headCount: perLayerNumbers(meta, k('attention.head_count'), blockCount),
    headCountKv:
      perLayerNumbers(meta, k('attention.head_count_kv'), blockCount) ??
      perLayerNumbers(meta, k('attention.head_count'), blockCount),
    keyLength,
    valueLength,
    keyLengthSwa: numberAt(meta, k('attention.key_length_swa')) ?? keyLength,
    valueLengthSwa: numberAt(meta, k('attention.value_length_swa')) ?? valueLength,
    slidingWindow: numberAt(meta, k('attention.sliding_window')),
    slidingWindowPattern: perLayerBooleans(meta, k('attention.sliding_window_pattern')),
    sharedKvLayers: numberAt(meta, k('attention.shared_kv_layers')) ?? 0,
    vocabularySize: arrayLength(meta, 'tokenizer.ggml.tokens'),
    layerWeightBytes: weights.layers,
    otherWeightBytes: weights.other,
    outputWeightBytes: weights.output,
    tiedOutput: weights.tied,
  };
}

function encoderInfo(
  meta: ReadonlyMap<string, GgufMetadataValue>,
  modality: 'vision' | 'audio',
): ProjectorEncoderInfo | undefined {
  const has = booleanAt(meta, `clip.has_${modality}_encoder`);
  const projectorType =
    stringAt(meta, `clip.${modality}.projector_type`) ??
    // Older single-modality projectors name their type once, for the whole file.
    (has ? stringAt(meta, 'clip.projector_type') : undefined);
  const projectionDim = numberAt(meta, `clip.${modality}.projection_dim`);
  if (has === false || (has === undefined && projectorType === undefined && projectionDim === undefined)) {
    return undefined;
  }
  return { projectorType, projectionDim, embeddingLength: numberAt(meta, `clip.${modality}.embedding_length`) };
}

/** Turns a parsed header into model facts; pure, so tests can feed it any header. */
export function modelInfoFromHeader(header: GgufHeader): ModelFileInfo {
  const architecture = stringAt(header.metadata, 'general.architecture') ?? '';
  const generalType = stringAt(header.metadata, 'general.type');
  if (architecture === 'clip' || generalType === 'mmproj') {
    return {
      kind: 'projector',
      path: header.path,
      fileSize: header.fileSize,
      architecture,
      name: stringAt(header.metadata, 'general.name'),
      vision: encoderInfo(header.metadata, 'vision'),
      audio: encoderInfo(header.metadata, 'audio'),
    };
  }
  return textModelInfo(header, architecture);
}

/** Reads a GGUF file's header and returns the facts the engine uses; never loads weights. */
export async function inspectModelFile(filePath: string, options: ReadGgufHeaderOptions = {}): Promise<ModelFileInfo> {
  return modelInfoFromHeader(await readGgufHeader(filePath, options));
}
