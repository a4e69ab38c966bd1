import * as vscode from 'vscode';
import { errorMessage } from '../../engine/errors';
import type { RunCheckpoint } from '../../agent/checkpoint/runCheckpoint';
import type { ContentPart } from '../../engine/protocol';
import type { ChatMessageView, ChatMode, HostAction } from '../../webview/protocol';
import type { EngineController } from '../engineController';
import type { WindowWorkspace } from '../workspace/windowWorkspace';
import type { PendingAttachment } from './attachments';
import { errorText, problemText } from '../errorText';
import { readSettings } from '../settings/settings';
import { ChatApprover } from './chatApprover';
import { ChatCheckpoints } from './chatCheckpoints';
import type { ChatStore, StoredChat } from './core/chatStore';
import { runChatTurn, warmUpChat } from './chatTurn';
import type { MessageRouter } from './core/messageRouter';
import { TurnProjection, type TurnEffect } from './core/turnProjection';
import { EditorActions } from './editorActions';
import { Mentions } from './mentions';
import { createNetworkChoice } from './networkQuestion';
import { PendingAttachments, type VoiceRecorder } from './pendingAttachments';
import { Throttled } from './core/throttle';

/** How often a reply that is still streaming is written to disk. */
const PROGRESS_SAVE_MS = 2000;

/** What a command (voice, screenshot) sends on the user's behalf. */
export interface Submission {
  text: string;
  attachments?: PendingAttachment[];
  /** Extra context the model gets but the view does not show as text (editor context). */
  context?: string;
  /** Ask: the agent only reads and answers with a plan. Default agent. */
  mode?: ChatMode;
}

/** Told to the model with each Ask-mode message: in the user's turn, so the prompt's start stays the same. */
export const ASK_MODE_NOTE =
  '(Ask mode: read and search the project as much as you need, but change nothing and run nothing. Answer with a plan: numbered steps, naming the files and what changes in each. The user can then run the plan in Agent mode.)';

export interface ChatControllerDeps {
  store: ChatStore;
  engine: EngineController;
  router: MessageRouter;
  workspace: WindowWorkspace;
  log: vscode.LogOutputChannel;
  recorder: VoiceRecorder;
  /** The engine panel's buttons. */
  actions: Record<HostAction, () => void>;
  /** Where lasting checkpoints are kept (the extension's global storage). */
  storageDir: string;
}

/**
 * The chat view's host side: owns the conversation and its runs. Every message from the page
 * has its handler in the table below; agent events become view updates through the turn
 * projection; editor work (diffs, Insert, Apply, links) is EditorActions'.
 */
export class ChatController implements vscode.Disposable {
  private chat: StoredChat;
  private readonly approver = new ChatApprover();
  /** Asked once per window, before the first sandboxed command, when the setting is 'ask'. */
  private readonly network = createNetworkChoice();
  private readonly attachments: PendingAttachments;
  private readonly mentions: Mentions;
  private readonly editor: EditorActions;
  private readonly checkpoints: ChatCheckpoints;
  private running: AbortController | undefined;
  private lastCheckpoint: RunCheckpoint | undefined;
  private counter = 0;
  private saveFailed = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: ChatControllerDeps) {
    const { router, workspace } = deps;
    this.chat = deps.store.current();
    this.attachments = new PendingAttachments(router, workspace, deps.recorder);
    this.mentions = new Mentions(workspace);
    this.editor = new EditorActions(
      workspace,
      (level, text) => this.notice(level, text),
      (checkpoint) => (this.lastCheckpoint = checkpoint),
      (file, code) => this.submit({ text: `Apply this code block to ${file}: merge it into the right place with edit_file and change nothing else.\n\n\`\`\`\n${code}\n\`\`\``, mode: 'agent' }),
    );
    // A freshly ready engine reads the start of every chat prompt before the first question.
    let wasReady = false;
    this.disposables.push(
      deps.engine.onDidChangeState((state) => {
        const ready = state.status === 'ready' || state.status === 'remote';
        if (ready && !wasReady && !this.running) void this.warmUp();
        wasReady = ready;
      }),
    );
    this.checkpoints = new ChatCheckpoints(workspace, deps.storageDir, this.editor, (level, text) => this.notice(level, text), deps.log);
    router.handle({
      ready: () => {
        router.post('engineState', deps.engine.state);
        this.restore();
      },
      send: async ({ text, attachmentIds, mentions, mode }) => this.submit({ text, attachments: this.attachments.take(attachmentIds), context: await this.mentions.context(mentions), mode: mode ?? 'agent' }),
      runPlan: ({ messageId }) => this.runPlan(messageId),
      restoreCheckpoint: async ({ messageId }) => {
        const message = this.chat.views.find((v) => v.id === messageId && v.role === 'user');
        if (!message?.checkpoint) return this.notice('warning', 'This message has no checkpoint to restore.');
        await this.checkpoints.restore(message.checkpoint, `"${message.text.trim().slice(0, 40) || 'this message'}"`);
      },
      stop: () => this.running?.abort(),
      approve: ({ callId }) => void this.approver.decide(callId, { approved: true }),
      deny: ({ callId, reason }) => void this.approver.decide(callId, { approved: false, reason: reason ?? 'the user denied it' }),
      viewDiff: ({ callId }) => this.editor.viewDiff(callId),
      copy: async ({ text }) => vscode.env.clipboard.writeText(text),
      insertCode: ({ code }) => this.editor.insertCode(code),
      applyCode: ({ code, pathHint }) => this.editor.applyCode(code, pathHint),
      openLink: ({ href }) => this.editor.openLink(href),
      attachSelection: () => this.attachments.attachEditor(),
      attachFile: () => this.attachments.attachEditor(),
      pickImage: () => this.attachments.pickImage(),
      pasteImage: ({ base64, name }) => this.attachments.attachImage(Buffer.from(base64, 'base64'), name ?? 'Pasted image'),
      removeAttachment: ({ id }) => this.attachments.remove(id),
      openAttachment: ({ id }) => this.attachments.open(id),
      startRecording: () => this.attachments.record(),
      stopRecording: ({ cancel }) => this.attachments.stopRecording(cancel),
      suggestFiles: async ({ requestId, query }) => router.post('fileSuggestions', { requestId, paths: await this.mentions.suggest(query) }),
      newChat: () => this.newChat(),
      loadChat: ({ id }) => this.loadChat(id),
      deleteChat: ({ id }) => this.deleteChat(id),
      listChats: () => this.postHistory(),
      retry: ({ messageId }) => this.retry(messageId),
      action: ({ action }) => deps.actions[action](),
    });
  }

  private async warmUp(): Promise<void> {
    try {
      await warmUpChat({ engine: this.deps.engine, workspace: this.deps.workspace, approver: this.approver, network: this.network });
      this.deps.log.info('Engine warmed up: the system prompt and tool definitions are in its cache.');
    } catch (err) {
      this.deps.log.warn(`Engine warm-up skipped: ${errorMessage(err)}`);
    }
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  async newChat(): Promise<void> {
    this.running?.abort();
    this.chat = this.deps.store.create();
    await this.saveChat();
    this.deps.router.post('clear', {});
    this.restore();
  }

  /** Undoes every file change of the last agent run (or the last Apply). */
  async undoLastRun(): Promise<void> {
    if (!this.lastCheckpoint || this.lastCheckpoint.isEmpty) {
      void vscode.window.showInformationMessage('Gemma Agent: the last run changed no files.');
      return;
    }
    const report = await this.lastCheckpoint.undoRun();
    this.lastCheckpoint = undefined;
    const failed = report.failed.length ? ` Could not restore: ${report.failed.map((f) => f.path).join(', ')}.` : '';
    void vscode.window.showInformationMessage(`Gemma Agent: restored ${report.restored.length} file(s) to how they were before the last run.${failed}`);
  }

  /** Runs the agent on a user message; the reply, tool cards and approvals stream into the view. */
  async submit(submission: Submission): Promise<void> {
    if (this.running) return this.notice('warning', 'A reply is still running: stop it first.');
    const attachments = submission.attachments ?? [];
    const userView: ChatMessageView = { id: this.id('u'), role: 'user', text: submission.text, attachments: attachments.map((a) => a.view) };
    // The workspace as it is before this message: "Restore files" on the message goes back here.
    const checkpoint = await this.checkpoints.snapshot(`before message ${userView.id}`);
    if (checkpoint) userView.checkpoint = checkpoint;
    this.show(userView);
    if (this.chat.title === 'New chat' && submission.text.trim()) this.chat.title = submission.text.trim().slice(0, 60);
    // Kept at once: a reload or crash while the reply runs must not lose what the user sent.
    await this.saveChat();
    const parts: ContentPart[] = [];
    if (submission.text.trim()) parts.push({ type: 'text', text: submission.text });
    for (const a of attachments) parts.push(...a.parts);
    if (submission.context) parts.push({ type: 'text', text: submission.context });
    const mode = submission.mode ?? 'agent';
    if (mode === 'ask') parts.push({ type: 'text', text: ASK_MODE_NOTE });
    await this.run(parts, mode);
  }

  /** "Run in Agent mode" under an Ask-mode plan: the plan is in the conversation already. */
  private async runPlan(messageId: string): Promise<void> {
    const plan = this.chat.views.find((v) => v.id === messageId && v.role === 'assistant' && v.mode === 'ask');
    if (!plan) return this.notice('warning', 'That plan is no longer in this chat.');
    await this.submit({ text: 'Carry out the plan above, step by step.', mode: 'agent' });
  }

  private async run(parts: ContentPart[], mode: ChatMode = 'agent'): Promise<void> {
    const { router, engine } = this.deps;
    const abort = new AbortController();
    this.running = abort;
    router.post('busy', { busy: true });
    const turn = new TurnProjection(this.id('a'), () => engine.contextSize);
    if (mode === 'ask') turn.reply.mode = 'ask';
    // A reply still streaming is saved now and then, so a reload or crash keeps what arrived.
    const progressSave = new Throttled(PROGRESS_SAVE_MS, () => void this.saveChat());
    try {
      const beforeStep = async (step: number): Promise<void> => {
        if (step > 1) await this.checkpoints.snapshot(`before step ${step} of ${turn.reply.id}`);
      };
      const { result, history } = await runChatTurn({ engine, workspace: this.deps.workspace, approver: this.approver, network: this.network, readOnly: mode === 'ask', beforeStep }, parts, this.chat.history, abort.signal, (event) => {
        for (const effect of turn.apply(event)) this.perform(effect);
        if (turn.isShown) progressSave.schedule();
      });
      this.chat.history = history;
      this.lastCheckpoint = result.checkpoint;
      if (result.reason === 'stopped' && turn.isShown) turn.reply.stopped = true;
      if (result.reason === 'failed' || result.reason === 'loop-detected' || result.reason === 'step-limit') {
        const why = result.reason === 'loop-detected' ? 'The agent repeated the same action and was stopped.' : result.reason === 'step-limit' ? 'The agent reached its step limit ("gemmaAgent.agent.maxSteps").' : problemText(result.error ?? 'The agent failed.', result.problem, readSettings());
        this.show({ id: this.id('e'), role: 'error', text: why, retryable: result.reason === 'failed' });
      }
    } catch (err) {
      this.show({ id: this.id('e'), role: 'error', text: errorText(err, readSettings()), retryable: true });
    } finally {
      this.approver.denyAll('the run ended');
      progressSave.cancel();
      // Saved before the view hears the run is over: a reload right after Stop finds the reply.
      await this.saveChat();
      if (turn.isShown) router.post('endMessage', { id: turn.reply.id, stopped: turn.reply.stopped === true });
      this.running = undefined;
      router.post('busy', { busy: false });
      this.postHistory();
    }
  }

  private perform(effect: TurnEffect): void {
    switch (effect.kind) {
      case 'show':
        this.chat.views.push(effect.view);
        return this.deps.router.post('appendMessage', effect.shown);
      case 'post':
        return this.deps.router.post(effect.message.type, effect.message.payload as never);
      case 'diff':
        return this.editor.rememberDiff(effect.callId, effect.diff);
      case 'notice':
        return this.notice(effect.level, effect.text);
      case 'log':
        return this.deps.log.warn(effect.text);
    }
  }

  private async retry(messageId: string): Promise<void> {
    const index = this.chat.views.findIndex((v) => v.id === messageId);
    const lastUser = [...this.chat.views.slice(0, index < 0 ? undefined : index)].reverse().find((v) => v.role === 'user');
    if (!lastUser) return;
    if (index >= 0) {
      this.chat.views.splice(index, 1);
      this.deps.router.post('removeMessage', { id: messageId });
    }
    // The failed turn's user message is still the last one in the history: run it again.
    const last = this.chat.history.at(-1);
    if (last?.role === 'user') {
      this.chat.history.pop();
      await this.run(typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : last.content);
    } else {
      await this.run([{ type: 'text', text: lastUser.text }]);
    }
  }

  private async loadChat(id: string): Promise<void> {
    if (this.busy) return this.notice('warning', 'Stop the running reply before switching chats.');
    const chat = this.deps.store.select(id);
    if (chat) this.chat = chat;
    await this.saveChat();
    this.restore();
  }

  private async deleteChat(id: string): Promise<void> {
    this.deps.store.delete(id);
    if (this.chat.id === id) this.chat = this.deps.store.current();
    await this.saveChat();
    this.restore();
  }

  /** Everything the page needs after it (re)loads. */
  private restore(): void {
    this.deps.router.post('restore', { messages: this.chat.views, attachments: this.attachments.views, busy: this.busy, chatId: this.chat.id });
    this.postHistory();
  }

  private postHistory(): void {
    this.deps.router.post('history', { chats: this.deps.store.summaries(), currentId: this.chat.id });
  }

  /** Saves the chat; a failed write is logged and shown once, and never ends a run early. */
  private async saveChat(): Promise<void> {
    try {
      await this.deps.store.save(this.chat);
      this.saveFailed = false;
    } catch (err) {
      this.deps.log.error(`Chat: could not save the conversation: ${errorMessage(err)}`);
      if (!this.saveFailed) this.notice('warning', 'This conversation could not be saved to disk, so a reload may lose it. See the Gemma Agent log.');
      this.saveFailed = true;
    }
  }

  private show(view: ChatMessageView): void {
    this.chat.views.push(view);
    this.deps.router.post('appendMessage', view);
  }

  private notice(level: 'info' | 'warning' | 'error', text: string): void {
    this.deps.router.post('notice', { level, text });
  }

  private id(prefix: string): string {
    this.counter += 1;
    return `${prefix}${Date.now().toString(36)}${this.counter}`;
  }

  dispose(): void {
    this.running?.abort();
    this.editor.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
