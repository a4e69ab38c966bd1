import * as os from 'node:os';
import { resolveServerBinary, type ResolvedBinary, type ResolveOptions } from './binary/resolveServerBinary';
import { listGpuDevices } from './binary/serverProbe';
import { CodedError } from './errors';
import {
  checkModelSet,
  chooseContextAndGpuLayers,
  inspectModelFile,
  resolveModelSet,
  type DownloadProgress,
  type FitChoice,
  type MemoryModelSet,
  type ModelRole,
  type ModelSetProblem,
  type TextModelInfo,
} from './models';
import type { EngineLaunchConfig } from './supervisor/serverArgs';

/** What the user asked for, in settings terms (paths or hf: URIs). */
export interface EngineRequest {
  model: string;
  drafter?: string;
  projector?: string;
  serverPath?: string;
  contextSize: number;
  gpuLayers: string;
  threads?: number;
  draft?: { enabled: boolean; maxTokens: number; minProbability: number };
  extraArgs?: string[];
}

export interface LaunchPlanOptions {
  modelsDir: string;
  extensionRoot?: string;
  allowBuild?: boolean;
  signal?: AbortSignal;
  onDownload?: (role: ModelRole, progress: DownloadProgress) => void;
  binary?: Omit<ResolveOptions, 'configuredPath' | 'extensionRoot' | 'allowBuild' | 'signal'>;
  /** RAM the engine may use; defaults to planningMemoryBytes(). */
  availableRamBytes?: number;
  /** Free GPU memory, when known; undefined plans for the CPU (llama-server's -ngl auto still offloads what fits). */
  availableVramBytes?: number;
}

export interface LaunchPlan {
  config: EngineLaunchConfig;
  binary: ResolvedBinary;
  /** Warnings (a capability turned off) and fit explanations, one sentence each. */
  notes: string[];
  capabilities: { vision: boolean; audio: boolean; drafting: boolean };
}

/** Not even the smallest usable context fits in the memory at hand; the message says what is needed and what is free. */
/**
 * llama-server keeps finished prompts in host memory so a later request can reuse them; its
 * default is 8 GiB, which no 16 GB laptop can spare beside a 7 GB model. 1 GiB keeps a few
 * agent prompts and is counted in the plan.
 */
export const HOST_PROMPT_CACHE_MIB = 1024;

/** Memory kept back for the operating system and the editor. */
const RESERVE_BYTES = 4 * 1024 ** 3;

/**
 * Memory the engine may plan for. On macOS the GPU shares unified memory and free pages
 * undercount what the system would hand out (file cache is reclaimed on demand), so it is the
 * total less a reserve for the OS and the editor; elsewhere it is what is available now less
 * a margin for the editor.
 */
export function planningMemoryBytes(platform: NodeJS.Platform = process.platform, total = os.totalmem(), free = os.freemem()): number {
  if (platform === 'darwin') return Math.max(0, total - RESERVE_BYTES);
  return Math.max(0, free - 1.5 * 1024 ** 3);
}

/** The memory plan for a model set: the context and GPU layers that fit, counting the host prompt cache. */
export function planMemory(info: MemoryModelSet, requestedContext: number, memory: Pick<LaunchPlanOptions, 'availableRamBytes' | 'availableVramBytes'> = {}): FitChoice {
  return chooseContextAndGpuLayers({
    info,
    requestedContext,
    availableRamBytes: memory.availableRamBytes ?? planningMemoryBytes(),
    availableVramBytes: memory.availableVramBytes,
    memoryOptions: { hostPromptCacheBytes: HOST_PROMPT_CACHE_MIB * 1024 * 1024 },
  });
}

export const LAUNCH_PLAN_ERROR_CODES = ['model-does-not-fit', 'model-set-mismatch'] as const;

export type LaunchPlanErrorCode = (typeof LAUNCH_PLAN_ERROR_CODES)[number];

export class MemoryPlanError extends CodedError<'model-does-not-fit'> {
  constructor(
    message: string,
    readonly contextSize: number,
    readonly neededBytes: number,
  ) {
    super('model-does-not-fit', message, { contextSize, neededBytes });
  }
}

/** The files do not belong together; `roles` in the facts says which of them are wrong. */
export class ModelSetError extends CodedError<'model-set-mismatch'> {
  constructor(readonly problems: ModelSetProblem[]) {
    super('model-set-mismatch', problems.map((p) => p.message).join(' '), { roles: [...new Set(problems.map((p) => p.role))] });
  }
}

/**
 * Everything between settings and a llama-server command line: find the binary, make the
 * three model files local (downloading when needed), check they belong together, and pick
 * a context size and GPU layers that fit, saying so when it settles for less.
 */
export async function planLaunch(request: EngineRequest, options: LaunchPlanOptions): Promise<LaunchPlan> {
  // Models first: a first run downloads them even where no engine is found yet, and what
  // the set holds decides which llama-server on PATH can run it.
  const files = await resolveModelSet(
    { model: request.model, drafter: request.draft?.enabled === false ? undefined : request.drafter || undefined, projector: request.projector || undefined },
    { modelsDir: options.modelsDir, signal: options.signal, onProgress: options.onDownload },
  );
  const binary = await resolveServerBinary({
    ...options.binary,
    configuredPath: request.serverPath || undefined,
    extensionRoot: options.extensionRoot,
    allowBuild: options.allowBuild,
    signal: options.signal,
    needs: { drafting: files.drafter !== undefined, multimodal: files.projector !== undefined },
  });
  const [model, drafter, projector] = await Promise.all([
    inspectModelFile(files.model.path),
    files.drafter ? inspectModelFile(files.drafter.path) : undefined,
    files.projector ? inspectModelFile(files.projector.path) : undefined,
  ]);
  const problems = checkModelSet({ model, drafter, projector });
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new ModelSetError(errors);
  const notes = problems.filter((p) => p.severity === 'warning').map((p) => p.message);

  const manualLayers = /^\d+$/.test(request.gpuLayers.trim());
  // GPU memory as llama-server itself sees it; on macOS the GPU shares the RAM already counted.
  const gpus = options.availableVramBytes === undefined && request.gpuLayers.trim() !== '0' && process.platform !== 'darwin' ? await listGpuDevices(binary.path) : [];
  const availableVramBytes = options.availableVramBytes ?? (gpus.length > 0 ? Math.max(...gpus.map((g) => g.freeBytes)) * 0.95 : undefined);
  const fit = planMemory({ model: model as TextModelInfo, drafter, projector }, request.contextSize, { ...options, availableVramBytes });
  // Never a silent tiny context: when not even the usable minimum fits, nothing is loaded.
  if (!fit.fits) throw new MemoryPlanError(fit.explanation ?? 'The model set does not fit in memory.', fit.contextSize, fit.estimate.totalBytes);
  if (fit.explanation) notes.push(fit.explanation);

  const vision = projector?.kind === 'projector' && !!projector.vision;
  const audio = projector?.kind === 'projector' && !!projector.audio;
  const drafting = !!files.drafter;
  return {
    binary,
    notes,
    capabilities: { vision, audio, drafting },
    config: {
      binary: binary.path,
      model: files.model.path,
      drafter: files.drafter?.path,
      projector: files.projector?.path,
      contextSize: fit.contextSize,
      // A number the user typed wins; 'auto'/'all' go to llama-server, which knows the devices.
      gpuLayers: manualLayers ? request.gpuLayers.trim() : request.gpuLayers.trim() || 'auto',
      threads: request.threads,
      draft: drafting && request.draft ? { maxTokens: request.draft.maxTokens, minProbability: request.draft.minProbability } : undefined,
      hostCacheMiB: HOST_PROMPT_CACHE_MIB,
      extraArgs: request.extraArgs,
    },
  };
}
