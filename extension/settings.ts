import * as vscode from 'vscode';
import { RECOMMENDED_REPO } from '../engine/models/repoModelSet';

/** The settings the extension reads, typed in one place so names are never mistyped. */
export interface Settings {
  modelPath: string;
  drafterPath: string;
  projectorPath: string;
  serverPath: string;
  contextSize: number;
  gpuLayers: string;
  threads: number;
  draftEnabled: boolean;
  draftMaxTokens: number;
  draftMinProbability: number;
  extraArgs: string[];
  remoteUrl: string;
  thinking: boolean;
  /** One engine for every window of this machine. */
  shareEngine: boolean;
  /** Stop the shared engine after this long without a request; 0 never. */
  idleMinutes: number;
}

/** The recommended set as the first-run guidance names it (the sizes are the published ones). */
export const RECOMMENDED_MODEL = `Gemma 4 12B ${RECOMMENDED_REPO.quant} with its MTP drafter and projector from hf:${RECOMMENDED_REPO.owner}/${RECOMMENDED_REPO.repo}, about 7.6 GB`;

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('gemmaAgent');
  return {
    modelPath: c.get('model.path', '').trim(),
    drafterPath: c.get('model.drafter', '').trim(),
    projectorPath: c.get('model.projector', '').trim(),
    serverPath: c.get('engine.serverPath', '').trim(),
    contextSize: c.get('engine.contextSize', 32768),
    gpuLayers: c.get('engine.gpuLayers', 'auto'),
    threads: c.get('engine.threads', 0),
    draftEnabled: c.get('engine.draft.enabled', true),
    draftMaxTokens: c.get('engine.draft.maxTokens', 2),
    draftMinProbability: c.get('engine.draft.minProbability', 0.75),
    extraArgs: c.get('engine.extraArgs', []),
    remoteUrl: c.get('engine.remoteUrl', '').trim(),
    thinking: c.get('chat.thinking', true),
    shareEngine: c.get('engine.shareAcrossWindows', true),
    idleMinutes: Math.max(0, c.get('engine.idleMinutes', 30)),
  };
}
