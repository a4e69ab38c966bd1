import { setting } from '../settings/settings';

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
  return {
    maxRounds: setting('screenshotMaxRounds'),
    imageTokenBudget: setting('imageTokenBudget'),
    // Restricted Mode reads this one from user settings only (restrictedConfigurations).
    chromiumPath: setting('chromiumPath'),
  };
}
