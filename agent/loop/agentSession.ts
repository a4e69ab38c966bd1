import {
  EngineContextOverflowError,
  EngineError,
  EngineTimeoutError,
  EngineOutputParseError,
  type EngineClient,
} from '../../engine/client';
import { abortError, errorMessage, problemOf, type Problem } from '../../engine/errors';
import type { AssistantMessage, ChatMessage, ChatRequest, ToolDefinition, ToolMessage } from '../../engine/protocol';
import { RunCheckpoint } from '../checkpoint/runCheckpoint';
import { compactConversation, type Summariser } from '../context/compaction';
import { ContextBudget } from '../context/contextBudget';
import { estimateConversationTokens } from '../context/tokenEstimate';
import { modelSummariser } from '../context/modelSummariser';
import type { AgentEvent, DoneReason } from '../events';
import { DEFAULT_APPROVAL_SETTINGS, type ApprovalSettings } from '../policy/approvalSettings';
import { buildSystemPrompt } from '../prompts/systemPrompt';
import type { AgentTool, KnownText } from '../tool';
import { DEFAULT_MAX_STEPS, type AgentRunResult, type AgentSessionOptions, type RunOptions, type UserRequest } from './agentOptions';
import { LoopDetector } from './loopDetector';
import { stepTimings, streamTurn, type TurnOutput } from './modelTurn';
import { callKey, checkToolCall, historyArguments, parseArguments } from './toolCallCheck';
import { executeToolCall } from './toolExecution';

const DEFAULTS = {
  maxSteps: DEFAULT_MAX_STEPS,
  engineRetries: 3,
  retryDelayMs: 1000,
  malformedRetries: 3,
  parseRetries: 3,
  loopThreshold: 3,
  maxToolOutputChars: 24_000,
};

/** Told to the model after the engine could not parse its tool call. */
export const PARSE_ERROR_NOTE =
  'Your last tool call could not be parsed, so nothing was run. Write the call again: one call, the exact tool name, ' +
  'and every argument as a key with a properly quoted value.';

/**
 * One conversation with the agent. Each run appends the user's request, then lets the model
 * act: every turn is streamed, its tool calls are checked, approved and run, and their
 * results are appended, until the model answers without a call. Messages are only ever
 * appended (compaction aside), so each request starts with the exact bytes of the previous
 * one and the engine reuses its prompt cache.
 */
export class AgentSession {
  private conversation: ChatMessage[];
  private client: EngineClient;
  private readonly tools = new Map<string, AgentTool>();
  private readonly toolDefinitions: ToolDefinition[];
  private readonly approval: ApprovalSettings;
  private budget: ContextBudget | null | undefined;
  private running = false;
  /**
   * Per tool result in the history: the file text it let the model know, the result's exact
   * content (it holds only while the history has it word for word) and, for an edit, the
   * result whose knowledge it built on. Keyed by the message itself: call ids repeat (an
   * engine that sends none gets `call_0` in every step).
   */
  private readonly known = new WeakMap<ToolMessage, KnownText & { content: string; basis?: ToolMessage }>();

  constructor(private readonly options: AgentSessionOptions) {
    this.client = options.client;
    this.approval = options.approval ?? { ...DEFAULT_APPROVAL_SETTINGS };
    const toolsOn = this.approval.restricted !== true;
    if (toolsOn) for (const tool of options.tools) this.tools.set(tool.definition.function.name, tool);
    this.toolDefinitions = [...this.tools.values()].map((tool) => tool.definition);
    const systemPrompt =
      options.systemPrompt ??
      buildSystemPrompt({
        workspaceRoot: options.workspace.root,
        ...(options.workspace.folders ? { workspaceFolders: options.workspace.folders } : {}),
        tools: this.toolDefinitions,
        ...(options.extraInstructions ? { extra: options.extraInstructions } : {}),
      });
    const history = (options.history ?? []).filter((message, index) => !(index === 0 && message.role === 'system'));
    this.conversation = [{ role: 'system', content: systemPrompt }, ...history];
  }

  /**
   * What the model last knew of `path`'s whole text, from the latest result in the history
   * that still holds: undefined when none is left word for word (compaction cut or
   * summarised it, or it is gone).
   */
  private knownText(path: string): (KnownText & { message: ToolMessage }) | undefined {
    for (let i = this.conversation.length - 1; i >= 0; i--) {
      const message = this.conversation[i];
      if (message.role !== 'tool') continue;
      const known = this.known.get(message);
      if (known?.path === path && this.stillHolds(message)) return { path, text: known.text, from: known.from, message };
    }
    return undefined;
  }

  /** Whether `message` is still in the history word for word, and so is what an edit built on. */
  private stillHolds(message: ToolMessage): boolean {
    const known = this.known.get(message);
    if (!known || message.content !== known.content || !this.conversation.includes(message)) return false;
    return known.basis === undefined || this.stillHolds(known.basis);
  }

  /**
   * Files what the result `message` (not yet in the history) lets the model know. A change
   * of the model's that leaves no known text (an edit matched ignoring spacing, or of a file
   * it did not know whole) ends what its earlier edits of that file told it: a re-read must
   * not call those "your last edit". Whole reads and new files stay true, and the re-read's
   * diff then shows the change.
   */
  private noteKnown(message: ToolMessage, category: string, result: { isError: boolean; seen?: KnownText; touched?: string }): void {
    if (result.seen) {
      // An edit builds on what the model knew just before it (the history has not moved since).
      const basis = result.seen.from === 'edit' ? this.knownText(result.seen.path)?.message : undefined;
      if (result.seen.from !== 'edit' || basis !== undefined) this.known.set(message, { ...result.seen, content: message.content as string, ...(basis ? { basis } : {}) });
      return;
    }
    if (category !== 'edit' || result.isError || result.touched === undefined) return;
    for (const earlier of this.conversation) {
      if (earlier.role !== 'tool') continue;
      const known = this.known.get(earlier);
      if (known?.from === 'edit' && known.path === result.touched) this.known.delete(earlier);
    }
  }

  /** The conversation so far, system prompt first. */
  get messages(): readonly ChatMessage[] {
    return this.conversation;
  }

  /** The engine client in use; replaced when waitForEngine hands over a new one. */
  get engine(): EngineClient {
    return this.client;
  }

  /** Tool definitions sent with each request; empty in Restricted Mode. */
  get toolsOffered(): readonly ToolDefinition[] {
    return this.toolDefinitions;
  }

  /**
   * Has the engine read the system prompt and the tool definitions (about 1,100 tokens)
   * before the first question, so that question starts from the cache: sends them with a
   * one-token reply, and ignores the answer. Failures are the caller's to ignore too.
   */
  async warmUp(signal?: AbortSignal): Promise<void> {
    const request = this.buildRequest(true);
    request.messages = this.conversation.filter((m) => m.role === 'system');
    request.max_tokens = 1;
    delete request.return_progress;
    for await (const event of this.client.streamChat(request, signal ? { signal } : {})) if (event.type === 'done') break;
  }

  async run(request: UserRequest, runOptions: RunOptions = {}): Promise<AgentRunResult> {
    if (this.running) throw new Error('This agent session is already running a request; stop it or wait for it to finish first.');
    this.running = true;
    try {
      return await this.runUnguarded(request, runOptions);
    } finally {
      this.running = false;
    }
  }

  private async runUnguarded(request: UserRequest, runOptions: RunOptions): Promise<AgentRunResult> {
    const o = this.options;
    const signal = runOptions.signal;
    const emit = (event: AgentEvent): void => runOptions.onEvent?.(event);
    const maxSteps = o.maxSteps ?? DEFAULTS.maxSteps;
    const checkpoint = new RunCheckpoint(o.workspace);
    const loop = new LoopDetector(o.loopThreshold ?? DEFAULTS.loopThreshold);
    const summarise: Summariser = o.summariser ?? modelSummariser(() => this.client);

    let step = 0;
    let lastText = '';
    let parseFailures = 0;
    let malformedStreak = 0;
    /** Whether the last step's work went wrong (a failed or refused call, a retry note): worth thinking about. */
    let lastStepFailed = false;
    const thinkingSteps = o.sampling?.thinkingSteps ?? 'every';
    const thinkingThisStep = (): boolean => thinkingSteps === 'every' || step === 1 || lastStepFailed;

    const finish = (reason: DoneReason, error?: string, problem?: Problem): AgentRunResult => {
      const done: AgentEvent = { type: 'done', reason, steps: step, answer: lastText };
      if (error !== undefined) done.error = error;
      emit(done);
      const result: AgentRunResult = { reason, answer: lastText, steps: step, checkpoint, messages: this.conversation };
      if (error !== undefined) result.error = error;
      if (problem !== undefined) result.problem = problem;
      return result;
    };
    /** Ends the run; `cause` is the failure behind the message, whose code and facts let the front end say what to do. */
    const fail = (message: string, cause?: unknown): AgentRunResult => {
      const problem = problemOf(cause);
      emit(problem ? { type: 'error', message, fatal: true, problem } : { type: 'error', message, fatal: true });
      return finish('failed', message, problem);
    };

    this.conversation.push({ role: 'user', content: request });
    let requestIndex = this.conversation.length - 1;
    emit({ type: 'run-started', request: requestText(request) });
    const rulesApplied = o.projectRules?.applied(this.conversation);
    if (rulesApplied) emit({ type: 'project-rules', ...rulesApplied });

    /** Compacts when the budget is exceeded, or always when `overflow` says the engine refused the prompt. */
    const compact = async (overflow?: EngineContextOverflowError): Promise<boolean> => {
      const budget = await this.contextBudget();
      const before = budget
        ? budget.promptTokens(this.conversation, this.toolDefinitions)
        : estimateConversationTokens(this.conversation, this.toolDefinitions);
      let limit: number;
      if (overflow) {
        // Our count is an estimate; scale it by how far over the engine said the prompt was.
        const { promptTokens, contextSize } = overflow;
        limit = promptTokens && contextSize ? Math.floor((before * contextSize * 0.75) / promptTokens) : Math.floor(before / 2);
        if (budget) limit = Math.min(limit, budget.limit);
      } else {
        // Once over, aim well under the limit, so the next steps do not cross it again at once.
        if (!budget || !budget.isOver(before)) return false;
        limit = budget.target;
      }
      const tools = this.toolDefinitions;
      const compacted = await compactConversation({
        messages: this.conversation,
        requestIndex,
        tools,
        limit,
        summarise,
        ...(budget ? { count: (messages: readonly ChatMessage[]) => budget.estimate(messages, tools) } : {}),
        ...(signal ? { signal } : {}),
      });
      if (!compacted) return false;
      this.conversation = compacted.messages;
      requestIndex = compacted.requestIndex;
      budget?.reset();
      emit({ type: 'context-compacted', tokensBefore: before, tokensAfter: compacted.tokensAfter, method: compacted.method });
      return true;
    };

    for (;;) {
      if (signal?.aborted) return finish('stopped');
      if (step >= maxSteps) return finish('step-limit');
      step++;
      emit({ type: 'step-started', step });
      if (o.beforeStep) {
        try {
          await o.beforeStep(step);
        } catch (error) {
          // A checkpoint that could not be taken must not stop the work; the front end logs it.
          emit({ type: 'error', message: `The checkpoint before step ${step} failed: ${errorMessage(error)}`, fatal: false });
        }
      }

      let engineFailures = 0;
      let overflowCompacted = false;
      let turn: TurnOutput | undefined;
      while (!turn) {
        try {
          await compact();
        } catch (error) {
          if (signal?.aborted) return finish('stopped');
          return fail(`Making room in the context failed: ${errorMessage(error)}`, error);
        }
        const sentCount = this.conversation.length;
        const request = this.buildRequest(thinkingThisStep());
        const outcome = await streamTurn(this.client, request, step, emit, signal);
        if (outcome.kind === 'complete') {
          turn = outcome.turn;
          this.budget?.observe(sentCount, turn.timings, request.messages, this.toolDefinitions);
          break;
        }
        if (outcome.kind === 'aborted') {
          // Keep what the user already saw, so the conversation reads as it happened.
          if (outcome.partialText !== '') {
            lastText = outcome.partialText;
            this.conversation.push({ role: 'assistant', content: outcome.partialText });
          }
          return finish('stopped');
        }

        const error = outcome.error;
        if (error instanceof EngineOutputParseError) {
          parseFailures++;
          if (parseFailures > (o.parseRetries ?? DEFAULTS.parseRetries)) {
            return fail(`The model wrote ${parseFailures} tool calls in a row that the engine could not parse. ${error.message}`, error);
          }
          if (outcome.partialText !== '') this.conversation.push({ role: 'assistant', content: outcome.partialText });
          this.conversation.push({ role: 'user', content: PARSE_ERROR_NOTE });
          lastStepFailed = true;
          emit({ type: 'step-retry', step, cause: 'parse', attempt: parseFailures, message: error.message });
          continue;
        }
        if (error instanceof EngineContextOverflowError && !overflowCompacted) {
          overflowCompacted = true;
          let compacted: boolean;
          try {
            compacted = await compact(error);
          } catch (compactError) {
            if (signal?.aborted) return finish('stopped');
            return fail(`${error.message} Making room failed too: ${errorMessage(compactError)}`, error);
          }
          if (!compacted) return fail(error.message, error);
          emit({ type: 'step-retry', step, cause: 'engine', attempt: 1, message: error.message });
          continue;
        }
        if (error instanceof EngineError && error.retryable) {
          engineFailures++;
          // An engine that says nothing gets one more try, then the run stops: a third silent minute helps no one.
          const allowed = error instanceof EngineTimeoutError ? Math.min(1, o.engineRetries ?? DEFAULTS.engineRetries) : (o.engineRetries ?? DEFAULTS.engineRetries);
          if (engineFailures > allowed) {
            return fail(`${error.message} (gave up after ${allowed} retries; the conversation is kept, send the request again once the engine runs)`, error);
          }
          emit({ type: 'step-retry', step, cause: 'engine', attempt: engineFailures, message: error.message });
          try {
            await this.recover(error, signal);
          } catch (recoverError) {
            if (signal?.aborted) return finish('stopped');
            return fail(`${error.message} The engine did not come back: ${errorMessage(recoverError)}`, problemOf(recoverError) ? recoverError : error);
          }
          continue;
        }
        return fail(errorMessage(error), error);
      }

      parseFailures = 0;
      emit({ type: 'step-finished', step, finishReason: turn.finishReason, timings: stepTimings(turn.timings) });
      if (turn.text !== '') lastText = turn.text;

      if (turn.calls.length === 0 && turn.finishReason === 'length' && turn.text.trim() === '') {
        // Cut off before it said anything or finished a call: nothing to answer with yet.
        malformedStreak++;
        if (malformedStreak > (o.malformedRetries ?? DEFAULTS.malformedRetries)) {
          return fail(`The model's replies were cut off by the length limit ${malformedStreak} turns in a row before saying anything; raise the token limit per step.`);
        }
        this.conversation.push({ role: 'user', content: cutOffNote(o.sampling?.maxTokens) });
        lastStepFailed = true;
        continue;
      }
      if (turn.calls.length === 0 && turn.text.trim() === '') {
        // Only thinking, or nothing at all: that is not an answer, and must not be shown as one.
        malformedStreak++;
        if (malformedStreak > (o.malformedRetries ?? DEFAULTS.malformedRetries)) {
          return fail(`The model ended its turn ${malformedStreak} times in a row without an answer or a tool call (it only thought, or said nothing).`);
        }
        this.conversation.push({ role: 'user', content: EMPTY_TURN_NOTE });
        lastStepFailed = true;
        continue;
      }
      if (turn.calls.length === 0) {
        this.conversation.push({ role: 'assistant', content: turn.text });
        return finish('answered');
      }

      const calls = turn.calls.map((call, index) => ({ ...call, id: call.id || `call_${step}_${index}` }));
      const assistant: AssistantMessage = {
        role: 'assistant',
        content: turn.text === '' ? null : turn.text,
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: historyArguments(call.arguments) },
        })),
      };
      // Earlier thinking is not sent back (unless asked): the template drops it anyway once a
      // new user message follows, and a history that carries it stops being a prefix of the
      // next turn's prompt right there, so the engine would read the whole turn again.
      if (turn.reasoning !== '' && o.keepEarlierThinking) assistant.reasoning_content = turn.reasoning;
      this.conversation.push(assistant);

      let stopped = false;
      let loopDetected = false;
      let malformed = 0;
      let lastMalformedError = '';
      const touched: string[] = [];
      lastStepFailed = false;
      for (const [index, call] of calls.entries()) {
        const parsed = parseArguments(call.arguments);
        emit({ type: 'tool-call-proposed', step, callId: call.id, tool: call.name, args: parsed.ok ? parsed.value : call.arguments });
        let content: string;
        let isError = true;
        // What the call did, for the known-text ledger.
        let learnt: { category: string; result: { isError: boolean; seen?: KnownText; touched?: string } } | undefined;
        if (stopped || loopDetected) {
          content = 'Not run: the run ended before this call.';
        } else if (loop.record(callKey(call))) {
          loopDetected = true;
          content =
            `Not run: this is the same ${call.name} call with the same arguments ${loop.count} times in a row, ` +
            'so the run was stopped. Repeating a call gives the same result.';
        } else {
          const checked = checkToolCall(call, index === calls.length - 1, {
            tools: this.tools,
            cutOff: turn.finishReason === 'length',
            maxTokens: o.sampling?.maxTokens,
            toolsOff: this.tools.size === 0,
          });
          if (!checked.ok) {
            malformed++;
            lastMalformedError = checked.error;
            content = checked.error;
          } else {
            const result = await executeToolCall(checked.tool, checked.args, {
              step,
              callId: call.id,
              workspace: checkpoint.workspace,
              approver: o.approver,
              approval: this.approval,
              signal,
              emit,
              maxOutputChars: o.maxToolOutputChars ?? DEFAULTS.maxToolOutputChars,
              sandbox: o.sandbox,
              ...(o.commandNetwork ? { commandNetwork: o.commandNetwork } : {}),
              ...(o.fullRereads ? {} : { knownText: (path: string) => this.knownText(path) }),
            });
            content = result.content;
            if (!o.fullRereads) learnt = { category: checked.tool.category, result };
            isError = result.isError;
            stopped = result.stopped;
            if (result.touched !== undefined) touched.push(result.touched);
          }
        }
        if (isError) lastStepFailed = true;
        const message: ToolMessage = { role: 'tool', tool_call_id: call.id, name: call.name, content };
        if (learnt) this.noteKnown(message, learnt.category, learnt.result);
        this.conversation.push(message);
        emit({ type: 'tool-result', step, callId: call.id, tool: call.name, content, isError });
      }

      if (stopped || signal?.aborted) return finish('stopped');
      if (loopDetected) return finish('loop-detected');
      malformedStreak = malformed === calls.length ? malformedStreak + 1 : 0;
      const allowedMalformed = o.malformedRetries ?? DEFAULTS.malformedRetries;
      if (malformedStreak > allowedMalformed) {
        return fail(`The model sent malformed tool calls ${malformedStreak} turns in a row; the last problem: ${lastMalformedError}`);
      }
      // The rules of a folder these calls touched first: a note after their results, so the prompt's start stays as it was (projectRules.ts).
      // None after the last step: no step would read it, and the next message's run notes it then.
      const rulesNote = step < maxSteps ? await o.projectRules?.noteFor(touched, this.conversation) : undefined;
      if (rulesNote) {
        this.conversation.push(rulesNote.message);
        emit({ type: 'project-rules', files: rulesNote.files, cut: rulesNote.cut });
      }
    }
  }

  /**
   * The request of one step. Whether the model thinks is set once for the session
   * (`enable_thinking` puts a token at the very top of the prompt, so turning it off for a
   * step would throw away the whole prompt cache); a step that should not think gets a
   * thinking budget of 0 instead, which the engine enforces as it samples.
   */
  private buildRequest(think: boolean): ChatRequest {
    const sampling = this.options.sampling ?? {};
    // A copy of the list: the objects are shared and never changed, so every request
    // serialises the earlier messages to the same bytes.
    const request: ChatRequest = { messages: [...this.conversation] };
    if (this.toolDefinitions.length > 0) {
      request.tools = this.toolDefinitions;
      request.tool_choice = sampling.toolChoice ?? 'auto';
    }
    if (sampling.temperature !== undefined) request.temperature = sampling.temperature;
    if (sampling.topP !== undefined) request.top_p = sampling.topP;
    if (sampling.topK !== undefined) request.top_k = sampling.topK;
    if (sampling.maxTokens !== undefined) request.max_tokens = sampling.maxTokens;
    if (sampling.seed !== undefined) request.seed = sampling.seed;
    const thinking = sampling.thinking ?? true;
    request.chat_template_kwargs = { enable_thinking: thinking };
    if (thinking && (!think || sampling.thinkingBudget !== undefined)) request.thinking_budget_tokens = think ? sampling.thinkingBudget : 0;
    // Progress while a long prompt is read: the user sees work, and silence means a stuck engine.
    request.return_progress = true;
    return request;
  }

  /** The budget, set up on first use from the option or the engine's /props; null when unknown. */
  private async contextBudget(): Promise<ContextBudget | null> {
    if (this.budget !== undefined) return this.budget;
    let contextSize = this.options.contextSize;
    if (contextSize === undefined) {
      try {
        contextSize = (await this.client.props()).n_ctx;
      } catch {
        // A remote endpoint without /props: no budget; an overflow error still triggers compaction.
        contextSize = 0;
      }
    }
    if (!contextSize || contextSize <= 0) {
      this.budget = null;
      return null;
    }
    const maxTokens = this.options.sampling?.maxTokens;
    const reserve = maxTokens !== undefined ? maxTokens + 256 : Math.min(4096, Math.floor(contextSize / 4));
    this.budget = new ContextBudget({ contextSize, reserveTokens: reserve });
    return this.budget;
  }

  private async recover(error: EngineError, signal: AbortSignal | undefined): Promise<void> {
    const wait = this.options.waitForEngine;
    if (wait) this.client = await abortable(wait(error), signal);
    else await abortable(delay(this.options.retryDelayMs ?? DEFAULTS.retryDelayMs), signal);
  }
}

/** Runs one request in a fresh session. */
export function runAgent(options: AgentSessionOptions & RunOptions & { request: UserRequest }): Promise<AgentRunResult> {
  const runOptions: RunOptions = {};
  if (options.signal) runOptions.signal = options.signal;
  if (options.onEvent) runOptions.onEvent = options.onEvent;
  return new AgentSession(options).run(options.request, runOptions);
}

const EMPTY_TURN_NOTE = 'Your last turn ended with no answer and no tool call. Answer the request, or call a tool to make progress.';

function cutOffNote(maxTokens: number | undefined): string {
  const limit = maxTokens ? ` (${maxTokens} tokens)` : '';
  return `Your last reply hit the length limit${limit} before it said anything or completed a tool call, so nothing happened. Reply again more briefly.`;
}

function requestText(request: UserRequest): string {
  if (typeof request === 'string') return request;
  return request.map((part) => (part.type === 'text' ? part.text : `[${part.type === 'image_url' ? 'image' : 'audio'}]`)).join(' ');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError('The run was stopped.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError('The run was stopped.'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
