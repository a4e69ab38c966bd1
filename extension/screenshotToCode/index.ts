import * as vscode from 'vscode';
import type { EngineController } from '../engineController';
import type { WindowWorkspace } from '../workspace/windowWorkspace';
import { ScreenshotToCodeController } from './screenshotToCodeController';

export const SCREENSHOT_TO_CODE_COMMAND = 'gemmaAgent.screenshotToCode';

/**
 * Registers "Gemma Agent: Screenshot to Code". It takes an image Uri (or an absolute path)
 * as its argument, as the explorer's context menu passes the clicked file, and otherwise
 * asks for one. Images pasted into the chat stay chat attachments; they do not come here.
 */
export function registerScreenshotToCode(
  _context: vscode.ExtensionContext,
  engine: EngineController,
  workspace: WindowWorkspace,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  const controller = new ScreenshotToCodeController(engine, workspace, log);
  return vscode.Disposable.from(
    controller,
    vscode.commands.registerCommand(SCREENSHOT_TO_CODE_COMMAND, (resource?: unknown) => controller.run(resource)),
  );
}
