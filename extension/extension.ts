import * as vscode from 'vscode';
import type { WebviewMessage } from '../webview/protocol';
import { ChatSession } from './chatSession';
import { ChatViewProvider, CHAT_VIEW_ID } from './chatViewProvider';
import { EngineController, REMOTE_KEY_SECRET } from './engineController';
import { registerInlineChat } from './inlineChat';
import { createLog } from './log';
import { RECOMMENDED_MODEL, readSettings } from './settings';

/**
 * Activation stays cheap: no engine, no model files read, no network. Everything heavy
 * waits for the user's first request.
 */
export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = createLog();
  const engine = new EngineController(context, log);

  const onMessage = (message: WebviewMessage): void => {
    switch (message.type) {
      case 'ready':
        chat.post('restore', { messages: session.views });
        break;
      case 'send':
        void session.send(message.payload.text);
        break;
      case 'stop':
        session.stop();
        break;
      case 'action':
        if (message.payload.action === 'openLog') log.show();
        if (message.payload.action === 'openSettings') void vscode.commands.executeCommand('workbench.action.openSettings', 'gemmaAgent.model');
        if (message.payload.action === 'downloadRecommended') void downloadRecommended(engine);
        if (message.payload.action === 'startEngine') void engine.start().catch(() => undefined);
        break;
    }
  };
  const chat = new ChatViewProvider(context.extensionUri, onMessage, () => engine.state);
  const session = new ChatSession(context.workspaceState, engine, (type, payload) => chat.post(type, payload), () => readSettings().thinking);

  // Failures are shown by the controller (state, notification, log); commands need not rethrow.
  const quietly = (run: () => Promise<unknown>) => () => run().catch(() => undefined);

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
      await session.clear();
    }),
    vscode.commands.registerCommand('gemmaAgent.engine.start', quietly(() => engine.start())),
    vscode.commands.registerCommand('gemmaAgent.engine.stop', () => engine.stop()),
    vscode.commands.registerCommand('gemmaAgent.engine.restart', quietly(() => engine.restart())),
    vscode.commands.registerCommand('gemmaAgent.engine.showLog', () => log.show()),
    vscode.commands.registerCommand('gemmaAgent.setRemoteApiKey', async () => {
      const key = await vscode.window.showInputBox({ prompt: 'API key of the remote engine (stored in VS Code Secret Storage)', password: true, ignoreFocusOut: true });
      if (key === undefined) return;
      if (key) await context.secrets.store(REMOTE_KEY_SECRET, key);
      else await context.secrets.delete(REMOTE_KEY_SECRET);
      void vscode.window.showInformationMessage(key ? 'Gemma Agent: remote API key saved.' : 'Gemma Agent: remote API key removed.');
    }),
  );

  context.subscriptions.push(registerInlineChat(engine, log));

  log.info(`Gemma Agent activated in ${(performance.now() - started).toFixed(1)} ms`);
}

/** First run: point the model setting at the recommended file and start, which downloads it with progress. */
async function downloadRecommended(engine: EngineController): Promise<void> {
  const pick = await vscode.window.showInformationMessage(
    `Download Gemma 4 12B (${RECOMMENDED_MODEL}, about 7 GB) into the extension's storage? It is downloaded once, resumes if interrupted, and runs offline afterwards.`,
    { modal: true },
    'Download',
  );
  if (pick !== 'Download') return;
  await vscode.workspace.getConfiguration('gemmaAgent').update('model.path', RECOMMENDED_MODEL, vscode.ConfigurationTarget.Global);
  await engine.start().catch(() => undefined);
}

export function deactivate(): void {
  // Subscriptions dispose the engine; nothing else holds resources.
}
