import * as path from 'node:path';
import * as vscode from 'vscode';
import { isMediaError, MAX_IMAGE_BYTES, MediaError, type MediaInput, prepareImage, type PreparedImage } from '../../engine/media';
import type { EngineConnection, EngineController } from '../engineController';
import { errorText } from '../errorText';
import { readSettings } from '../settings/settings';
import { joinFolderPath } from '../../agent/workspace/workspaceFolders';
import { VsCodeMultiRootWorkspace, type EditorWorkspace } from '../workspace/vscodeMultiRoot';
import type { VsCodeWorkspace } from '../workspace/vscodeWorkspace';
import type { WindowWorkspace } from '../workspace/windowWorkspace';
import { firstFreeFolder, folderNameFor, type OutputLocation, plannedPaths } from './core/outputLocation';
import { ScreenshotPreviewPanel } from './previewPanel';
import { ScreenshotRun } from './screenshotRun';
import { pickScreenshot } from './screenshotPick';
import { explainNoBrowser, explainNoVision, explainUntrusted, showFailure } from './screenshotNotices';
import { readScreenshotToCodeSettings, type ScreenshotToCodeSettings } from './screenshotSettings';
import { detectWorkspaceTarget } from './core/workspaceTarget';
import { targetFolder } from './core/targetFolder';

/** The folder the page goes into: its own workspace, and its name when the window has several. */
interface Folder {
  workspace: VsCodeWorkspace;
  name?: string;
}

interface Destination {
  location: OutputLocation;
  /** Existing files the user agreed to overwrite. */
  approved: string[];
}

/**
 * "Gemma Agent: Screenshot to Code" up to the run itself: the image (argument or dialog),
 * an engine that can see, and where the code goes, asking before anything is overwritten.
 * It writes through the window's workspace (the one the chat uses); with several folders the
 * page goes into the folder the image is in, else the one the user picks.
 * Everything is checked before the first model turn, so a wrong image or a text-only
 * engine costs nothing. One run at a time; ScreenshotRun does the rest.
 */
export class ScreenshotToCodeController implements vscode.Disposable {
  private active: AbortController | undefined;
  private readonly preview = new ScreenshotPreviewPanel();
  private browserExplained = false;

  constructor(
    private readonly engine: EngineController,
    private readonly workspace: WindowWorkspace,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  dispose(): void {
    this.active?.abort();
    this.preview.dispose();
  }

  async run(argument?: unknown): Promise<void> {
    if (this.active) {
      void vscode.window.showInformationMessage('Gemma Agent: screenshot to code is already running. Cancel it in its notification to start another.');
      return;
    }
    const abort = new AbortController();
    this.active = abort;
    try {
      await this.runNow(argument, abort);
    } catch (error) {
      // Everything expected is reported where it happens; this is the last net for the unexpected.
      const message = errorText(error, readSettings());
      this.log.error(`Screenshot to code failed: ${error instanceof Error && error.stack ? error.stack : message}`);
      void showFailure(`Gemma Agent: screenshot to code failed: ${message}`, this.log);
    } finally {
      if (this.active === abort) this.active = undefined;
    }
  }

  private async runNow(argument: unknown, abort: AbortController): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void explainUntrusted();
      return;
    }
    const window = this.workspace.get();
    if (!window) {
      void vscode.window.showErrorMessage('Gemma Agent: open a folder first. Screenshot to code writes the page into the workspace folder.');
      return;
    }
    const activeFolder = activeFolderOf(window);
    // The window's workspace is shared with the chat and stays open after the run.
    const imageUri = await pickScreenshot(argument, activeFolder?.root ?? window.root);
    if (!imageUri) return;
    const settings = readScreenshotToCodeSettings();
    const image = await this.loadImage(imageUri, settings);
    if (!image) return;

    const connection = await this.connect();
    if (!connection) return;
    if (!connection.capabilities.vision) {
      const { remoteUrl, projectorPath } = readSettings();
      this.log.warn('Screenshot to code: the engine takes no images (no vision projector).');
      void explainNoVision(remoteUrl, projectorPath);
      return;
    }

    const folder = await chooseFolder(window, imageUri, activeFolder?.name);
    if (!folder) return;
    const destination = await this.chooseDestination(folder, imageUri);
    if (!destination) return;
    await new ScreenshotRun({
      workspace: folder.workspace,
      ...(folder.name !== undefined ? { folderName: folder.name } : {}),
      image,
      settings,
      client: connection.client,
      ...destination,
      signal: abort.signal,
      cancel: () => abort.abort(),
      preview: this.preview,
      log: this.log,
      onNoBrowser: (detail) => {
        if (this.browserExplained) return;
        this.browserExplained = true;
        void explainNoBrowser(detail);
      },
    }).run();
  }

  /** The screenshot as the model gets it; undefined after telling the user why it cannot be used. */
  private async loadImage(uri: vscode.Uri, settings: ScreenshotToCodeSettings): Promise<PreparedImage | undefined> {
    const name = path.basename(uri.path);
    try {
      const input: MediaInput = uri.scheme === 'file' ? { path: uri.fsPath } : await readUri(uri);
      const image = await prepareImage(input, { maxTokens: settings.imageTokenBudget });
      this.log.info(
        `Screenshot to code: ${uri.scheme === 'file' ? uri.fsPath : uri.toString()} (${image.sourceFormat}, ${image.originalWidth}x${image.originalHeight}) ` +
          `sent as ${image.width}x${image.height}, ${image.tokens} tokens${image.resized ? ' (scaled down)' : ''}.`,
      );
      return image;
    } catch (error) {
      if (!isMediaError(error)) throw error;
      this.log.warn(`Screenshot to code: ${name} cannot be used: ${error.message}`);
      void vscode.window.showErrorMessage(`Gemma Agent: ${name} cannot be used as a screenshot. ${error.message}`);
      return undefined;
    }
  }

  private async connect(): Promise<EngineConnection | undefined> {
    try {
      return await this.engine.connection();
    } catch (error) {
      const message = errorText(error, readSettings());
      this.log.error(`Screenshot to code: the engine is not available: ${message}`);
      void showFailure(`Gemma Agent: screenshot to code needs the engine, which is not available. ${message}`, this.log);
      return undefined;
    }
  }

  /** HTML in its own folder or React where the sources are; asks before overwriting anything. */
  private async chooseDestination({ workspace, name: folderName }: Folder, imageUri: vscode.Uri): Promise<Destination | undefined> {
    const plan = await detectWorkspaceTarget(workspace);
    const location: OutputLocation = { plan, folder: plan.target === 'react' ? '' : folderNameFor(imageUri.path) };
    const existing: string[] = [];
    for (const file of plannedPaths(location)) if (await workspace.stat(file)) existing.push(file);
    if (existing.length === 0) return { location, approved: [] };

    const names = existing.map((file) => (folderName === undefined ? file : joinFolderPath(folderName, file))).join(' and ');
    const buttons = plan.target === 'react' ? ['Overwrite'] : ['Overwrite', 'Use a New Folder'];
    const pick = await vscode.window.showWarningMessage(
      `${names} already exist${existing.length === 1 ? 's' : ''}. Overwrite ${existing.length === 1 ? 'it' : 'them'} with the code for this screenshot?`,
      { modal: true, detail: 'Undo in the notification at the end puts the current content back.' },
      ...buttons,
    );
    if (pick === 'Overwrite') return { location, approved: existing };
    if (pick === 'Use a New Folder') {
      const folder = await firstFreeFolder(location.folder, async (candidate) => (await workspace.stat(candidate)) !== undefined);
      return { location: { ...location, folder }, approved: [] };
    }
    return undefined;
  }
}

/** The folder of the file open in the editor, in a window of several folders. */
function activeFolderOf(window: EditorWorkspace): { name: string; root: string } | undefined {
  if (!(window instanceof VsCodeMultiRootWorkspace)) return undefined;
  const active = vscode.window.activeTextEditor?.document.uri;
  const name = active && window.relativeOrUndefined(active)?.split('/')[0];
  return name ? window.folders.find((folder) => folder.name === name) : undefined;
}

/**
 * The folder the page goes into: the window's one folder; with several, the one that holds
 * the image, else the one the user picks (undefined when the pick is closed).
 */
async function chooseFolder(window: EditorWorkspace, imageUri: vscode.Uri, activeFolder: string | undefined): Promise<Folder | undefined> {
  if (!(window instanceof VsCodeMultiRootWorkspace)) return { workspace: window };
  const target = targetFolder(window.folders, imageUri.scheme === 'file' ? imageUri.fsPath : undefined, activeFolder);
  const chosen =
    target.kind === 'folder'
      ? target.folder
      : (
          await vscode.window.showQuickPick(
            target.choices.map((folder) => ({ label: folder.name, description: folder.root, folder })),
            { title: 'Gemma Agent: Screenshot to Code', placeHolder: `Which folder does the code for ${path.basename(imageUri.path)} go into?` },
          )
        )?.folder;
  return chosen && { workspace: window.member(chosen.name), name: chosen.name };
}

/** Images from other file systems (remote, virtual), read through VS Code with the same size limit. */
async function readUri(uri: vscode.Uri): Promise<Buffer> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > MAX_IMAGE_BYTES) {
    throw new MediaError('too-large', `The image is ${(stat.size / 1e6).toFixed(1)} MB; at most ${MAX_IMAGE_BYTES / 1024 / 1024} MiB is read. Crop it or save it as PNG.`);
  }
  return Buffer.from(await vscode.workspace.fs.readFile(uri));
}
