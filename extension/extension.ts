import * as vscode from 'vscode';
import type { WebviewMessage } from '../webview/protocol';
import { ChatViewProvider, CHAT_VIEW_ID } from './chatViewProvider';
import { EngineController } from './engineController';
import { createLog } from './log';

/**
 * Activation stays cheap: no engine, no model files read, no network. Everything heavy
 * waits for the user's first request.
 */
export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = createLog();
  const engine = new EngineController(log);

  const onMessage = (message: WebviewMessage): void => {
    switch (message.type) {
      case 'send':
        chat.post('appendMessage', { id: `u${Date.now()}`, role: 'user', text: message.payload.text });
        if (engine.state.status !== 'ready' && engine.state.status !== 'remote') {
          chat.post('appendMessage', { id: `e${Date.now()}`, role: 'error', text: `The engine is not ready (${engine.state.detail ?? engine.state.status}).` });
        }
        break;
      case 'action':
        if (message.payload.action === 'openLog') log.show();
        if (message.payload.action === 'openSettings' || message.payload.action === 'downloadRecommended') {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'gemmaAgent.model');
        }
        if (message.payload.action === 'startEngine') void engine.start();
        break;
      case 'ready':
      case 'stop':
        break;
    }
  };
  const chat = new ChatViewProvider(context.extensionUri, onMessage, () => engine.state);

  context.subscriptions.push(
    log,
    engine,
    chat,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, chat),
    engine.onDidChangeState((state) => chat.post('engineState', state)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gemmaAgent')) engine.refresh();
    }),
    vscode.commands.registerCommand('gemmaAgent.openChat', () => chat.reveal()),
    vscode.commands.registerCommand('gemmaAgent.newChat', async () => {
      await chat.reveal();
      chat.post('clear', {});
    }),
    vscode.commands.registerCommand('gemmaAgent.engine.start', () => engine.start()),
    vscode.commands.registerCommand('gemmaAgent.engine.stop', () => engine.stop()),
    vscode.commands.registerCommand('gemmaAgent.engine.restart', () => engine.restart()),
    vscode.commands.registerCommand('gemmaAgent.engine.showLog', () => log.show()),
  );

  log.info(`Gemma Agent activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export function deactivate(): void {
  // Subscriptions dispose the engine; nothing else holds resources.
}
