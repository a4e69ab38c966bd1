import * as vscode from 'vscode';
import type { ContentPart } from '../../engine/protocol';
import type { ChatMessageView, ChatMode, HostAction } from '../../webview/protocol';
import type { EngineController } from '../engineController';
import type { WindowWorkspace } from '../workspace/windowWorkspace';
import type { PendingAttachment } from './attachments';
import { errorText, problemText } from '../errorText';
import { readSettings } from '../settings/settings';
import { ChatApprover } from './chatApprover';
import { ChatCheckpoints } from './chatCheckpoints';
import type { ChatStore } from './core/chatStore';
import { Conversation } from './conversation';
import { runChatTurn, warmUpWhenReady } from './chatTurn';
import type { MessageRouter } from './core/messageRouter';
import { ASK_MODE_NOTE } from './core/askMode';
import { TurnProjection, type TurnEffect } from './core/turnProjection';
import { EditorActions } from './editorActions';
import { Mentions } from './mentions';
import { createNetworkChoice } from './networkQuestion';
import { PendingAttachments, type VoiceRecorder } from './pendingAttachments';
import { Throttled } from './core/throttle';
import { planResend, planRetry, userBefore } from './core/resend';

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
  /** The model's content for the message, when it is an earlier one sent again (built from the parts above otherwise). */
  parts?: ContentPart[];
  /** The attachment chips to show, when `parts` carries them. */
  attachmentViews?: ChatMessageView['attachments'];
}


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
  private readonly conversation: Conversation;
  private readonly approver = new ChatApprover();
  /** Asked once per window, before the first sandboxed command, when the setting is 'ask'. */
  private readonly network = createNetworkChoice();
  private readonly attachments: PendingAttachments;
  private readonly mentions: Mentions;
  private readonly editor: EditorActions;
  private readonly checkpoints: ChatCheckpoints;
  private running: AbortController | undefined;
  private counter = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: ChatControllerDeps) {
    const { router, workspace } = deps;
    this.conversation = new Conversation(deps.store, deps.router, deps.log);
    this.attachments = new PendingAttachments(router, workspace, deps.recorder);
    this.mentions = new Mentions(workspace);
    this.editor = new EditorActions(
      workspace,
      (level, text) => this.notice(level, text),
      (checkpoint) => this.checkpoints.rememberRun(checkpoint),
      (file, code) => this.submit({ text: `Apply this code block to ${file}: merge it into the right place with edit_file and change nothing else.\n\n\`\`\`\n${code}\n\`\`\``, mode: 'agent' }),
    );
    // A freshly ready engine reads the start of every chat prompt before the first question.
    this.disposables.push(warmUpWhenReady({ engine: deps.engine, workspace, approver: this.approver, network: this.network }, () => this.busy, deps.log));
    this.checkpoints = new ChatCheckpoints(workspace, deps.storageDir, this.editor, (level, text) => this.notice(level, text), deps.log);
    router.handle({
      ready: () => {
        router.post('engineState', deps.engine.state);
        this.restore();
        // When the chat shows, not at activation (an inline chat or another extension's chat
        // activates us too): git hashes the whole work tree, seconds on a large repository.
        void this.checkpoints.prepare();
      },
      send: async ({ text, attachmentIds, mentions, mode }) => this.submit({ text, attachments: this.attachments.take(attachmentIds), context: await this.mentions.context(mentions), mode: mode ?? 'agent' }),
      runPlan: ({ messageId }) => this.runPlan(messageId),
      regenerate: ({ messageId }) => this.rerun(userBefore(this.conversation.current, messageId)),
      editMessage: ({ messageId, text }) => this.rerun(messageId, text),
      restoreCheckpoint: ({ messageId }) => this.checkpoints.restoreToMessage(this.conversation.current.views.find((v) => v.id === messageId && v.role === 'user')),
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
      deleteChat: async ({ id }) => {
        await this.conversation.remove(id);
        this.restore();
      },
      listChats: () => this.conversation.postHistory(),
      retry: ({ messageId }) => this.retry(messageId),
      action: ({ action }) => deps.actions[action](),
    });
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  async newChat(): Promise<void> {
    this.running?.abort();
    await this.conversation.startNew();
    this.restore();
  }

  /** Undoes every file change of the last agent run (or the last Apply). */
  undoLastRun(): Promise<void> {
    return this.checkpoints.undoLastRun();
  }

  /** Runs the agent on a user message; the reply, tool cards and approvals stream into the view. */
  async submit(submission: Submission): Promise<void> {
    if (this.running) return this.notice('warning', 'A reply is still running: stop it first.');
    const attachments = submission.attachments ?? [];
    const mode = submission.mode ?? 'agent';
    const userView: ChatMessageView = { id: this.id('u'), role: 'user', text: submission.text, attachments: submission.attachmentViews ?? attachments.map((a) => a.view), historyIndex: this.conversation.current.history.length };
    if (mode === 'ask') userView.mode = 'ask';
    // The workspace as it is before this message: "Restore files" on the message goes back here.
    const checkpoint = await this.checkpoints.snapshot(`before message ${userView.id}`);
    if (checkpoint) userView.checkpoint = checkpoint;
    this.conversation.show(userView);
    if (this.conversation.current.title === 'New chat' && submission.text.trim()) this.conversation.current.title = submission.text.trim().slice(0, 60);
    // Kept at once: a reload or crash while the reply runs must not lose what the user sent.
    await this.conversation.save();
    const parts: ContentPart[] = submission.parts ?? [];
    if (!submission.parts) {
      if (submission.text.trim()) parts.push({ type: 'text', text: submission.text });
      for (const a of attachments) parts.push(...a.parts);
      if (submission.context) parts.push({ type: 'text', text: submission.context });
      if (mode === 'ask') parts.push({ type: 'text', text: ASK_MODE_NOTE });
    }
    await this.run(parts, mode);
  }

  /**
   * Runs an earlier user message again (Regenerate), or a changed version of it (Edit): the
   * conversation goes back to just before it, the files too if the user says so (asked only
   * when some changed), and the message is sent in its place with its attachments.
   */
  private async rerun(messageId: string | undefined, text?: string): Promise<void> {
    if (this.running) return this.notice('warning', 'A reply is still running: stop it first.');
    const chat = this.conversation.current;
    const plan = planResend(chat, messageId, text);
    if (!plan) return this.notice('warning', 'This message cannot be sent again: it is not in the conversation the model has.');
    const { user } = plan;
    if (!(await this.checkpoints.offerRestore(user.checkpoint, `"${user.text.trim().slice(0, 40) || 'this message'}"`, plan.later))) return;
    chat.views.splice(plan.viewIndex);
    chat.history.splice(plan.historyIndex);
    this.restore();
    await this.submit({ text: text ?? user.text, parts: plan.parts, attachmentViews: user.attachments, mode: user.mode ?? 'agent' });
  }

  /** "Run in Agent mode" under an Ask-mode plan: the plan is in the conversation already. */
  private async runPlan(messageId: string): Promise<void> {
    const plan = this.conversation.current.views.find((v) => v.id === messageId && v.role === 'assistant' && v.mode === 'ask');
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
    const progressSave = new Throttled(PROGRESS_SAVE_MS, () => void this.conversation.save());
    try {
      const beforeStep = async (step: number): Promise<void> => {
        if (step > 1) await this.checkpoints.snapshot(`before step ${step} of ${turn.reply.id}`);
      };
      const { result, history } = await runChatTurn({ engine, workspace: this.deps.workspace, approver: this.approver, network: this.network, readOnly: mode === 'ask', beforeStep }, parts, this.conversation.current.history, abort.signal, (event) => {
        for (const effect of turn.apply(event)) this.perform(effect);
        if (turn.isShown) progressSave.schedule();
      });
      this.conversation.current.history = history;
      this.checkpoints.rememberRun(result.checkpoint);
      if (result.reason === 'stopped' && turn.isShown) turn.reply.stopped = true;
      if (result.reason === 'failed' || result.reason === 'loop-detected' || result.reason === 'step-limit') {
        const why = result.reason === 'loop-detected' ? 'The agent repeated the same action and was stopped.' : result.reason === 'step-limit' ? 'The agent reached its step limit ("gemmaAgent.agent.maxSteps").' : problemText(result.error ?? 'The agent failed.', result.problem, readSettings());
        this.conversation.show({ id: this.id('e'), role: 'error', text: why, retryable: result.reason === 'failed' });
      }
    } catch (err) {
      this.conversation.show({ id: this.id('e'), role: 'error', text: errorText(err, readSettings()), retryable: true });
    } finally {
      this.approver.denyAll('the run ended');
      progressSave.cancel();
      // Saved before the view hears the run is over: a reload right after Stop finds the reply.
      await this.conversation.save();
      if (turn.isShown) router.post('endMessage', { id: turn.reply.id, stopped: turn.reply.stopped === true });
      this.running = undefined;
      router.post('busy', { busy: false });
      this.conversation.postHistory();
    }
  }

  private perform(effect: TurnEffect): void {
    switch (effect.kind) {
      case 'show':
        this.conversation.current.views.push(effect.view);
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
    const plan = planRetry(this.conversation.current, messageId);
    if (!plan) return;
    if (plan.removeView !== undefined) {
      this.conversation.current.views.splice(plan.removeView, 1);
      this.deps.router.post('removeMessage', { id: messageId });
    }
    await this.run(plan.parts);
  }

  private async loadChat(id: string): Promise<void> {
    if (this.busy) return this.notice('warning', 'Stop the running reply before switching chats.');
    await this.conversation.select(id);
    this.restore();
  }

  private restore(): void {
    this.conversation.restore(this.attachments.views, this.busy);
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
