// npm run bench:agent [-- --server-args "-np 2 --kv-unified"] [--context N] [--no-image] [--inline-step K]
//
// How much of each agent step's prompt llama-server takes from its cache, with the real
// server, the real Gemma 4 chat template and the tiny synthetic model set. The model's
// replies are scripted (its weights are random): a proxy forwards each request of the
// agent to llama-server with generation cut to one token, reads prompt_n / cache_n from its
// timings, and answers the agent with the scripted reply (scripts/lib/benchAgentScript.ts).
// Prints one JSON object per line: {"metric", "value", "unit", ...}.
//
// Scenarios, each on a fresh llama-server so none sees another's cache: "text" (10 steps,
// then a follow-up turn of 2 in the same AgentSession), "inline" (the same run up to the
// step after an inline chat request sent while a step generates), "image" (turn 1 carries a
// screenshot) and "no_reasoning" (the replies carry no thinking).
//
// The vocabulary is byte-level (about one token per byte), so absolute token counts are
// several times those of the real model: read the ratios. The server never generates the
// scripted replies; the proxy prefills each one outside the measured requests, as a real
// run's generation would leave it in the cache ("replies_not_cached" runs without that).
// Each step's prompt is also rendered and tokenized by the server to count what no earlier
// prompt or reply held (`unseen_tokens`): what even a perfect cache must read, so the run's
// cached ratio cannot pass `agent_run_cached_ratio_ceiling`, and `agent_run_reprocessed_tokens`
// is what the real cache lost on top. Token figures are exact and repeat run to run; times
// (inline_start_ms, prefill_ms_here) depend on the machine's load, which the last line reports.
//
// Environment: BENCH_SERVER_ARGS (same as --server-args; both are appended to the command
// line the engine's launch plan makes, and a repeated flag overrides the earlier one),
// GEMMA_AGENT_SERVER (a llama-server binary), BENCH_INLINE_TOKENS (tokens the interleaved
// step generates, default 64), BENCH_SERVER_LOG (a file that gets llama-server's log),
// BENCH_DEBUG (stack traces on failure).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AgentSession } from '../agent/loop';
import { ContextBudget } from '../agent/context/contextBudget';
import { estimateConversationTokens } from '../agent/context/tokenEstimate';
import type { Timings } from '../engine/client';
import { createDefaultTools } from '../agent/tools';
import { FsWorkspace } from '../agent/workspace/fsWorkspace';
import type { ApprovalSettings } from '../agent/policy/approvalSettings';
import type { Approver } from '../agent/workspace/workspace';
import { EngineClient } from '../engine/client';
import { planLaunch, type LaunchPlan } from '../engine/launchPlan';
import { prepareImage } from '../engine/media';
import type { ChatMessage, ContentPart, ToolDefinition } from '../engine/protocol';
import { EngineStartError, EngineSupervisor, type EngineEndpoint } from '../engine/supervisor/engineSupervisor';
import { serverArgs } from '../engine/supervisor/serverArgs';
import { pngBytes, raster } from '../test/fixtures/media/synth';
import { FIRST_REQUEST, FOLLOW_UP_REQUEST, SOURCE_PATH, firstTurnSteps, followUpSteps, workspaceFiles, type ScriptedStep } from './lib/benchAgentScript';
import { ReplayProxy, generatedPrefix, renderPrompt, sseEvents, type ForwardOptions, type ForwardRecord } from './lib/replayProxy';
import { ensureTinyGemma4Set } from './testModels/tinyGemma4';

/** Prefill speed the estimates assume: a mid-range machine on the 12B model. */
const PREFILL_TOKENS_PER_SECOND = 1000;
/** The product's default context setting is 32768; at one token per byte the run needs more. */
const DEFAULT_CONTEXT = 65_536;

interface BenchOptions {
  extraArgs: string[];
  contextSize: number;
  image: boolean;
  /** 1-based step of turn 1 during which the inline request is sent. */
  inlineStep: number;
  inlineTokens: number;
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const options: BenchOptions = {
    extraArgs: splitArgs(env.BENCH_SERVER_ARGS ?? ''),
    contextSize: DEFAULT_CONTEXT,
    image: true,
    inlineStep: 7,
    inlineTokens: Number(env.BENCH_INLINE_TOKENS ?? 64),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--server-args':
        options.extraArgs.push(...splitArgs(value()));
        break;
      case '--context':
        options.contextSize = positiveInt(flag, value());
        break;
      case '--inline-step':
        options.inlineStep = positiveInt(flag, value());
        break;
      case '--no-image':
        options.image = false;
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  if (options.inlineStep >= firstTurnSteps().length) throw new Error(`--inline-step must be below ${firstTurnSteps().length} so a next step exists`);
  return options;
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, not ${value}`);
  return n;
}

/** Splits a command line on spaces, keeping quoted parts together. */
function splitArgs(line: string): string[] {
  const out: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(match[1] ?? match[2] ?? match[3]);
  return out;
}

function emit(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ metric, value: Number(value.toFixed(4)), unit, ...extra }));
}

// ---------- the engine, cleaned up whatever happens ----------

let activeEngine: EngineSupervisor | undefined;
/** Temporary workspaces not yet removed; a signal skips the finally blocks that would. */
const tempRoots = new Set<string>();

function installCleanup(): void {
  const killNow = (): void => {
    for (const root of tempRoots) fs.rmSync(root, { recursive: true, force: true });
    const pid = activeEngine?.pid;
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.on('exit', killNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killNow();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

async function withEngine<T>(plan: LaunchPlan, run: (endpoint: EngineEndpoint) => Promise<T>): Promise<T> {
  const supervisor = new EngineSupervisor(plan.config, { restartDelaysMs: [] });
  const logFile = process.env.BENCH_SERVER_LOG;
  if (logFile) supervisor.onEvent((event) => event.type === 'log' && fs.appendFileSync(logFile, `${event.line}\n`));
  activeEngine = supervisor;
  try {
    return await run(await supervisor.start());
  } finally {
    await supervisor.dispose();
    activeEngine = undefined;
  }
}

// ---------- one scripted agent session ----------

interface StepFigure {
  turn: number;
  step: number;
  tool: string | undefined;
  /** What the prompt holds that the previous step's did not. */
  adds: string;
  prompt: number;
  cached: number;
  fresh: number;
  prefillMs: number;
  record: ForwardRecord;
  /** Tokens of the prompt that no earlier prompt or generated reply held (text scenario only). */
  unseen?: number;
}

interface SessionRun {
  turn1: StepFigure[];
  turn2: StepFigure[];
  messages: readonly ChatMessage[];
  tools: readonly ToolDefinition[];
  files: Record<string, string>;
  inline?: InlineFigure;
  /** Reply tokens the proxy put in the cache outside the measured requests. */
  replyTokens: number;
}

interface SessionPlan {
  image?: string;
  /** 1-based step of turn 1 whose forward generates `slowTokens` tokens. */
  slowStep: number;
  slowTokens: number;
  /** Send the inline request while the slow step generates. */
  inline: boolean;
  /** Stop after this step of turn 1 (1-based) and skip the follow-up. */
  stopAfterStep?: number;
  /** false: the scripted replies carry no thinking, so the history has no reasoning_content. */
  reasoning?: boolean;
  /**
   * false: the replies never reach the server's cache (each step's new tokens also count
   * the previous reply). Default true: the cache holds them as a real run's generation would.
   */
  generatedReplies?: boolean;
}

const YES: Approver = { approve: () => Promise.resolve({ approved: true }) };
// No OS sandbox is set up here: every action runs without asking, and the approver says yes.
const APPROVE_ALL: ApprovalSettings = { reads: 'auto', edits: 'auto', commands: 'auto', allow: [], deny: [], restricted: false };

async function runSession(endpoint: EngineEndpoint, plan: SessionPlan): Promise<SessionRun> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-agent-'));
  tempRoots.add(root);
  const files = workspaceFiles();
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  const proxy = await ReplayProxy.start(endpoint, { generatedReplies: plan.generatedReplies ?? true });
  const script = (steps: ScriptedStep[]): ScriptedStep[] =>
    plan.reasoning === false ? steps.map((s) => ({ ...s, reply: { ...s.reply, reasoning: undefined } })) : steps;
  try {
    let inline: InlineFigure | undefined;
    const first = script(firstTurnSteps());
    const turns = first.map((scripted, index) => {
      const forward: ForwardOptions = {};
      if (index + 1 === plan.slowStep) {
        forward.maxTokens = plan.slowTokens;
        // Watched either way (GET /slots), so both runs of the comparison load the server alike.
        forward.whileGenerating = plan.inline
          ? async () => {
              inline = await inlineChat(endpoint);
            }
          : () => Promise.resolve();
      }
      return { reply: scripted.reply, forward };
    });
    proxy.push(...turns);

    // Long timeouts: the proxy answers only once the server has read the whole prompt.
    const client = new EngineClient({ baseUrl: proxy.url, headersTimeoutMs: 600_000, idleTimeoutMs: 600_000 });
    const sessionOptions = { workspace: new FsWorkspace(root), tools: createDefaultTools(), approver: YES, approval: APPROVE_ALL };
    const session = new AgentSession({ client, ...sessionOptions });
    // As the extension does once the engine is ready: the system prompt and the tools go into
    // the cache before the first question (straight to the server, not a scripted step).
    await new AgentSession({ client: new EngineClient({ baseUrl: endpoint.url, apiKey: endpoint.apiKey }), ...sessionOptions }).warmUp();
    const abort = new AbortController();
    if (plan.stopAfterStep !== undefined) {
      const last = plan.stopAfterStep - 1;
      proxy.onRecord = (record) => {
        if (record.index === last) setImmediate(() => abort.abort());
      };
    }

    const request: string | ContentPart[] = plan.image
      ? [
          { type: 'text', text: FIRST_REQUEST },
          { type: 'image_url', image_url: { url: plan.image } },
        ]
      : FIRST_REQUEST;
    const result1 = await session.run(request, { signal: abort.signal });
    if (proxy.failure) throw proxy.failure;
    const turn1 = figures(proxy.records.slice(0, first.length), 1, first);
    if (plan.stopAfterStep !== undefined) {
      if (turn1.length < plan.stopAfterStep) throw new Error(`the run ended after ${turn1.length} steps (${result1.reason}${result1.error ? `: ${result1.error}` : ''})`);
      return { turn1, turn2: [], messages: session.messages, tools: session.toolsOffered, files, replyTokens: proxy.replyTokensPrefilled, ...(inline ? { inline } : {}) };
    }
    if (result1.reason !== 'answered' || result1.steps !== first.length) {
      throw new Error(`turn 1 ended with ${result1.reason} after ${result1.steps} steps${result1.error ? `: ${result1.error}` : ''}`);
    }

    const second = script(followUpSteps());
    proxy.push(...second.map((scripted) => ({ reply: scripted.reply })));
    const result2 = await session.run(FOLLOW_UP_REQUEST);
    if (proxy.failure) throw proxy.failure;
    if (result2.reason !== 'answered' || result2.steps !== second.length) {
      throw new Error(`the follow-up ended with ${result2.reason} after ${result2.steps} steps${result2.error ? `: ${result2.error}` : ''}`);
    }
    const turn2 = figures(proxy.records.slice(first.length), 2, second);
    return { turn1, turn2, messages: session.messages, tools: session.toolsOffered, files, replyTokens: proxy.replyTokensPrefilled, ...(inline ? { inline } : {}) };
  } finally {
    await proxy.close();
    fs.rmSync(root, { recursive: true, force: true });
    tempRoots.delete(root);
  }
}

function figures(records: ForwardRecord[], turn: number, script: ScriptedStep[]): StepFigure[] {
  return records.map((record, index) => ({
    turn,
    step: index + 1,
    tool: script[index]?.tool,
    adds: index > 0 ? `${script[index - 1]?.tool ?? 'answer'} call and result` : turn === 1 ? 'system prompt, tools and request' : 'answer and follow-up request',
    prompt: record.timings.cache_n + record.timings.prompt_n,
    cached: record.timings.cache_n,
    fresh: record.timings.prompt_n,
    prefillMs: record.timings.prompt_ms,
    record,
  }));
}

function emitSteps(scenario: string, steps: StepFigure[]): void {
  for (const s of steps) {
    emit('agent_step', s.fresh, 'tokens', {
      scenario,
      turn: s.turn,
      step: s.step,
      calls: s.tool ?? 'answer',
      adds: s.adds,
      prompt_tokens: s.prompt,
      cached_tokens: s.cached,
      new_tokens: s.fresh,
      est_prefill_s: Number((s.fresh / PREFILL_TOKENS_PER_SECOND).toFixed(3)),
      prefill_ms_here: Math.round(s.prefillMs),
      ...(s.unseen !== undefined ? { unseen_tokens: s.unseen } : {}),
    });
  }
}

/** Indexes of the steps whose call reads a file for the first time in the run. */
function firstReadSteps(script: ScriptedStep[]): number[] {
  const seen = new Set<string>();
  const first: number[] = [];
  script.forEach((step, i) => {
    const call = step.reply.toolCalls?.[0];
    const file = call?.name === 'read_file' ? (call.arguments as { path?: string }).path : undefined;
    if (file !== undefined && !seen.has(file)) {
      seen.add(file);
      first.push(i);
    }
  });
  return first;
}

/**
 * Sets each step's `unseen`: renders its request through the server's template, finds the
 * longest start it shares with anything the server read or generated before (the warm-up's
 * system prompt and tools, every earlier prompt, and each prompt up to where the previous
 * reply's tool result begins, which its generation left in the cache), and counts the
 * tokens after it. Returns how far the server's token count of the rendered prompts
 * differs from its own timings over the run (0 when the rendering matches what it read).
 */
async function countUnseen(endpoint: EngineEndpoint, client: EngineClient, steps: StepFigure[]): Promise<{ mismatch: number }> {
  const count = async (text: string): Promise<number> => (await client.tokenize(text, { parseSpecial: true })).length;
  const first = steps[0].record.body as { messages: ChatMessage[]; tools?: unknown; chat_template_kwargs?: unknown };
  const warmUp = { messages: first.messages.filter((m) => m.role === 'system'), tools: first.tools, chat_template_kwargs: first.chat_template_kwargs };
  const held: string[] = [await renderPrompt(endpoint, warmUp)];
  let previous: string | undefined;
  let mismatch = 0;
  for (const step of steps) {
    const prompt = step.record.rendered ?? (await renderPrompt(endpoint, step.record.body));
    const generated = previous !== undefined ? generatedPrefix(previous, prompt) : undefined;
    if (generated !== undefined) held.push(generated);
    const shared = Math.max(...held.map((earlier) => commonPrefixLength(earlier, prompt)));
    const whole = await count(prompt);
    step.unseen = whole - (await count(prompt.slice(0, shared)));
    mismatch += Math.abs(whole - step.prompt);
    held.push(prompt);
    previous = prompt;
  }
  return { mismatch };
}

function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** New tokens of the steps that follow a call of `tool` (its call and its result). */
function newTokensAfter(steps: StepFigure[], tool: string): number {
  return steps.reduce((sum, s, i) => sum + (i > 0 && steps[i - 1].tool === tool ? s.fresh : 0), 0);
}

function cachedRatio(steps: StepFigure[]): { ratio: number; cached: number; prompt: number; fresh: number } {
  const cached = steps.reduce((sum, s) => sum + s.cached, 0);
  const prompt = steps.reduce((sum, s) => sum + s.prompt, 0);
  return { ratio: prompt > 0 ? cached / prompt : 0, cached, prompt, fresh: prompt - cached };
}

// ---------- the inline chat's request, sent straight to the server ----------

interface InlineFigure {
  sentAt: number;
  startMs: number;
  totalMs: number;
  promptTokens: number;
}

/** A small edit request as the inline chat sends it (thinking off, streamed); times its first chunk. */
async function inlineChat(endpoint: EngineEndpoint): Promise<InlineFigure> {
  const body = {
    messages: [
      { role: 'system', content: 'You rewrite the selected code as asked. Reply with the new code only, in one fenced block.' },
      { role: 'user', content: 'Rename `n` to `count`:\n```ts\nconst n = countWords(text);\nreturn n === 0 ? 0 : Math.ceil(n / WORDS_PER_MINUTE);\n```' },
    ],
    temperature: 0.2,
    max_tokens: 8,
    stream: true,
    stream_options: { include_usage: true },
    chat_template_kwargs: { enable_thinking: false },
  };
  const started = performance.now();
  const response = await fetch(`${endpoint.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${endpoint.apiKey}` },
    body: JSON.stringify(body),
  });
  if (!response.ok || !response.body) throw new Error(`the inline request got ${response.status}: ${(await response.text()).slice(0, 300)}`);
  let startMs: number | undefined;
  let promptTokens = 0;
  for await (const event of sseEvents(response.body)) {
    if (event.error) throw new Error(`the inline request failed: ${JSON.stringify(event.error).slice(0, 300)}`);
    const delta = event.choices?.[0]?.delta;
    if (startMs === undefined && delta && ('role' in delta || 'content' in delta)) startMs = performance.now() - started;
    if (event.timings) promptTokens = (event.timings.cache_n ?? 0) + (event.timings.prompt_n ?? 0);
  }
  if (startMs === undefined) throw new Error('the inline request streamed no content');
  return { sentAt: started, startMs, totalMs: performance.now() - started, promptTokens };
}

// ---------- main ----------

/** A screenshot-like picture: a sidebar, a toolbar and lines of "text". */
async function screenshotUrl(): Promise<{ url: string; tokens: number; width: number; height: number }> {
  const picture = raster(800, 500, (x, y) => {
    if (x < 160) return [37, 37, 38, 255];
    if (y < 36) return [60, 60, 60, 255];
    const row = Math.floor((y - 36) / 18);
    const textLike = (y - 36) % 18 < 10 && x < 200 + ((row * 97) % 480) && ((x >> 3) + row) % 7 !== 0;
    return textLike ? [212, 212, 212, 255] : [30, 30, 30, 255];
  });
  const prepared = await prepareImage(pngBytes(picture));
  return { url: prepared.dataUrl(), tokens: prepared.tokens, width: prepared.width, height: prepared.height };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  installCleanup();
  const started = performance.now();

  const tiny = await ensureTinyGemma4Set(undefined, { contextLength: options.contextSize });
  const plan = await planLaunch(
    {
      model: tiny.model,
      drafter: tiny.drafter,
      projector: tiny.projector,
      serverPath: process.env.GEMMA_AGENT_SERVER,
      contextSize: options.contextSize,
      gpuLayers: 'auto',
      // The extension's defaults for the drafter settings.
      draft: { enabled: true, maxTokens: 2, minProbability: 0.75 },
      extraArgs: options.extraArgs,
    },
    { modelsDir: path.join(os.tmpdir(), 'bench-agent-models'), binary: { variant: 'cpu-native', envPath: '' } },
  );
  const base: SessionPlan = { slowStep: options.inlineStep, slowTokens: options.inlineTokens, inline: false };

  // 1. The text-only run and its follow-up; its slow step is the baseline for the inline figure.
  const text = await withEngine(plan, async (endpoint) => {
    const run = await runSession(endpoint, base);
    const client = new EngineClient({ baseUrl: endpoint.url, apiKey: endpoint.apiKey });
    // read_file's result as the model sees it, against the file itself.
    const toolMessage = run.messages.find((m) => m.role === 'tool' && m.name === 'read_file');
    const resultTokens = toolMessage && typeof toolMessage.content === 'string' ? (await client.tokenize(toolMessage.content)).length : 0;
    const fileTokens = (await client.tokenize(run.files[SOURCE_PATH])).length;
    const props = await client.props();
    const counted = await countUnseen(endpoint, client, [...run.turn1, ...run.turn2]);
    return { run, resultTokens, fileTokens, counted, nCtx: props.n_ctx, slots: props.total_slots };
  });
  emitSteps('text', [...text.run.turn1, ...text.run.turn2]);

  // 2. The same run with an inline chat request sent while the slow step generates.
  const inlineRun = await withEngine(plan, (endpoint) => runSession(endpoint, { ...base, inline: true, stopAfterStep: options.inlineStep + 1 }));
  emitSteps('inline', inlineRun.turn1);

  // 3. Turn 1 with a screenshot attached.
  const image = options.image && plan.capabilities.vision ? await screenshotUrl() : undefined;
  const imageRun = image ? await withEngine(plan, (endpoint) => runSession(endpoint, { ...base, image: image.url })) : undefined;
  if (imageRun) emitSteps('image', [...imageRun.turn1, ...imageRun.turn2]);

  // 4. The text run again with replies that carry no thinking: what the follow-up costs when
  // the history holds no reasoning_content for the template to drop.
  const plain = await withEngine(plan, (endpoint) => runSession(endpoint, { ...base, reasoning: false }));
  emitSteps('no_reasoning', [...plain.turn1, ...plain.turn2]);

  // 5. The text run with replies the server never saw: the lower bound the replay alone gives.
  const unseen = await withEngine(plan, (endpoint) => runSession(endpoint, { ...base, generatedReplies: false, stopAfterStep: firstTurnSteps().length }));
  emitSteps('replies_not_cached', unseen.turn1);

  const run1 = cachedRatio(text.run.turn1);
  emit('agent_run_cached_ratio', run1.ratio, 'ratio', {
    steps: text.run.turn1.length,
    cached_tokens: run1.cached,
    prompt_tokens: run1.prompt,
    // What the replies added to the cache as a real run's generation would (not counted above).
    reply_tokens_in_cache: text.run.replyTokens,
    read_file_new_tokens: newTokensAfter(text.run.turn1, 'read_file'),
  });
  // What no cache can hold: each step's tokens that no earlier prompt or reply held (the
  // request, every tool result, the calls). Even with every other token cached, the run's
  // ratio cannot pass this; what the server read beyond it is what its cache lost.
  const unseenTotal = text.run.turn1.reduce((sum, s) => sum + (s.unseen ?? 0), 0);
  const firstReads = firstReadSteps(firstTurnSteps()).reduce((sum, i) => sum + (text.run.turn1[i + 1]?.unseen ?? 0), 0);
  emit('agent_run_cached_ratio_ceiling', (run1.prompt - unseenTotal) / run1.prompt, 'ratio', {
    unseen_tokens: unseenTotal,
    first_reads_unseen_tokens: firstReads,
    prompt_tokens: run1.prompt,
    // The 0.95 goal allows this many new tokens in the run; the unseen ones alone are more when above.
    new_tokens_allowed_at_0_95: Math.floor(run1.prompt * 0.05),
    note: 'tokens no earlier prompt or generated reply held are new to any cache',
  });
  emit('agent_run_reprocessed_tokens', run1.fresh - unseenTotal, 'tokens', {
    new_tokens: run1.fresh,
    unseen_tokens: unseenTotal,
    cached_of_reusable_ratio: Number((run1.cached / Math.max(1, run1.prompt - unseenTotal)).toFixed(4)),
    template_count_mismatch_tokens: text.counted.mismatch,
    note: 'tokens the server read again although an earlier prompt or reply held them: what its cache lost',
  });
  const unseenRun = cachedRatio(unseen.turn1);
  emit('agent_run_cached_ratio_replies_not_cached', unseenRun.ratio, 'ratio', { cached_tokens: unseenRun.cached, prompt_tokens: unseenRun.prompt });
  emit('agent_run_new_tokens', run1.fresh, 'tokens', { est_prefill_s: Number((run1.fresh / PREFILL_TOKENS_PER_SECOND).toFixed(3)), steps: text.run.turn1.length });
  const follow = text.run.turn2[0];
  emit('follow_up_first_step_new_ratio', follow.fresh / follow.prompt, 'ratio', {
    prompt_tokens: follow.prompt,
    new_tokens: follow.fresh,
    est_prefill_s: Number((follow.fresh / PREFILL_TOKENS_PER_SECOND).toFixed(3)),
  });
  const plainFollow = plain.turn2[0];
  emit('follow_up_first_step_new_ratio_without_reasoning', plainFollow.fresh / plainFollow.prompt, 'ratio', {
    prompt_tokens: plainFollow.prompt,
    new_tokens: plainFollow.fresh,
    est_prefill_s: Number((plainFollow.fresh / PREFILL_TOKENS_PER_SECOND).toFixed(3)),
    agent_run_cached_ratio: Number(cachedRatio(plain.turn1).ratio.toFixed(4)),
  });
  if (imageRun && image) {
    const withImage = imageRun.turn2[0];
    const runImage = cachedRatio(imageRun.turn1);
    emit('agent_run_cached_ratio_with_image', runImage.ratio, 'ratio', { cached_tokens: runImage.cached, prompt_tokens: runImage.prompt, image_tokens: image.tokens });
    emit('follow_up_first_step_new_ratio_with_image', withImage.fresh / withImage.prompt, 'ratio', {
      prompt_tokens: withImage.prompt,
      new_tokens: withImage.fresh,
      est_prefill_s: Number((withImage.fresh / PREFILL_TOKENS_PER_SECOND).toFixed(3)),
      image: `${image.width}x${image.height}`,
      image_tokens: image.tokens,
    });
  }

  const k = options.inlineStep; // 1-based step the inline request interleaved with; the next one is index k
  const inline = inlineRun.inline;
  if (!inline) throw new Error('the inline request was never sent');
  emit('inline_start_ms', inline.startMs, 'ms', {
    during_step: k,
    agent_step_generates: options.inlineTokens,
    // When the agent's step finished generating, counted from the moment the inline request was sent.
    agent_step_done_ms: Math.round(inlineRun.turn1[k - 1].record.endedAt - inline.sentAt),
    inline_total_ms: Math.round(inline.totalMs),
    inline_prompt_tokens: inline.promptTokens,
  });
  const baseline = text.run.turn1[k];
  const after = inlineRun.turn1[k];
  emit('inline_next_step_lost_tokens', after.fresh - baseline.fresh, 'tokens', {
    step: k + 1,
    new_tokens: after.fresh,
    new_tokens_without_inline: baseline.fresh,
    prompt_tokens: after.prompt,
    est_prefill_s_lost: Number(((after.fresh - baseline.fresh) / PREFILL_TOKENS_PER_SECOND).toFixed(3)),
  });

  emit('read_file_token_overhead_ratio', text.fileTokens > 0 ? text.resultTokens / text.fileTokens : 0, 'ratio', {
    file: SOURCE_PATH,
    file_lines: text.run.files[SOURCE_PATH].split('\n').length - 1,
    file_tokens: text.fileTokens,
    result_tokens: text.resultTokens,
  });

  // The agent's own estimate (what compaction decides on) of the last prompt it sent, against
  // the server's count: raw, and calibrated as the context budget does it on the step before.
  const steps = [...text.run.turn1, ...text.run.turn2];
  const last = steps[steps.length - 1];
  const previous = steps[steps.length - 2];
  const lastBody = last.record.body as { messages: ChatMessage[]; tools?: ToolDefinition[] };
  const previousBody = previous.record.body as { messages: ChatMessage[]; tools?: ToolDefinition[] };
  const raw = estimateConversationTokens(lastBody.messages, lastBody.tools ?? []);
  const budget = new ContextBudget({ contextSize: 1_000_000, reserveTokens: 0 });
  budget.observe(previousBody.messages.length, { cache_n: previous.cached, prompt_n: previous.prompt - previous.cached, predicted_n: 1 } as Timings, previousBody.messages, previousBody.tools ?? []);
  const calibrated = budget.estimate(lastBody.messages, lastBody.tools ?? []);
  emit('compaction_estimate_error_ratio', (calibrated - last.prompt) / last.prompt, 'ratio', {
    estimate_tokens: calibrated,
    server_tokens: last.prompt,
    uncalibrated_estimate_tokens: raw,
    uncalibrated_error_ratio: Number(((raw - last.prompt) / last.prompt).toFixed(4)),
    note: 'calibrated on the previous step\'s measured prompt, as the context budget does; the byte-level test vocabulary makes the raw estimate 3x low',
  });

  const args = serverArgs(plan.config, '<key>').map((arg) => (path.isAbsolute(arg) ? path.basename(arg) : arg));
  const slots = Number(lastValue(args, ['-np', '--parallel']) ?? 1);
  emit('server_args', slots, 'slots', {
    args: args.join(' '),
    extra_args: options.extraArgs.join(' '),
    n_ctx_per_slot: text.nCtx,
    total_slots: text.slots,
    kv_unified: args.includes('--kv-unified') || args.includes('-kvu'),
    server: plan.binary.version,
    bench_s: Number(((performance.now() - started) / 1000).toFixed(1)),
    // Time figures (inline_start_ms, prefill_ms_here) depend on what else the machine runs.
    cpus: os.cpus().length,
    load_avg_1m: Number(os.loadavg()[0].toFixed(2)),
  });
}

/** The value of the last occurrence of any of `flags` (llama-server lets the last one win). */
function lastValue(args: string[], flags: string[]): string | undefined {
  let value: string | undefined;
  args.forEach((arg, i) => {
    if (flags.includes(arg)) value = args[i + 1];
  });
  return value;
}

main().catch((err: unknown) => {
  const tail = err instanceof EngineStartError ? `\n${err.logTail.trim().split('\n').slice(-8).join('\n')}` : '';
  const detail = err instanceof Error && process.env.BENCH_DEBUG ? (err.stack ?? err.message) : err instanceof Error ? err.message : String(err);
  console.error(`bench:agent failed: ${detail}${tail}`);
  process.exitCode = 1;
  // Ends the process so 'exit' runs the clean-up even if a socket is still open.
  setImmediate(() => process.exit(1));
});
