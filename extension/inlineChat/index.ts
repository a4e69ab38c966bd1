import type * as vscode from 'vscode';
import type { EngineController } from '../engineController';
import { InlineChatController } from './inlineChatController';

export { INLINE_COMMANDS, INLINE_CONTEXT_KEYS } from './core/inlineChatCommands';

/** Registers inline chat (Ctrl+I / Cmd+I) with its diff commands, lenses and context keys. */
export function registerInlineChat(engine: EngineController, log: vscode.LogOutputChannel): vscode.Disposable {
  return new InlineChatController(engine, log);
}
