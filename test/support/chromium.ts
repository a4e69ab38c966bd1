// The headless Chromium the screenshot-to-code tests render with.
import { findChromium } from '../../agent/screenshotToCode';

/**
 * For a suite's `before`: skips its tests where no Chromium is found, saying why. CI installs
 * Chromium, so there a missing one fails instead.
 */
export async function skipWithoutChromium(suite: Mocha.Context): Promise<void> {
  try {
    await findChromium();
  } catch (err) {
    if (process.env.CI) throw err;
    console.warn(`    skipped: ${(err as Error).message}`);
    suite.skip();
  }
}
