import * as vscode from 'vscode';
import type { InlineDiffSession } from './inlineDiffSession';
import { INLINE_COMMANDS } from './core/inlineChatCommands';

/** The keys shown in the lenses follow the platform the window runs on. */
function keyLabels(): { acceptAll: string; cancel: string } {
  return process.platform === 'darwin' ? { acceptAll: '⌘⏎', cancel: 'Esc' } : { acceptAll: 'Ctrl+Enter', cancel: 'Esc' };
}

/**
 * Accept / Reject above each pending hunk, Accept All / Reject All above the block, and a
 * progress line while the model writes. Lenses carry the session id so a click on a lens
 * left over from an earlier session does nothing.
 */
export class InlineDiffCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly sessionFor: (document: vscode.TextDocument) => InlineDiffSession | undefined) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const session = this.sessionFor(document);
    if (!session || session.phase === 'ended') return [];
    const keys = keyLabels();
    const top = new vscode.Range(session.start, 0, session.start, 0);
    const target = [document.uri.toString(), session.id];
    if (session.phase === 'generating') {
      return [
        new vscode.CodeLens(top, { title: '$(loading~spin) Gemma is writing…', command: '' }),
        new vscode.CodeLens(top, { title: `Cancel (${keys.cancel})`, command: INLINE_COMMANDS.cancel, arguments: target }),
      ];
    }
    const lenses = [
      new vscode.CodeLens(top, { title: `Accept All (${keys.acceptAll})`, command: INLINE_COMMANDS.acceptAll, arguments: target }),
      new vscode.CodeLens(top, { title: `Reject All (${keys.cancel})`, command: INLINE_COMMANDS.rejectAll, arguments: target }),
    ];
    for (const hunk of session.layout.hunks) {
      const line = new vscode.Range(session.start + hunk.start, 0, session.start + hunk.start, 0);
      lenses.push(
        new vscode.CodeLens(line, { title: 'Accept', tooltip: 'Keep this change', command: INLINE_COMMANDS.acceptHunk, arguments: [...target, hunk.index] }),
        new vscode.CodeLens(line, { title: 'Reject', tooltip: 'Keep the original lines here', command: INLINE_COMMANDS.rejectHunk, arguments: [...target, hunk.index] }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
