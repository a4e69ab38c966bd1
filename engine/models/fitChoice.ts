import { MemoryEstimate, MemoryEstimateOptions, MemoryModelSet, estimateMemory } from './memoryEstimate';

/**
 * Picks the context size and llama-server's `-ngl` for the memory at hand: the largest
 * context that fits (halving from the request), then as many layers on the GPU as fit.
 * Whenever it settles for less than asked, it says so in a sentence for the user.
 */

export interface FitRequest {
  readonly info: MemoryModelSet;
  /** Tokens asked for; 0 or more than the model was trained for means its training context. */
  readonly requestedContext: number;
  /** RAM the engine may use; leave headroom for the editor before passing it. */
  readonly availableRamBytes: number;
  /** Free GPU memory; undefined or 0 runs on the CPU only. */
  readonly availableVramBytes?: number;
  readonly memoryOptions?: MemoryEstimateOptions;
}

export interface FitChoice {
  readonly fits: boolean;
  readonly contextSize: number;
  /** Value for `-ngl`: layers on the GPU, where blockCount + 1 also moves the output layer. */
  readonly gpuLayers: number;
  /** Whether the drafter and projector run on the GPU (`-ngld`, `--no-mmproj-offload`). */
  readonly drafterOnGpu: boolean;
  readonly projectorOnGpu: boolean;
  readonly ramBytes: number;
  readonly vramBytes: number;
  readonly estimate: MemoryEstimate;
  /** Set when the context was shrunk, layers stayed on the CPU, or nothing fits. */
  readonly explanation?: string;
}

/**
 * The least context worth running an agent with: below it the system prompt, tool
 * definitions and one file leave no room for work. A smaller context is used only when the
 * user asks for it or the model was trained for less; otherwise the plan says it does not fit.
 */
export const MIN_CONTEXT = 8192;

interface Placement {
  readonly gpuLayers: number;
  readonly drafterOnGpu: boolean;
  readonly projectorOnGpu: boolean;
  readonly ramBytes: number;
  readonly vramBytes: number;
}

export function formatBytes(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

function formatTokens(tokens: number): string {
  return tokens.toLocaleString('en-US');
}

/** The request, then each power of two below it, down to MIN_CONTEXT (or the request, when it asks for less). */
export function contextCandidates(requested: number, trainingContext: number | undefined): number[] {
  const cap = trainingContext && trainingContext > 0 ? trainingContext : Number.MAX_SAFE_INTEGER;
  const first = requested > 0 ? Math.min(requested, cap) : (trainingContext ?? MIN_CONTEXT);
  const candidates = [first];
  let next = 2 ** Math.floor(Math.log2(first));
  if (next === first) next /= 2;
  for (; next >= MIN_CONTEXT; next /= 2) candidates.push(next);
  return candidates;
}

/**
 * Memory on each side for `gpuLayers` offloaded. llama.cpp offloads the last layers first,
 * keeps the input embedding on the CPU, and puts a layer's KV cache beside its weights.
 */
function place(
  set: MemoryModelSet,
  est: MemoryEstimate,
  gpuLayers: number,
  extrasOnGpu: boolean,
): Placement {
  const model = set.model;
  const layers = model.layerWeightBytes.length;
  const onGpu = Math.min(gpuLayers, layers);
  const outputOnGpu = gpuLayers > layers;
  let vram = 0;
  let ram = model.fileSize + est.hostPromptCacheBytes;
  for (let i = layers - onGpu; i < layers; i++) {
    vram += model.layerWeightBytes[i] + est.kvCacheBytesPerLayer[i];
    ram -= model.layerWeightBytes[i];
  }
  for (let i = 0; i < layers - onGpu; i++) ram += est.kvCacheBytesPerLayer[i];
  if (outputOnGpu) {
    vram += model.outputWeightBytes;
    if (!model.tiedOutput) ram -= model.outputWeightBytes;
  }
  if (gpuLayers > 0) vram += est.modelComputeBytes;
  if (!outputOnGpu) ram += est.modelComputeBytes;
  const extras = est.drafterWeightBytes + est.drafterComputeBytes + est.projectorWeightBytes + est.projectorComputeBytes;
  if (extrasOnGpu) vram += extras;
  else ram += extras;
  return {
    gpuLayers,
    drafterOnGpu: extrasOnGpu && set.drafter !== undefined,
    projectorOnGpu: extrasOnGpu && set.projector !== undefined,
    ramBytes: ram,
    vramBytes: vram,
  };
}

/** The placement with the most on the GPU that fits, or undefined when none does. */
function bestPlacement(set: MemoryModelSet, est: MemoryEstimate, ram: number, vram: number): Placement | undefined {
  const fits = (p: Placement): boolean => p.ramBytes <= ram && p.vramBytes <= vram;
  if (vram <= 0) {
    const cpu = place(set, est, 0, false);
    return fits(cpu) ? cpu : undefined;
  }
  const all = set.model.layerWeightBytes.length + 1;
  const hasExtras = set.drafter !== undefined || set.projector !== undefined;
  if (hasExtras) {
    const everything = place(set, est, all, true);
    if (fits(everything)) return everything;
  }
  for (let n = all; n >= 0; n--) {
    const p = place(set, est, n, false);
    if (fits(p)) return p;
  }
  return undefined;
}

function describeAvailable(ram: number, vram: number): string {
  const parts = [`${formatBytes(ram)} of RAM`];
  if (vram > 0) parts.push(`${formatBytes(vram)} of GPU memory`);
  return parts.join(' and ');
}

export function chooseContextAndGpuLayers(request: FitRequest): FitChoice {
  const { info, availableRamBytes: ram } = request;
  const vram = request.availableVramBytes ?? 0;
  const layers = info.model.layerWeightBytes.length;
  const candidates = contextCandidates(request.requestedContext, info.model.contextLength);
  const notes: string[] = [];
  if (request.requestedContext > candidates[0]) {
    notes.push(
      `The model was trained for ${formatTokens(candidates[0])} tokens of context, so that is the most it gets.`,
    );
  }

  for (const contextSize of candidates) {
    const estimate = estimateMemory(info, contextSize, request.memoryOptions);
    const p = bestPlacement(info, estimate, ram, vram);
    if (!p) continue;
    if (contextSize < candidates[0]) {
      const wanted = estimateMemory(info, candidates[0], request.memoryOptions);
      notes.push(
        `Context reduced from ${formatTokens(candidates[0])} to ${formatTokens(contextSize)} tokens to fit in memory: ` +
          `the full context needs about ${formatBytes(wanted.totalBytes)}.`,
      );
    }
    if (vram > 0 && p.gpuLayers <= layers) {
      notes.push(
        `${p.gpuLayers} of ${layers} layers run on the GPU and the rest on the CPU, which is slower: ` +
          `the whole model needs about ${formatBytes(place(info, estimate, layers + 1, false).vramBytes)} of GPU memory ` +
          `and ${formatBytes(vram)} is free.`,
      );
    } else if (vram > 0 && (info.drafter || info.projector) && !p.drafterOnGpu && !p.projectorOnGpu) {
      notes.push('The drafter and projector run on the CPU: GPU memory is full with the model.');
    }
    return { fits: true, contextSize, ...p, estimate, explanation: notes.length ? notes.join(' ') : undefined };
  }

  const smallest = candidates[candidates.length - 1];
  const estimate = estimateMemory(info, smallest, request.memoryOptions);
  const fallback = vram > 0 ? place(info, estimate, layers + 1, false) : place(info, estimate, 0, false);
  notes.push(
    `The model does not fit in memory even with a context of ${formatTokens(smallest)} tokens: it needs about ` +
      `${formatBytes(estimate.totalBytes)} and ${describeAvailable(ram, vram)} is available. ` +
      'Close other programs or choose a smaller quantization (such as Q4_K_M).',
  );
  return { fits: false, contextSize: smallest, ...fallback, estimate, explanation: notes.join(' ') };
}
