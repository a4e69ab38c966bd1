import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { parseWebviewMessage, type EngineStateView, type HostMessage, type HostToWebview, type WebviewMessage } from '../webview/protocol';
import { chatWebviewHtml, makeNonce } from './chatView/core/webviewHtml';

export const CHAT_VIEW_ID = 'gemmaAgent.chat';

/**
 * Hosts the chat webview. It only renders and forwards: what a message means is decided
 * by the handler the extension passes in, so the view stays a thin adapter.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly onMessage: (message: WebviewMessage) => void,
    private readonly currentState: () => EngineStateView,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist, vscode.Uri.joinPath(this.extensionUri, 'media')] };
    view.webview.html = chatWebviewHtml({
      cspSource: view.webview.cspSource,
      nonce: makeNonce((n) => crypto.randomBytes(n)),
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    });
    this.disposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (!message) return;
        // A fresh page (first show, or re-created after being hidden) asks for everything.
        if (message.type === 'ready') this.post('engineState', this.currentState());
        this.onMessage(message);
      }),
      view.onDidDispose(() => {
        this.view = undefined;
      }),
    );
  }

  post<K extends keyof HostToWebview>(type: K, payload: HostToWebview[K]): void {
    void this.view?.webview.postMessage({ type, payload } as HostMessage);
  }

  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
