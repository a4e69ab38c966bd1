import * as os from 'node:os';
import { resolveServerBinary, type ResolvedBinary, type ResolveOptions } from './binary/resolveServerBinary';
import {
  checkModelSet,
  chooseContextAndGpuLayers,
  inspectModelFile,
  resolveModelSet,
  type DownloadProgress,
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
  /** RAM the engine may use; defaults to free memory less a margin for the editor. */
  availableRamBytes?: number;
}

export interface LaunchPlan {
  config: EngineLaunchConfig;
  binary: ResolvedBinary;
  /** Warnings (a capability turned off) and fit explanations, one sentence each. */
  notes: string[];
  capabilities: { vision: boolean; audio: boolean; drafting: boolean };
}

export class ModelSetError extends Error {
  constructor(readonly problems: ModelSetProblem[]) {
    super(problems.map((p) => p.message).join(' '));
    this.name = 'ModelSetError';
  }
}

/**
 * Everything between settings and a llama-server command line: find the binary, make the
 * three model files local (downloading when needed), check they belong together, and pick
 * a context size and GPU layers that fit, saying so when it settles for less.
 */
export async function planLaunch(request: EngineRequest, options: LaunchPlanOptions): Promise<LaunchPlan> {
  const binary = await resolveServerBinary({ ...options.binary, configuredPath: request.serverPath || undefined, extensionRoot: options.extensionRoot, allowBuild: options.allowBuild, signal: options.signal });
  const files = await resolveModelSet(
    { model: request.model, drafter: request.draft?.enabled === false ? undefined : request.drafter || undefined, projector: request.projector || undefined },
    { modelsDir: options.modelsDir, signal: options.signal, onProgress: options.onDownload, settingLabels: { model: '"gemmaAgent.model.path"', drafter: '"gemmaAgent.model.drafter"', projector: '"gemmaAgent.model.projector"' } },
  );
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
  const fit = chooseContextAndGpuLayers({
    info: { model: model as TextModelInfo, drafter, projector },
    requestedContext: request.contextSize,
    availableRamBytes: options.availableRamBytes ?? Math.max(0, os.freemem() - 1.5 * 1024 ** 3),
  });
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
      extraArgs: request.extraArgs,
    },
  };
}
