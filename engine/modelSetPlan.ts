import { planMemory, type LaunchPlanOptions } from './launchPlan';
import {
  DEFAULT_REVISION,
  hubEndpoint,
  hubFileUrl,
  inspectRemoteModel,
  inspectRemoteSet,
  pickModelSet,
  type FitChoice,
  type HubOptions,
  type ModelFileInfo,
  type RepoFile,
  type RepoModelSet,
  type TextModelInfo,
} from './models';

/** The memory plan of a set still on the hub, and, when it does not fit, the largest quantization of the same repository that does. */
export interface SetPlan {
  readonly set: RepoModelSet;
  readonly fit: FitChoice;
  /** Set only when `set` does not fit and a smaller quantization does. */
  readonly smaller?: { readonly set: RepoModelSet; readonly fit: FitChoice };
}

type PlanOptions = Pick<LaunchPlanOptions, 'availableRamBytes' | 'availableVramBytes'> & { readonly hub?: HubOptions };

/** The quantization in a model file name, e.g. "Q4_K_M" in gemma-4-12b-it-Q4_K_M.gguf. */
function quantOf(file: RepoFile): string | undefined {
  return /[-_.]((?:I?Q\d[\w]*)|(?:BF16|F16|F32))\.gguf$/i.exec(file.path)?.[1];
}

/**
 * Plans the set from the headers on the hub (a few megabytes, before gigabytes). When not
 * even the usable minimum context fits, the repository's smaller quantizations are tried
 * from the largest down and the first that fits is offered.
 */
export async function planRepoSet(set: RepoModelSet, files: RepoFile[], requestedContext: number, options: PlanOptions = {}): Promise<SetPlan> {
  // The drafter and projector are the same for every quantization: their headers are read once.
  const info = await inspectRemoteSet(set, options.hub);
  const planWith = (model: ModelFileInfo): FitChoice => planMemory({ model: model as TextModelInfo, drafter: info.drafter, projector: info.projector }, requestedContext, options);
  const fit = planWith(info.model);
  if (fit.fits) return { set, fit };
  const endpoint = hubEndpoint(options.hub);
  const currentSize = set.model.size ?? Number.MAX_SAFE_INTEGER;
  const candidates = files
    .filter((f) => f.path.toLowerCase().endsWith('.gguf') && !/^(mmproj|mtp-)/i.test(f.path.split('/').pop() ?? '') && f.size !== undefined && f.size < currentSize)
    .sort((a, b) => (b.size ?? 0) - (a.size ?? 0));
  for (const file of candidates) {
    const quant = quantOf(file);
    if (!quant) continue;
    const smallerSet = pickModelSet(set.owner, set.repo, files, quant);
    const model = await inspectRemoteModel(hubFileUrl(endpoint, set.owner, set.repo, DEFAULT_REVISION, smallerSet.model.path), smallerSet.model.size ?? 0, options.hub);
    const smallerFit = planWith(model);
    if (smallerFit.fits) return { set, fit, smaller: { set: smallerSet, fit: smallerFit } };
  }
  return { set, fit };
}
