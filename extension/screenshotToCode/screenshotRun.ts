import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunCheckpoint } from '../../agent/checkpoint/runCheckpoint';
import {
  isScreenshotToCodeError,
  pageSize,
  runScreenshotToCode,
  type ScreenshotToCodeResult,
  type ScreenshotToCodeRound,
} from '../../agent/screenshotToCode';
import { type EngineClient, EngineError } from '../../engine/client';
import { isAbortError } from '../../engine/errors';
import type { PreparedImage } from '../../engine/media';
import { joinFolderPath } from '../../agent/workspace/workspaceFolders';
import { errorText } from '../errorText';
import { readSettings } from '../settings/settings';
import type { VsCodeWorkspace } from '../workspace/vscodeWorkspace';
import { CheckpointWriter } from './core/checkpointWriter';
import { markupFile, type OutputLocation, toWorkspacePath } from './core/outputLocation';
import { pageRenderer, type RenderUnavailable } from './core/pageRenderer';
import { pagePreview } from './core/pagePreview';
import type { PreviewModel } from './core/previewDocument';
import type { ScreenshotPreviewPanel } from './previewPanel';
import { describeStop, showFailure } from './screenshotNotices';
import type { ScreenshotToCodeSettings } from './screenshotSettings';

export interface ScreenshotRunOptions {
  /** The folder the page goes into (one of the window's, with paths inside it). */
  workspace: VsCodeWorkspace;
  /** That folder's name, when the window has several: what the user is shown starts with it. */
  folderName?: string;
  image: PreparedImage;
  settings: ScreenshotToCodeSettings;
  client: Pick<EngineClient, 'chat'>;
  location: OutputLocation;
  /** Existing files the user already agreed to overwrite. */
  approved: string[];
  signal: AbortSignal;
  /** Cancels the run; the progress notification's Cancel calls it. */
  cancel: () => void;
  preview: ScreenshotPreviewPanel;
  log: vscode.LogOutputChannel;
  /** No browser to score with: said once per window by the caller. */
  onNoBrowser: (detail: string) => void;
}

/**
 * One screenshot-to-code run: the self-check loop with its writes recorded for undo, the
 * progress notification, the preview, the log, and the notification that ends it (with
 * Undo). Every outcome is reported here; run() never throws.
 */
export class ScreenshotRun {
  private readonly checkpoint: RunCheckpoint;
  private readonly writer: CheckpointWriter;
  private readonly model: PreviewModel;
  private readonly maxRounds: number;
  /** The page's window: the screenshot's size as captured, which the model was asked to fill. */
  private readonly size: { width: number; height: number };
  /** The location plan's note, when it says something about the page this panel shows. */
  private readonly planNotes: string[];
  /** Why there is no score, once known: a few words for the notification, and the detail for the preview. */
  private unscored: { short: string; detail?: string } | undefined;
  private completed = 0;

  constructor(private readonly options: ScreenshotRunOptions) {
    const { location, image, settings } = options;
    this.maxRounds = settings.maxRounds;
    this.size = pageSize(image);
    this.checkpoint = new RunCheckpoint(options.workspace);
    this.writer = new CheckpointWriter({
      checkpoint: this.checkpoint,
      location,
      approved: options.approved,
      confirmOverwrite: (file) => confirmOverwrite(this.shown(file)),
      onSkipped: (file) => options.log.warn(`Screenshot to code: ${this.shown(file)} already existed and was left as it is.`),
    });
    // A React plan's note promises a preview this panel cannot give; pagePreview says what it shows instead.
    this.planNotes = location.plan.note && location.plan.target !== 'react' ? [location.plan.note] : [];
    if (location.plan.target === 'react') this.unscored = { short: 'React components are not rendered here' };
    this.model = {
      title: this.shown(location.folder || location.plan.markupPath),
      status: `Round 1 of ${this.maxRounds}: writing the page`,
      notes: this.planNotes,
      screenshot: { dataUrl: image.dataUrl(), width: image.width, height: image.height },
      rounds: [],
    };
  }

  async run(): Promise<void> {
    const { location, workspace, settings, signal, log } = this.options;
    const folderExisted = location.folder !== '' && (await workspace.stat(location.folder)) !== undefined;
    const undo = (): Promise<void> => this.undo(folderExisted);
    log.info(
      `Screenshot to code: ${location.plan.target === 'react' ? 'React component' : 'HTML and CSS'} into ${this.model.title}, ` +
        `${this.size.width}x${this.size.height} page, at most ${this.maxRounds} round${this.maxRounds === 1 ? '' : 's'}.` +
        (location.plan.note ? ` ${location.plan.note}` : ''),
    );
    this.options.preview.show(this.model);

    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Gemma Agent: Screenshot to Code', cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => this.options.cancel());
          const say = (status: string, increment?: number): void => {
            this.model.status = status;
            progress.report({ message: status, increment });
            this.options.preview.update(this.model);
          };
          let turn = 0;
          let lastScored: ScreenshotToCodeRound | undefined;
          // Counting the model turns is how the progress knows a round has begun.
          const client: Pick<EngineClient, 'chat'> = {
            chat: (request, chatOptions) => {
              turn++;
              say(
                lastScored?.score === undefined
                  ? `Round ${turn} of ${this.maxRounds}: writing the page`
                  : `Round ${turn} of ${this.maxRounds}: fixing what differs from the screenshot (round ${lastScored.round}: similarity ${lastScored.score.toFixed(2)})`,
              );
              return this.options.client.chat(request, chatOptions);
            },
          };
          return runScreenshotToCode({
            client,
            image: this.options.image,
            target: location.plan,
            writeFiles: this.writer.writeFiles,
            render: location.plan.headlessRender
              ? pageRenderer({
                  page: markupFile(workspace.root, location),
                  ...this.size,
                  chromiumPath: settings.chromiumPath,
                  signal,
                  onUnavailable: (reason) => this.renderUnavailable(reason),
                })
              : undefined,
            maxRounds: this.maxRounds,
            imageMaxTokens: settings.imageTokenBudget,
            signal,
            onRound: (round) => {
              this.completed = round.round;
              if (round.score !== undefined) lastScored = round;
              this.logRound(round);
              this.model.rounds.push({
                round: round.round,
                score: round.score,
                modelMs: round.timings.modelMs,
                renderMs: round.timings.renderMs,
                written: round.written.map((f) => this.shown(toWorkspacePath(location, f.path))),
              });
              this.showRound(round);
              say(roundStatus(round, this.maxRounds), 100 / this.maxRounds);
            },
          });
        },
      );
      this.finish(result, undo);
    } catch (error) {
      this.fail(error, this.checkpoint.isEmpty ? undefined : undo);
    }
  }

  /** A path inside the folder as the user knows it: with the folder's name first when the window has several. */
  private shown(file: string): string {
    return this.options.folderName === undefined ? file : joinFolderPath(this.options.folderName, file);
  }

  private renderUnavailable(reason: RenderUnavailable): void {
    this.options.log.warn(`Screenshot to code: no score for the page: ${reason.message}`);
    if (reason.kind === 'no-browser') {
      this.unscored = { short: 'no Chrome or Chromium to render the page with', detail: reason.message };
      this.options.onNoBrowser(reason.message);
    } else {
      this.unscored = { short: 'the page could not be rendered', detail: reason.message };
      void showFailure(`Gemma Agent: the generated page could not be rendered, so it is shown without a score. ${reason.message}`, this.options.log);
    }
  }

  /** Puts a round's page and render into the preview. */
  private showRound(round: ScreenshotToCodeRound): void {
    const page = pagePreview(round.files, this.options.location);
    const unscored = this.unscored?.detail ? [`Not scored: ${this.unscored.short}. ${this.unscored.detail}`] : [];
    this.model.page = page.html === undefined ? undefined : { html: page.html, ...this.size };
    this.model.notes = [...this.planNotes, ...unscored, ...page.notes];
    if (round.renderPng) {
      this.model.render = { dataUrl: `data:image/png;base64,${round.renderPng.toString('base64')}`, ...this.size, round: round.round, score: round.score };
    }
  }

  private finish(result: ScreenshotToCodeResult, undo: () => Promise<void>): void {
    const { best, rounds } = result;
    const { location, workspace, log } = this.options;
    const scored = best.score !== undefined;
    const written = this.writer.written.map((file) => this.shown(file));
    log.info(
      `Screenshot to code finished after ${rounds.length} round${rounds.length === 1 ? '' : 's'}: ${describeStop(result.stopReason)}. ` +
        `Kept round ${best.round}${scored ? ` (similarity ${best.score?.toFixed(3)})` : ''}; files: ${written.join(', ') || 'none'}.`,
    );
    // The loop leaves the best round's files in place; the preview shows that round too.
    if (best !== rounds.at(-1)) this.showRound(best);
    this.model.bestRound = best.round;
    this.model.status = scored
      ? `Done: ${rounds.length > 1 ? `round ${best.round} kept, ` : ''}similarity ${best.score?.toFixed(3)} (${describeStop(result.stopReason)})`
      : `Done: the page is written (${describeStop(result.stopReason)})`;
    this.options.preview.update(this.model);

    const scores = rounds.map((r) => (r.score === undefined ? 'not scored' : r.score.toFixed(3)));
    const kept = rounds.length > 1 ? ` Round ${best.round} kept${result.restored ? ' (written back over a worse later round)' : ''}.` : '';
    const message =
      `Gemma Agent: screenshot to code wrote ${location.folder ? `${this.shown(location.folder)}/` : written.join(', ')}. ` +
      (scored ? `Similarity per round: ${scores.join(', ')}.${kept}` : `It is not scored: ${this.unscored?.short ?? 'nothing rendered it'}.`);
    const markup = vscode.Uri.file(markupFile(workspace.root, location));
    void vscode.window.showInformationMessage(message, 'Open File', 'Undo').then(async (pick) => {
      if (pick === 'Open File') await vscode.window.showTextDocument(markup, { viewColumn: vscode.ViewColumn.One });
      if (pick === 'Undo') await undo();
    });
  }

  private fail(error: unknown, undo: (() => Promise<void>) | undefined): void {
    const { log } = this.options;
    const completed = this.completed;
    const kept = !undo
      ? ' Nothing was written.'
      : completed > 0
        ? ` The files from round${completed === 1 ? ' 1 are' : `s 1 to ${completed} are`} kept; Undo removes them.`
        : ' Undo removes the files it wrote before that.';
    if (isAbortError(error)) {
      log.info(`Screenshot to code cancelled after ${completed} round${completed === 1 ? '' : 's'}.`);
      this.model.status = `Cancelled after ${completed} round${completed === 1 ? '' : 's'}`;
      this.options.preview.update(this.model);
      void vscode.window.showInformationMessage(`Gemma Agent: screenshot to code was cancelled.${kept}`, ...(undo ? ['Undo'] : [])).then(async (pick) => {
        if (pick === 'Undo' && undo) await undo();
      });
      return;
    }
    const message = errorText(error, readSettings());
    const stage = completed > 0 ? ` in round ${completed + 1}` : '';
    // Our own errors already say everything; a stack only helps with the unexpected.
    const expected = isScreenshotToCodeError(error) || error instanceof EngineError;
    log.error(`Screenshot to code failed${stage}: ${!expected && error instanceof Error && error.stack ? error.stack : message}`);
    this.model.status = `Failed${stage}: ${message}`;
    this.options.preview.update(this.model);
    void showFailure(`Gemma Agent: screenshot to code failed${stage}. ${message}${kept}`, log, undo);
  }

  private async undo(folderExisted: boolean): Promise<void> {
    const { workspace, location, log } = this.options;
    const changed = (await this.writer.changedSince()).map((file) => this.shown(file));
    if (changed.length > 0) {
      const pick = await vscode.window.showWarningMessage(
        `${changed.join(' and ')} changed after screenshot to code wrote ${changed.length === 1 ? 'it' : 'them'}. Undo anyway?`,
        { modal: true, detail: 'Undo puts back what was there before the run, so the later changes are lost.' },
        'Undo Anyway',
      );
      if (pick !== 'Undo Anyway') return;
    }
    const report = await this.checkpoint.undoRun();
    // The checkpoint restores files; the folder the run created for them goes too, once empty.
    if (location.folder && !folderExisted) {
      const folder = vscode.Uri.file(path.join(workspace.root, location.folder));
      try {
        if ((await vscode.workspace.fs.readDirectory(folder)).length === 0) await vscode.workspace.fs.delete(folder, { recursive: false, useTrash: false });
      } catch {
        // Already gone, or something else was put there meanwhile.
      }
    }
    const failed = report.failed.map((f) => `${this.shown(f.path)}: ${f.error}`);
    log.info(`Screenshot to code undone: restored ${report.restored.join(', ') || 'nothing'}${failed.length ? `; not restored: ${failed.join('; ')}` : ''}.`);
    this.model.status = failed.length === 0 ? 'Undone: the files are as they were before' : 'Partly undone: see the notification';
    this.options.preview.update(this.model);
    if (failed.length === 0) {
      const count = report.restored.length;
      void vscode.window.showInformationMessage(`Gemma Agent: screenshot to code undone (${count} file${count === 1 ? '' : 's'} put back).`);
    } else {
      void showFailure(
        `Gemma Agent: ${failed.length} file${failed.length === 1 ? '' : 's'} could not be put back: ${failed.join('; ')}. Check ${failed.length === 1 ? 'it' : 'them'} by hand.`,
        log,
      );
    }
  }

  private logRound(round: ScreenshotToCodeRound): void {
    const { log, location } = this.options;
    const t = round.timings;
    const score = round.score === undefined ? 'not scored' : `similarity ${round.score.toFixed(3)}`;
    const written = round.written.map((f) => this.shown(toWorkspacePath(location, f.path))).join(', ') || 'no change';
    log.info(
      `Screenshot to code round ${round.round} of ${this.maxRounds}: ${score}; model ${ms(t.modelMs)}, write ${ms(t.writeMs)}, ` +
        `render ${ms(t.renderMs)}, score ${ms(t.scoreMs)}; wrote ${written}.`,
    );
    if (round.refused.length > 0) log.warn(`Screenshot to code round ${round.round}: not written: ${round.refused.map((r) => `${r.path} (${r.reason})`).join(', ')}.`);
    if (round.truncated) log.warn(`Screenshot to code round ${round.round}: the reply hit the token limit, so its last file may be cut short.`);
  }
}

async function confirmOverwrite(file: string): Promise<boolean> {
  const pick = await vscode.window.showWarningMessage(
    `The model also wrote ${file}, which already exists. Overwrite it?`,
    { modal: true, detail: 'Undo in the notification at the end puts the current content back. Keep leaves the file as it is.' },
    'Overwrite',
    'Keep',
  );
  return pick === 'Overwrite';
}

function roundStatus(round: ScreenshotToCodeRound, maxRounds: number): string {
  return round.score === undefined
    ? `Round ${round.round} of ${maxRounds}: written, not scored`
    : `Round ${round.round} of ${maxRounds}: similarity ${round.score.toFixed(2)}`;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}
