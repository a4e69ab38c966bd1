import * as path from 'node:path';
import * as vscode from 'vscode';
import { planRepoSet, type SetPlan } from '../../engine/modelSetPlan';
import { formatBytes, listRepoFiles, pickModelSet, RECOMMENDED_REPO, setBytes, setUris, sidecarsBeside, type RepoFile, type RepoModelSet } from '../../engine/models';
import { errorMessage } from '../../engine/errors';
import { errorText } from '../errorText';
import { readSettings } from '../settings/settings';
import type { EngineController } from '../engineController';

const GLOBAL = vscode.ConfigurationTarget.Global;

async function applyModelSet(files: { model: string; drafter?: string; projector?: string }): Promise<void> {
  const c = vscode.workspace.getConfiguration('gemmaAgent');
  await c.update('model.path', files.model, GLOBAL);
  await c.update('model.drafter', files.drafter ?? '', GLOBAL);
  await c.update('model.projector', files.projector ?? '', GLOBAL);
}

function describeSet(set: RepoModelSet): string {
  const size = (f: { size?: number } | undefined): string => (f?.size !== undefined ? ` (${formatBytes(f.size)})` : '');
  const parts = [`${path.basename(set.model.path)}${size(set.model)}`];
  if (set.drafter) parts.push(`its MTP drafter${size(set.drafter)} for faster replies`);
  if (set.projector) parts.push(`its projector${size(set.projector)} for screenshots and voice`);
  const total = setBytes(set);
  return `${parts.join(', ')}${total !== undefined ? `: ${formatBytes(total)} in all` : ''}`;
}

/**
 * "Download recommended model": looks up Gemma 4 12B Q4_K_M with its drafter and projector in
 * one repository, asks once with the sizes, sets all three settings and starts the engine,
 * which downloads them (resumable, cancellable, one progress) and checks they belong together.
 */
export async function downloadRecommendedSet(engine: EngineController, log: vscode.LogOutputChannel): Promise<void> {
  const { owner, repo, quant } = RECOMMENDED_REPO;
  let files: RepoFile[];
  let set: RepoModelSet;
  try {
    files = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Gemma Agent: looking up the recommended model set' }, () => listRepoFiles(owner, repo));
    set = pickModelSet(owner, repo, files, quant);
  } catch (err) {
    const message = errorText(err);
    log.error(`Looking up hf:${owner}/${repo}: ${message}`);
    void vscode.window.showErrorMessage(`Gemma Agent: could not look up the recommended model set. ${message}`, 'Choose Model File…').then((pick) => pick && chooseModelFile(engine));
    return;
  }
  // The memory plan before gigabytes move: from the files' headers (a few megabytes each).
  let plan: SetPlan | undefined;
  try {
    plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Gemma Agent: checking that the model set fits in memory' }, () => planRepoSet(set, files, readSettings().contextSize));
  } catch (err) {
    log.warn(`The memory plan before the download failed (${errorMessage(err)}); it runs again before the model loads.`);
  }
  if (plan && !plan.fit.fits) {
    if (!plan.smaller) {
      void vscode.window.showErrorMessage(`Gemma Agent: ${plan.fit.explanation ?? 'the model set does not fit in memory.'}`, { modal: true });
      return;
    }
    const pickSmaller = await vscode.window.showWarningMessage(
      `${plan.fit.explanation} A smaller quantization fits: ${describeSet(plan.smaller.set)}, with a context of ${plan.smaller.fit.contextSize.toLocaleString('en-US')} tokens. Download that instead?`,
      { modal: true },
      'Download Smaller Set',
    );
    if (pickSmaller !== 'Download Smaller Set') return;
    set = plan.smaller.set;
    plan = { set, fit: plan.smaller.fit };
  }
  const fits = plan ? ` On this machine it runs with a context of ${plan.fit.contextSize.toLocaleString('en-US')} tokens.` : '';
  const pick = await vscode.window.showInformationMessage(
    `Download Gemma 4 12B from hf:${owner}/${repo}? ${describeSet(set)}.${fits} It goes into the extension's storage once, resumes if interrupted, and runs offline afterwards.`,
    { modal: true },
    'Download',
  );
  if (pick !== 'Download') return;
  await applyModelSet(setUris(set));
  await engine.start().catch(() => undefined); // the controller shows what failed
}

/** "Choose model file…": a .gguf from disk, with the drafter and projector found beside it. */
export async function chooseModelFile(engine: EngineController): Promise<void> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use This Model', filters: { 'GGUF model': ['gguf'] }, title: 'Gemma 4 12B model file' });
  const file = picked?.[0]?.fsPath;
  if (!file) return;
  const base = path.basename(file).toLowerCase();
  if (base.startsWith('mmproj') || base.startsWith('mtp-')) {
    void vscode.window.showWarningMessage(`Gemma Agent: ${path.basename(file)} is a projector or drafter, not the model. Choose the model file itself (for example gemma-4-12b-it-Q4_K_M.gguf).`);
    return;
  }
  const beside = await sidecarsBeside(file);
  await applyModelSet({ model: file, ...beside });
  const found = [beside.drafter && 'its MTP drafter', beside.projector && 'its projector'].filter(Boolean).join(' and ');
  const missing = [!beside.drafter && 'no drafter (mtp-*.gguf: replies are slower)', !beside.projector && 'no projector (mmproj-*.gguf: no screenshots or voice)'].filter(Boolean).join(' and ');
  void vscode.window.showInformationMessage(`Gemma Agent: using ${path.basename(file)}${found ? ` with ${found} found beside it` : ''}.${missing ? ` Found ${missing}.` : ''}`);
  await engine.start().catch(() => undefined);
}
