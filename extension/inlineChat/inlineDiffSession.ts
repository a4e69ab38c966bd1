import * as vscode from 'vscode';
import { classifyChange } from './core/blockTracking';
import type { DiffDecorations } from './diffDecorations';
import { layoutBlock, layoutStreaming, type BlockLayout, type HunkState } from './core/diffLayout';
import type { EditContext, EditTurn } from './core/editPrompt';
import { applyHunks, computeHunks, type Hunk } from './core/hunks';
import { spliceBetween, spliceToReplacement, type LineSplice } from './core/lineSplice';
import { errorMessage } from '../../engine/errors';

export type SessionPhase = 'generating' | 'review' | 'ended';

/** Why a session ended, for the caller's message. */
export type SessionEnd = 'accepted' | 'rejected' | 'undone' | 'edited' | 'closed' | 'failed';

let nextSessionId = 1;

/**
 * One inline change in one document, from the first streamed line to Accept or Reject.
 *
 * While it is shown, the document holds the original lines and the proposed ones next to
 * each other (see diffLayout), so the proposal is read in place with the editor's own
 * highlighting. Every edit the session makes joins one undo element, opened by its first
 * edit and closed by its last: after Accept, a single Undo brings the original lines back.
 */
export class InlineDiffSession implements vscode.Disposable {
  readonly id = nextSessionId++;
  /** Finished rounds of instruction and proposal; follow-up prompts extend it. */
  readonly history: EditTurn[] = [];
  private phaseNow: SessionPhase = 'generating';
  private blockStart: number;
  private hunks: Hunk[] = [];
  private states: HunkState[] = [];
  private partial: string[] = [];
  /** The proposal being refined, shown again when its refinement is stopped or fails. */
  private refining: { hunks: Hunk[]; states: HunkState[] } | undefined;
  private shown: BlockLayout;
  private abort: AbortController | undefined;
  private queue: Promise<void> = Promise.resolve();
  private undoGroupOpen = false;
  private applying = false;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly ended = new vscode.EventEmitter<SessionEnd>();
  readonly onDidEnd = this.ended.event;

  constructor(
    readonly document: vscode.TextDocument,
    readonly context: EditContext,
    private readonly decorations: DiffDecorations,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.blockStart = context.target.startLine;
    this.shown = layoutBlock(context.original, [], []);
  }

  get phase(): SessionPhase {
    return this.phaseNow;
  }

  get original(): string[] {
    return this.context.original;
  }

  /** Document line of the block's first line. */
  get start(): number {
    return this.blockStart;
  }

  /** What the document shows now: line kinds and where the pending hunks are. */
  get layout(): BlockLayout {
    return this.shown;
  }

  /** Starts a round of generation; a proposal under review is kept aside until the new one is complete. */
  beginGeneration(): AbortSignal {
    if (this.phaseNow === 'review') this.refining = { hunks: this.hunks, states: this.states };
    this.hunks = [];
    this.states = [];
    this.partial = [];
    this.phaseNow = 'generating';
    this.abort = new AbortController();
    this.changed.fire();
    return this.abort.signal;
  }

  /** The proposal as far as it has streamed. */
  showPartial(lines: string[]): void {
    if (this.phaseNow !== 'generating') return;
    this.partial = lines;
    void this.render();
  }

  /** The complete proposal, shown hunk by hunk for review. Returns how many hunks it has. */
  async propose(instruction: string, lines: string[]): Promise<number> {
    if (this.phaseNow !== 'generating') return 0;
    this.abort = undefined;
    this.refining = undefined;
    this.history.push({ instruction, proposal: lines });
    this.hunks = computeHunks(this.original, lines);
    this.states = this.hunks.map(() => 'pending');
    this.phaseNow = 'review';
    await this.render();
    return this.hunks.length;
  }

  /**
   * The proposal with the user's choices so far: rejected hunks left out. A follow-up
   * prompt builds on this, so a rejected part is not proposed again.
   */
  effectiveProposal(): string[] {
    return applyHunks(this.original, this.hunks, (i) => this.states[i] !== 'rejected');
  }

  /** Records the user's choices in the last round, as the model will see them in a follow-up. */
  settleHistory(): void {
    const last = this.history.at(-1);
    if (last) last.proposal = this.effectiveProposal();
  }

  /**
   * Stops a running generation. A refinement goes back to the proposal it refined; a first
   * round leaves the original lines as they were and ends.
   */
  async stopGenerating(): Promise<void> {
    if (this.phaseNow !== 'generating') return;
    this.abort?.abort();
    this.abort = undefined;
    if (this.restoreRefined()) {
      this.phaseNow = 'review';
      await this.render();
      return;
    }
    await this.finish('rejected', 'rejected');
  }

  /** Accepts or rejects one hunk; the session ends when none is left pending. */
  async resolve(index: number, state: 'accepted' | 'rejected'): Promise<void> {
    if (this.phaseNow !== 'review' || this.states[index] !== 'pending') return;
    this.states[index] = state;
    if (this.states.includes('pending')) await this.render();
    else await this.finish(state, this.states.every((s) => s === 'rejected') ? 'rejected' : 'accepted');
  }

  /** Accept All or Reject All: every pending hunk gets `state`; hunks decided earlier keep their decision. */
  async resolveAll(state: 'accepted' | 'rejected'): Promise<void> {
    if (this.phaseNow === 'generating') {
      if (state === 'accepted') return;
      this.abort?.abort();
      this.abort = undefined;
      this.restoreRefined();
    }
    if (this.phaseNow === 'ended') return;
    await this.finish(state, state);
  }

  /**
   * The round failed (engine error, empty reply): the document goes back to what it showed
   * before the round, the proposal under refinement or the original lines.
   */
  async fail(): Promise<void> {
    if (this.phaseNow !== 'generating') return;
    this.abort = undefined;
    if (this.restoreRefined()) {
      this.phaseNow = 'review';
      await this.render();
      return;
    }
    await this.finish('rejected', 'failed');
  }

  /** Goes back to the proposal a follow-up was refining; false when this was the first round. */
  private restoreRefined(): boolean {
    if (!this.refining) return false;
    this.hunks = this.refining.hunks;
    this.states = this.refining.states;
    this.refining = undefined;
    return true;
  }

  private async finish(pendingAs: 'accepted' | 'rejected', outcome: SessionEnd): Promise<void> {
    this.states = this.states.map((s) => (s === 'pending' ? pendingAs : s));
    this.phaseNow = 'review';
    await this.render(true);
    this.end(outcome);
  }

  /** Leaves the document as it is and removes every trace of the session from the editor. */
  end(outcome: SessionEnd): void {
    if (this.phaseNow === 'ended') return;
    this.phaseNow = 'ended';
    this.abort?.abort();
    this.abort = undefined;
    for (const editor of this.editors()) this.decorations.clear(editor);
    this.log.info(`Inline change ${this.id} in ${this.context.path}: ${outcome}`);
    this.changed.fire();
    this.ended.fire(outcome);
  }

  /** Re-applies the decorations, e.g. when the document shows up in another editor. */
  decorate(): void {
    if (this.phaseNow === 'ended') return;
    for (const editor of this.editors()) this.decorations.show(editor, this.blockStart, this.shown);
  }

  /**
   * Someone else changed the document. Edits above the block move it, edits below leave it
   * alone; an undo, or an edit inside the block, means the shown diff no longer describes
   * the text, so the session ends and leaves the text as it is.
   */
  onDocumentChanged(event: vscode.TextDocumentChangeEvent): void {
    if (this.applying || this.phaseNow === 'ended' || event.contentChanges.length === 0) return;
    if (event.reason === vscode.TextDocumentChangeReason.Undo || event.reason === vscode.TextDocumentChangeReason.Redo) {
      this.end('undone');
      return;
    }
    const block = {
      start: this.blockStart,
      length: this.shown.lines.length,
      lastLineLength: this.shown.lines.at(-1)?.length ?? 0,
    };
    let delta = 0;
    for (const change of event.contentChanges) {
      const effect = classifyChange(block, { start: change.range.start, end: change.range.end, text: change.text });
      if (effect.kind === 'inside') {
        this.end('edited');
        return;
      }
      if (effect.kind === 'above') delta += effect.lineDelta;
    }
    if (delta !== 0) {
      this.blockStart += delta;
      this.decorate();
      this.changed.fire();
    }
  }

  /** Serialises document edits: streamed lines and clicks must not interleave. */
  private render(closeUndo = false): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.phaseNow === 'ended') return;
      try {
        await this.write(this.desiredLayout(), closeUndo);
      } catch (err) {
        const message = errorMessage(err);
        this.log.error(`Inline change ${this.id}: ${message}`);
        void vscode.window.showErrorMessage(`Gemma Agent: could not update the inline change: ${message}`);
        this.end('failed');
      }
    };
    this.queue = this.queue.then(run);
    return this.queue;
  }

  private desiredLayout(): BlockLayout {
    return this.phaseNow === 'generating' ? layoutStreaming(this.original, this.partial) : layoutBlock(this.original, this.hunks, this.states);
  }

  private async write(next: BlockLayout, closeUndo: boolean): Promise<void> {
    const splice = spliceBetween(this.shown.lines, next.lines);
    if (splice) {
      await this.applySplice(splice, closeUndo);
      if (this.phaseNow === 'ended') return;
      this.shown = next;
      this.checkDocument();
    } else {
      this.shown = next;
      if (closeUndo && this.undoGroupOpen) await this.closeUndoGroup();
    }
    this.decorate();
    this.changed.fire();
  }

  private async applySplice(splice: LineSplice, closeUndo: boolean): Promise<void> {
    const doc = this.document;
    const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const edit = spliceToReplacement(splice, this.blockStart, { lineCount: doc.lineCount, lineLength: (line) => doc.lineAt(line).text.length }, eol);
    const range = new vscode.Range(edit.start.line, edit.start.character, edit.end.line, edit.end.character);
    const editor = this.editors()[0];
    this.applying = true;
    try {
      let applied: boolean;
      if (editor) {
        applied = await editor.edit((builder) => builder.replace(range, edit.text), { undoStopBefore: !this.undoGroupOpen, undoStopAfter: closeUndo });
      } else {
        // Not visible in any editor (the user switched tabs): still correct, but this edit gets its own undo step.
        const workspaceEdit = new vscode.WorkspaceEdit();
        workspaceEdit.replace(doc.uri, range, edit.text);
        applied = await vscode.workspace.applyEdit(workspaceEdit);
      }
      if (!applied) throw new Error(`the editor refused the edit of ${this.context.path} (is it read-only, or was it changed at the same moment?)`);
      this.undoGroupOpen = !closeUndo;
    } finally {
      this.applying = false;
    }
  }

  /** An empty edit whose only effect is the undo stop after it, when the last step changed no text. */
  private async closeUndoGroup(): Promise<void> {
    const editor = this.editors()[0];
    if (!editor) return;
    const at = new vscode.Position(Math.min(this.blockStart, this.document.lineCount - 1), 0);
    this.applying = true;
    try {
      await editor.edit((builder) => builder.insert(at, ''), { undoStopBefore: false, undoStopAfter: true });
      this.undoGroupOpen = false;
    } finally {
      this.applying = false;
    }
  }

  /** A keystroke that landed while the session was editing would make the block and the shown diff disagree. */
  private checkDocument(): void {
    const lines = this.shown.lines;
    const fits = this.blockStart + lines.length <= this.document.lineCount;
    const same = fits && lines.every((line, i) => this.document.lineAt(this.blockStart + i).text === line);
    if (!same) this.end('edited');
  }

  private editors(): vscode.TextEditor[] {
    return vscode.window.visibleTextEditors.filter((editor) => editor.document === this.document);
  }

  dispose(): void {
    this.end('closed');
    this.changed.dispose();
    this.ended.dispose();
  }
}
