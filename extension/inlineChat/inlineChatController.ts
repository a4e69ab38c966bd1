import * as vscode from 'vscode';
import { isAbortError } from '../../engine/errors';
import type { EngineController } from '../engineController';
import { errorText } from '../errorText';
import { readSettings } from '../settings/settings';
import { collectEditContext } from './editContextCollector';
import { buildEditMessages } from './core/editPrompt';
import { DiffDecorations } from './diffDecorations';
import { INLINE_COMMANDS, INLINE_CONTEXT_KEYS } from './core/inlineChatCommands';
import { InlineDiffCodeLens } from './inlineDiffCodeLens';
import { InlineDiffSession, type SessionEnd } from './inlineDiffSession';
import { askInstruction } from './promptInput';
import { extractCode, restoreIndentation } from './core/replyParser';

/** Edits want the likeliest code, not variety. */
const EDIT_TEMPERATURE = 0.2;

/**
 * Inline chat (Ctrl+I / Cmd+I): asks for an instruction about the selected lines (or the
 * cursor line), streams the model's rewrite into the editor as a vertical diff, and lets the
 * user accept or reject each hunk or all of them, or refine the proposal with a follow-up.
 * One session per document at a time.
 */
export class InlineChatController implements vscode.Disposable {
  private readonly sessions = new Map<string, InlineDiffSession>();
  private readonly decorations = new DiffDecorations();
  private readonly lenses = new InlineDiffCodeLens((document) => this.sessionFor(document));
  private readonly disposables: vscode.Disposable[] = [];
  private contextKeys = { visible: false, generating: false };

  constructor(
    private readonly engine: EngineController,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const command = (id: string, run: (...args: unknown[]) => unknown): void => {
      this.disposables.push(vscode.commands.registerCommand(id, run));
    };
    command(INLINE_COMMANDS.start, () => this.start());
    command(INLINE_COMMANDS.acceptAll, (...args) => this.target(args)?.resolveAll('accepted'));
    command(INLINE_COMMANDS.rejectAll, (...args) => this.target(args)?.resolveAll('rejected'));
    command(INLINE_COMMANDS.cancel, (...args) => {
      const session = this.target(args);
      return session?.phase === 'generating' ? session.stopGenerating() : session?.resolveAll('rejected');
    });
    command(INLINE_COMMANDS.acceptHunk, (...args) => this.resolveHunk(args, 'accepted'));
    command(INLINE_COMMANDS.rejectHunk, (...args) => this.resolveHunk(args, 'rejected'));

    this.disposables.push(
      this.decorations,
      this.lenses,
      vscode.languages.registerCodeLensProvider({ scheme: '*' }, this.lenses),
      vscode.workspace.onDidChangeTextDocument((event) => this.sessionFor(event.document)?.onDocumentChanged(event)),
      vscode.workspace.onDidCloseTextDocument((document) => this.sessionFor(document)?.end('closed')),
      vscode.window.onDidChangeVisibleTextEditors(() => this.sessions.forEach((session) => session.decorate())),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContextKeys()),
    );
  }

  private sessionFor(document: vscode.TextDocument): InlineDiffSession | undefined {
    return this.sessions.get(document.uri.toString());
  }

  /** Ctrl+I: a new change on the selection, or a follow-up to the change already shown in this document. */
  private async start(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Gemma Agent: open a file and select the code to change, then run Inline Chat (Ctrl+I).');
      return;
    }
    const document = editor.document;
    const existing = this.sessionFor(document);
    if (existing) {
      if (existing.phase === 'generating') {
        void vscode.window.showInformationMessage('Gemma Agent: the change is still being written. Wait for it, or press Escape to stop it.');
        return;
      }
      await this.refine(existing);
      return;
    }

    let context = collectEditContext(document, editor.selection);
    const { target } = context;
    const where = target.mode === 'insert' ? `insert at line ${target.startLine + 1}` : target.lineCount === 1 ? `line ${target.startLine + 1}` : `lines ${target.startLine + 1}-${target.startLine + target.lineCount}`;
    const version = document.version;
    const instruction = await askInstruction({
      title: `Gemma Agent: edit ${context.path.replace(/ \(unsaved.*\)$/, '')}, ${where}`,
      placeholder: target.mode === 'insert' ? 'Describe the code to insert here' : 'Describe the change, e.g. "handle an empty list"',
      hint: 'The proposal appears in the editor as a diff to accept or reject, change by change.',
    });
    if (instruction === undefined || document.isClosed || this.sessionFor(document)) return;
    if (document.version !== version) context = collectEditContext(document, editor.selection);

    const session = new InlineDiffSession(document, context, this.decorations, this.log);
    const key = document.uri.toString();
    this.sessions.set(key, session);
    session.onDidChange(() => {
      this.lenses.refresh();
      this.updateContextKeys();
    });
    session.onDidEnd((outcome) => this.onEnded(key, session, outcome));
    // A caret at the block's first line: a selection would stretch over the streamed lines.
    const caret = new vscode.Position(context.target.startLine, 0);
    if (vscode.window.activeTextEditor?.document === document) vscode.window.activeTextEditor.selection = new vscode.Selection(caret, caret);
    this.log.info(`Inline change ${session.id} in ${context.path} (${where}): ${instruction}`);
    await this.generate(session, instruction);
  }

  private async refine(session: InlineDiffSession): Promise<void> {
    const instruction = await askInstruction({
      title: 'Gemma Agent: refine the proposed change',
      placeholder: 'What should be different in the proposal?',
      hint: 'The model sees the original lines, its proposal with your choices so far, and this instruction.',
    });
    if (instruction === undefined || session.phase !== 'review') return;
    session.settleHistory();
    this.log.info(`Inline change ${session.id}, follow-up: ${instruction}`);
    await this.generate(session, instruction);
  }

  /** One round with the model: streams the reply into the editor, then shows it for review. */
  private async generate(session: InlineDiffSession, instruction: string): Promise<void> {
    const signal = session.beginGeneration();
    const messages = buildEditMessages(session.context, session.history, instruction);
    const code = (reply: string, complete: boolean): string[] => restoreIndentation(extractCode(reply, complete), session.original);
    const status = vscode.window.setStatusBarMessage('$(loading~spin) Gemma Agent is writing the change… (Escape stops it)');
    let reply = '';
    try {
      const { client } = await this.engine.connection();
      if (signal.aborted) return;
      const request = { messages, temperature: EDIT_TEMPERATURE, chat_template_kwargs: { enable_thinking: false } };
      for await (const event of client.streamChat(request, { signal })) {
        if (event.type !== 'text') continue;
        reply += event.delta;
        if (event.delta.includes('\n')) session.showPartial(code(reply, false));
      }
    } catch (err) {
      if (isAbortError(err, signal)) return;
      const message = errorText(err, readSettings());
      this.log.error(`Inline change ${session.id} failed: ${message}`);
      await session.fail();
      void vscode.window.showErrorMessage(`Gemma Agent: inline chat failed, the file is unchanged. ${message}`, 'Open Log').then((pick) => pick && this.log.show());
      return;
    } finally {
      status.dispose();
    }
    if (signal.aborted) return;

    const proposal = code(reply, true);
    if (proposal.length === 0) {
      this.log.warn(`Inline change ${session.id}: the reply had no code (${JSON.stringify(reply.slice(0, 200))})`);
      await session.fail();
      void vscode.window.showWarningMessage('Gemma Agent: the model replied without any code, so nothing was changed. Try rewording the instruction; to delete lines, delete them directly.');
      return;
    }
    const hunks = await session.propose(instruction, proposal);
    if (hunks === 0) {
      await session.resolveAll('accepted');
      void vscode.window.showInformationMessage('Gemma Agent: the model proposed no change to these lines.');
    }
  }

  /** A lens click passes (document, session, hunk); a key or the palette means the hunk at the cursor. */
  private resolveHunk(args: unknown[], state: 'accepted' | 'rejected'): Promise<void> | undefined {
    const session = this.target(args);
    if (!session) return undefined;
    let index = typeof args[2] === 'number' ? args[2] : undefined;
    const editor = vscode.window.activeTextEditor;
    if (index === undefined && editor?.document === session.document) {
      const line = editor.selection.active.line - session.start;
      index = session.layout.hunks.find((hunk) => line >= hunk.start && line < hunk.start + hunk.removed + hunk.inserted)?.index;
    }
    return index === undefined ? undefined : session.resolve(index, state);
  }

  /** The session a command is for: the one a lens names, if it is still the live one, else the active editor's. */
  private target(args: unknown[]): InlineDiffSession | undefined {
    const [uri, id] = args;
    if (typeof uri === 'string') {
      const session = this.sessions.get(uri);
      return session && session.id === id ? session : undefined;
    }
    const document = vscode.window.activeTextEditor?.document;
    return document && this.sessionFor(document);
  }

  private onEnded(key: string, session: InlineDiffSession, outcome: SessionEnd): void {
    if (this.sessions.get(key) === session) this.sessions.delete(key);
    this.lenses.refresh();
    this.updateContextKeys();
    if (outcome === 'edited') {
      void vscode.window.showWarningMessage(
        'Gemma Agent: the lines of the inline change were edited while it was shown, so it was closed and the text left as it is now. Undo (Ctrl+Z) steps back to the original.',
      );
    }
    // Listeners may still be running for this very event; let them finish first.
    setTimeout(() => session.dispose(), 0);
  }

  private updateContextKeys(): void {
    const document = vscode.window.activeTextEditor?.document;
    const session = document && this.sessionFor(document);
    const next = { visible: !!session && session.phase !== 'ended', generating: session?.phase === 'generating' };
    if (next.visible !== this.contextKeys.visible) void vscode.commands.executeCommand('setContext', INLINE_CONTEXT_KEYS.diffVisible, next.visible);
    if (next.generating !== this.contextKeys.generating) void vscode.commands.executeCommand('setContext', INLINE_CONTEXT_KEYS.generating, next.generating);
    this.contextKeys = next;
  }

  dispose(): void {
    for (const session of [...this.sessions.values()]) session.dispose();
    this.sessions.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
