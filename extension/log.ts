import * as vscode from 'vscode';

/** One output channel for the extension and the engine's own log lines. */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Gemma Agent', { log: true });
}
