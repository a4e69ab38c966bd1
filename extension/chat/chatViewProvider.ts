import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { parseWebviewMessage } from '../../webview/protocol';
import type { MessageRouter } from './core/messageRouter';
import { chatWebviewHtml, makeNonce } from './core/webviewHtml';

export const CHAT_VIEW_ID = 'gemmaAgent.chat';

/**
 * Hosts the chat webview: the page's HTML, and the pipe between the page and the router.
 * Messages are checked (the page renders model output, so it is untrusted) and handed to
 * the router; what they mean is the controller's business.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly router: MessageRouter,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist, vscode.Uri.joinPath(this.extensionUri, 'media')] };
    view.webview.html = chatWebviewHtml({
      cspSource: view.webview.cspSource,
      nonce: makeNonce((n) => crypto.randomBytes(n)),
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    });
    this.router.attach((message) => void view.webview.postMessage(message));
    this.disposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (message) void this.router.dispatch(message);
      }),
      view.onDidDispose(() => this.router.attach(undefined)),
    );
  }

  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
