import * as vscode from 'vscode';
import { DEFAULT_IMAGE_MAX_TOKENS } from '../../engine/media';

export const CHROMIUM_PATH_SETTING = 'gemmaAgent.preview.chromiumPath';

export interface ScreenshotToCodeSettings {
  /** Model turns, the first included. */
  maxRounds: number;
  /** Most tokens the screenshot and each render may cost. */
  imageTokenBudget: number;
  /** Empty: look for an installed Chrome or Chromium. */
  chromiumPath: string;
}

export function readScreenshotToCodeSettings(): ScreenshotToCodeSettings {
  const c = vscode.workspace.getConfiguration('gemmaAgent');
  return {
    maxRounds: clamp(c.get<number>('screenshotToCode.maxRounds', 3), 1, 6, 3),
    imageTokenBudget: clamp(c.get<number>('media.imageTokenBudget', DEFAULT_IMAGE_MAX_TOKENS), 70, 1120, DEFAULT_IMAGE_MAX_TOKENS),
    // Restricted Mode reads this one from user settings only (restrictedConfigurations).
    chromiumPath: vscode.workspace.getConfiguration().get<string>(CHROMIUM_PATH_SETTING, '').trim(),
  };
}

/** A hand-edited settings.json can hold anything; out-of-range numbers fall back to the default. */
function clamp(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}
