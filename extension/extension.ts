import * as vscode from 'vscode';
import { ChatController } from './chat/chatController';
import { openChatStore } from './chat/openChatStore';
import { engineStatusText } from './statusBar/core/engineStatusText';
import type { EngineStateView } from '../webview/protocol';
import { chooseModelFile, downloadRecommendedSet } from './firstRun/modelSetup';
import { audioAttachment } from './chat/attachments';
import { ChatViewProvider, CHAT_VIEW_ID } from './chat/chatViewProvider';
import { MessageRouter } from './chat/core/messageRouter';
import { WindowWorkspace } from './workspace/windowWorkspace';
import { EngineController, REMOTE_KEY_SECRET } from './engineController';
import { registerInlineChat } from './inlineChat';
import { registerChatModelProvider } from './languageModel/chatModelProvider';
import { chooseExternalToolsCommand } from './languageModel/externalTools';
import { createLog } from './log';
import { registerScreenshotToCode } from './screenshotToCode';
import { VoiceRecorderController } from './voice/voiceController';
import { registerVoiceCommands } from './voice/voiceCommands';
import { errorMessage } from '../engine/errors';

/**
 * Activation stays cheap: no engine, no model files read, no network. Everything heavy
 * waits for the user's first request.
 */
export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = createLog();
  const engine = new EngineController(context, log);
  const voice = new VoiceRecorderController(context.globalStorageUri, log);

  const router = new MessageRouter((type, err) => log.error(`Chat: handling '${type}' failed: ${errorMessage(err)}`));
  const chat = new ChatViewProvider(context.extensionUri, router);
  const workspace = new WindowWorkspace(log);
  const controller = new ChatController({
    store: openChatStore(context),
    engine,
    router,
    workspace,
    log,
    storageDir: context.globalStorageUri.fsPath,
    recorder: {
      start: async () => {
        try {
          return await voice.record();
        } catch (err) {
          await voice.showError(err);
          return undefined;
        }
      },
      stop: () => voice.stop(),
      cancel: () => voice.cancel(),
    },
    actions: {
      openLog: () => log.show(),
      openSettings: () => void vscode.commands.executeCommand('workbench.action.openSettings', 'gemmaAgent.model'),
      downloadRecommended: () => void downloadRecommendedSet(engine, log),
      chooseModel: () => void chooseModelFile(engine),
      startEngine: () => void engine.start().catch(() => undefined),
    },
  });

  // Failures are shown by the controller (state, notification, log); commands need not rethrow.
  const quietly = (run: () => Promise<unknown>) => () => run().catch(() => undefined);

  // Always visible: which model runs, whether it is ready, its context; a click opens the log.
  const status = vscode.window.createStatusBarItem('gemmaAgent.engine', vscode.StatusBarAlignment.Right, 100);
  status.name = 'Gemma Agent Engine';
  status.command = 'gemmaAgent.engine.showLog';
  const showStatus = (state: EngineStateView): void => {
    const { text, tooltip } = engineStatusText(state, engine.contextSize);
    status.text = text;
    status.tooltip = tooltip;
  };
  showStatus(engine.state);
  status.show();

  context.subscriptions.push(
    status,
    engine.onDidChangeState(showStatus),
    log,
    engine,
    voice,
    chat,
    workspace,
    controller,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, chat),
    engine.onDidChangeState((state) => router.post('engineState', state)),
    voice.onDidChangeStatus((s) =>
      router.post('recording', { state: s.phase === 'preparing' ? 'processing' : s.phase, seconds: s.seconds, level: s.level, maxSeconds: s.maxSeconds }),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gemmaAgent')) engine.refresh();
    }),
    vscode.commands.registerCommand('gemmaAgent.openChat', async () => {
      await chat.reveal();
      router.post('focusInput', {});
    }),
    vscode.commands.registerCommand('gemmaAgent.downloadRecommendedModel', () => downloadRecommendedSet(engine, log)),
    vscode.commands.registerCommand('gemmaAgent.chooseModelFile', () => chooseModelFile(engine)),
    vscode.commands.registerCommand('gemmaAgent.newChat', async () => {
      await chat.reveal();
      await controller.newChat();
    }),
    vscode.commands.registerCommand('gemmaAgent.undoLastRun', () => controller.undoLastRun()),
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
    registerVoiceCommands({ voice, engine, chat, controller, audioAttachment, log, workspace }),
  );
  context.subscriptions.push(registerInlineChat(engine, log));
  context.subscriptions.push(registerScreenshotToCode(context, engine, workspace, log));
  context.subscriptions.push(registerChatModelProvider(engine), vscode.commands.registerCommand('gemmaAgent.chooseExternalTools', chooseExternalToolsCommand));

  log.info(`Gemma Agent activated in ${(performance.now() - started).toFixed(1)} ms`);
}

/** First run: point the model setting at the recommended file and start, which downloads it with progress. */
export function deactivate(): void {
  // Subscriptions dispose the engine; nothing else holds resources.
}
