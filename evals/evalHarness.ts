import { exec } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runHeadless } from '../agent/cli/headlessRun';
import { checkEngine, EngineClient } from '../engine/client';
import type { AgentEvent } from '../agent/events';
import type { SamplingOptions } from '../agent/loop';
import { loadTasks, type EvalTask } from './evalTasks';
import { passAtK } from './passAtK';

export interface EvalOptions {
  endpoint: string;
  apiKey?: string;
  /** The model every request names, as the server lists it; undefined: the one model it lists. */
  model?: string;
  /** pass@k is reported for this k (and pass@1). */
  k: number;
  /** Runs per task (default k); more samples make pass@k less noisy. */
  samples?: number;
  tasksDir?: string;
  /** Only these tasks, in this order. */
  taskNames?: readonly string[];
  /** Overrides each task's maxSteps. */
  maxSteps?: number;
  sampling?: SamplingOptions;
  /** Send earlier thinking back within a turn (the official template's rendering); default off. */
  keepEarlierThinking?: boolean;
  /** Send files read again whole instead of the diff since (the tools' default); default off. */
  fullRereads?: boolean;
  /** Longest a check may run (default 60 s). */
  checkTimeoutMs?: number;
  /** Keep the agent's working copies (their paths are in the samples). */
  keepWorkdirs?: boolean;
  /** Called after every sample, for progress output. */
  onSample?: (sample: SampleResult) => void;
  retryDelayMs?: number;
}

export interface SampleResult {
  task: string;
  sample: number;
  passed: boolean;
  /** How the agent run ended ('answered', 'failed', ...). */
  reason: string;
  steps: number;
  seconds: number;
  /** Mean generation speed over the run's steps. */
  tokensPerSecond: number | undefined;
  /** Share of prompt tokens served from the engine's cache over the run. */
  cacheHitRate: number | undefined;
  /** The check's output (its start and end when long). */
  checkOutput: string;
  error?: string;
  workdir?: string;
  /** The printed run, for reading why a sample failed. */
  log: string;
}

export interface TaskReport {
  task: string;
  n: number;
  c: number;
  passAt1: number;
  passAtK: number;
  meanSteps: number;
  meanSeconds: number;
}

/**
 * Where the prompts departed from how the official chat template would render the
 * conversation, so a score can be set against a run of the other variant on a real model.
 */
export interface PromptVariant {
  /** 'dropped': the model's earlier thinking is not sent back (the default); 'kept': as the template would show it within a turn. */
  earlierThinking: 'dropped' | 'kept';
  /** How read_file answers a file read again while its earlier whole read is in the history. */
  rereads: 'diff since the earlier read' | 'whole file';
  thinking: boolean;
  thinkingBudget: number | null;
  thinkingSteps: 'every' | 'first-and-after-failure';
}

export interface EvalReport {
  endpoint: string;
  /** The model the requests named (null: the server was still loading and named none yet). */
  model: string | null;
  variant: PromptVariant;
  k: number;
  samples: number;
  tasks: TaskReport[];
  overall: { passAt1: number; passAtK: number };
  runs: SampleResult[];
}

interface CheckOutcome {
  passed: boolean;
  output: string;
}

function runCheck(command: string, cwd: string, taskDir: string, timeoutMs: number): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    exec(command, { cwd, timeout: timeoutMs, env: { ...process.env, TASK_DIR: taskDir }, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      // The first lines say what failed, the last ones how it ended.
      const lines = `${stdout}${stderr}`.trim().split('\n');
      const output = lines.length > 16 ? [...lines.slice(0, 10), '…', ...lines.slice(-5)].join('\n') : lines.join('\n');
      resolve({ passed: error === null, output });
    });
  });
}

async function runSample(task: EvalTask, sample: number, options: EvalOptions): Promise<SampleResult> {
  const workdir = await fsp.mkdtemp(path.join(os.tmpdir(), `gemma-eval-${task.name}-`));
  let log = '';
  const speeds: number[] = [];
  let cached = 0;
  let prompt = 0;
  const onEvent = (event: AgentEvent): void => {
    if (event.type !== 'step-finished' || !event.timings) return;
    if (event.timings.generatedTokens > 0) speeds.push(event.timings.tokensPerSecond);
    cached += event.timings.cachedPromptTokens;
    prompt += event.timings.totalPromptTokens;
  };
  const started = Date.now();
  try {
    await fsp.cp(task.repoDir, workdir, { recursive: true });
    const outcome = await runHeadless({
      workspace: workdir,
      endpoint: options.endpoint,
      apiKey: options.apiKey,
      model: options.model,
      request: task.request,
      approvals: 'auto',
      maxSteps: options.maxSteps ?? task.maxSteps,
      out: { write: (text) => (log += text) },
      onEvent,
      // Nobody is there to answer: what the policy does not auto-approve is denied.
      approver: { approve: async () => ({ approved: false, reason: 'the eval runs unattended and this action needs a person' }) },
      ...(options.sampling ? { sampling: options.sampling } : {}),
      ...(options.keepEarlierThinking ? { keepEarlierThinking: true } : {}),
      ...(options.fullRereads ? { fullRereads: true } : {}),
      ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
    });
    const seconds = (Date.now() - started) / 1000;
    const check = await runCheck(task.check, workdir, task.dir, options.checkTimeoutMs ?? 60_000);
    const result = outcome.result;
    const sampleResult: SampleResult = {
      task: task.name,
      sample,
      passed: check.passed,
      reason: result?.reason ?? 'failed',
      steps: result?.steps ?? 0,
      seconds,
      tokensPerSecond: speeds.length > 0 ? speeds.reduce((a, b) => a + b, 0) / speeds.length : undefined,
      cacheHitRate: prompt > 0 ? cached / prompt : undefined,
      checkOutput: check.output,
      log,
    };
    const error = outcome.error ?? result?.error;
    if (error) sampleResult.error = error;
    if (options.keepWorkdirs) sampleResult.workdir = workdir;
    return sampleResult;
  } finally {
    if (!options.keepWorkdirs) await fsp.rm(workdir, { recursive: true, force: true });
  }
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Runs every task `samples` times, each on a fresh copy of its repo/ with the headless
 * agent (edits and commands auto-approved, never-auto commands denied), checks each
 * result with the task's command, and reports pass@1 and pass@k per task and overall
 * (the mean over tasks). Samples run one after another: one engine slot serves them.
 */
export async function runEvals(options: EvalOptions): Promise<EvalReport> {
  const samples = options.samples ?? options.k;
  if (!Number.isInteger(options.k) || options.k < 1) throw new Error(`k must be a positive whole number, got ${options.k}.`);
  if (!Number.isInteger(samples) || samples < options.k) {
    throw new Error(`pass@${options.k} needs at least ${options.k} samples per task; got ${samples}.`);
  }
  const tasks = await loadTasks(options.tasksDir, options.taskNames);
  // Once, before any sample, by the rule the product and the headless runner follow: the model
  // asked for, else the one the server lists; a server with several and none named fails here.
  const check = await checkEngine(new EngineClient({ baseUrl: options.endpoint, ...(options.apiKey ? { apiKey: options.apiKey } : {}) }), { model: options.model });
  const sampleOptions: EvalOptions = check.model ? { ...options, model: check.model } : options;
  const runs: SampleResult[] = [];
  const reports: TaskReport[] = [];
  for (const task of tasks) {
    const taskRuns: SampleResult[] = [];
    for (let sample = 1; sample <= samples; sample++) {
      const result = await runSample(task, sample, sampleOptions);
      taskRuns.push(result);
      runs.push(result);
      options.onSample?.(result);
    }
    const c = taskRuns.filter((run) => run.passed).length;
    reports.push({
      task: task.name,
      n: samples,
      c,
      passAt1: passAtK(samples, c, 1),
      passAtK: passAtK(samples, c, options.k),
      meanSteps: mean(taskRuns.map((run) => run.steps)),
      meanSeconds: mean(taskRuns.map((run) => run.seconds)),
    });
  }
  return {
    endpoint: options.endpoint,
    model: check.model ?? null,
    variant: {
      earlierThinking: options.keepEarlierThinking ? 'kept' : 'dropped',
      rereads: options.fullRereads ? 'whole file' : 'diff since the earlier read',
      thinking: options.sampling?.thinking ?? true,
      thinkingBudget: options.sampling?.thinkingBudget ?? null,
      thinkingSteps: options.sampling?.thinkingSteps ?? 'every',
    },
    k: options.k,
    samples,
    tasks: reports,
    overall: { passAt1: mean(reports.map((r) => r.passAt1)), passAtK: mean(reports.map((r) => r.passAtK)) },
    runs,
  };
}
