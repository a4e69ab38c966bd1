import * as vscode from 'vscode';
import { previewDocument, type PreviewModel } from './core/previewDocument';

export const PREVIEW_VIEW_TYPE = 'gemmaAgent.screenshotPreview';

/**
 * The "Screenshot to Code" preview beside the editor. One panel is reused across runs;
 * closing it only stops showing the run, never the run itself. Scripts stay off: the
 * page is static HTML rebuilt for each update, so hiding the panel loses nothing.
 */
export class ScreenshotPreviewPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  /** Shows the model, opening the panel beside the active editor when it is not open. */
  show(model: PreviewModel): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        PREVIEW_VIEW_TYPE,
        panelTitle(model.title),
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: false, enableForms: false, localResourceRoots: [] },
      );
      this.panel.onDidDispose(() => (this.panel = undefined));
    } else if (!this.panel.visible) {
      this.panel.reveal(undefined, true);
    }
    this.panel.title = panelTitle(model.title);
    this.panel.webview.html = previewDocument(model);
  }

  /** Updates the page only if the panel is still open (the user may have closed it). */
  update(model: PreviewModel): void {
    if (!this.panel) return;
    this.panel.title = panelTitle(model.title);
    this.panel.webview.html = previewDocument(model);
  }

  dispose(): void {
    this.panel?.dispose();
    this.panel = undefined;
  }
}

function panelTitle(title: string): string {
  return `Preview: ${title}`;
}
