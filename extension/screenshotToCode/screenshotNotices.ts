import * as vscode from 'vscode';
import type { StopReason } from '../../agent/screenshotToCode';
import { CHROMIUM_PATH_SETTING } from './screenshotSettings';

/** The messages of screenshot to code that offer a way out (a setting, the log). */

export async function explainNoVision(remoteUrl: string, projectorPath: string): Promise<void> {
  if (remoteUrl) {
    const pick = await vscode.window.showErrorMessage(
      `Gemma Agent: the remote engine at ${remoteUrl} does not take images, so it cannot read a screenshot. ` +
        'Serve Gemma 4 with its image projector there (llama-server: --mmproj); if it already takes images, add "vision" to gemmaAgent.engine.remoteCapabilities.',
      'Open Settings',
    );
    if (pick) await vscode.commands.executeCommand('workbench.action.openSettings', 'gemmaAgent.engine.remoteCapabilities');
    return;
  }
  const message = projectorPath
    ? `Gemma Agent: the projector ${projectorPath} has no image projection, so the engine cannot read a screenshot. ` +
      'Set gemmaAgent.model.projector to the Gemma 4 mmproj file with the gemma4uv projection, then restart the engine.'
    : 'Gemma Agent: screenshot to code needs the image projector, and none is configured. ' +
      'Set gemmaAgent.model.projector to the Gemma 4 mmproj file (gemma4uv), then restart the engine.';
  const pick = await vscode.window.showErrorMessage(message, 'Set Projector');
  if (pick) await vscode.commands.executeCommand('workbench.action.openSettings', 'gemmaAgent.model.projector');
}

export async function explainUntrusted(): Promise<void> {
  const pick = await vscode.window.showWarningMessage(
    'Gemma Agent: screenshot to code writes files into the workspace, which Restricted Mode does not allow. Trust this folder to use it.',
    'Manage Workspace Trust',
  );
  if (pick) await vscode.commands.executeCommand('workbench.trust.manage');
}

/** Said once per window: every later run would find the same missing browser. `detail` says what was looked for. */
export async function explainNoBrowser(detail: string): Promise<void> {
  const pick = await vscode.window.showWarningMessage(
    `Gemma Agent: the page is previewed without a score or fix rounds, since scoring it against the screenshot needs Chrome or Chromium. ${detail}`,
    'Set Browser Path',
  );
  if (pick) await vscode.commands.executeCommand('workbench.action.openSettings', CHROMIUM_PATH_SETTING);
}

/** Shows an error with an Open Log button (and Undo when the run left files behind). */
export async function showFailure(message: string, log: vscode.LogOutputChannel, undo?: () => Promise<void>): Promise<void> {
  const pick = await vscode.window.showErrorMessage(message, 'Open Log', ...(undo ? ['Undo'] : []));
  if (pick === 'Open Log') log.show();
  if (pick === 'Undo' && undo) await undo();
}

const STOP_REASONS: Record<StopReason, string> = {
  'target-reached': 'it matches the screenshot closely',
  'no-improvement': 'the last fix did not improve it',
  'no-files': 'the last fix round held no files',
  'max-rounds': 'every round was used',
  'no-render': 'there is no render to compare',
};

export function describeStop(reason: StopReason): string {
  return STOP_REASONS[reason];
}
