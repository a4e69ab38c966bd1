import type { EngineClient } from '../../engine/client';
import { prepareImage, type PreparedImage } from '../../engine/media';
import type { ChatMessage, ChatRequest } from '../../engine/protocol';
import { ScreenshotToCodeError } from './errors';
import { defaultPathsFor, type GeneratedFile, parseGeneratedReply, type RefusedFile } from './fileBlocks';
import { buildFixMessages, buildGenerateMessages } from './prompts';
import { imageBytes, type ScreenshotImage } from './screenshotImage';
import { type CodeTarget, type TargetPlan, toPlan } from './targets';
import { visualSimilarity } from './visualSimilarity';

/**
 * Screenshot to code with a self-check: generate, write, render, score against the
 * screenshot; while the score is below the goal and rounds are left, show the model its
 * render next to the screenshot and ask for fixes. It stops when the score stops
 * improving and returns the best round, whose files are left in the workspace.
 */

export interface ScreenshotToCodeOptions {
  client: Pick<EngineClient, 'chat'>;
  /** The screenshot as prepared for the model (engine/media prepareImage). */
  image: ScreenshotImage;
  target: CodeTarget | TargetPlan;
  userNote?: string;
  /**
   * Writes the files a round created or changed. The extension passes the agent's edit
   * path here, so every change is reviewable and can be undone.
   */
  writeFiles: (files: GeneratedFile[]) => Promise<void>;
  /**
   * Renders the whole current file set to PNG, or undefined when it cannot be rendered
   * (a React component without a static build): then there is no score and one round.
   */
  render?: (files: GeneratedFile[]) => Promise<Buffer | undefined>;
  /** Most model turns, the first included (default 3). */
  maxRounds?: number;
  /** Stop as soon as a render scores this much (default 0.95). */
  targetScore?: number;
  /** A fix round must raise the best score by this much to earn another (default 0.01). */
  minImprovement?: number;
  /** Token budget of the render image shown back to the model (default: prepareImage's). */
  imageMaxTokens?: number;
  /** Write the best round's files back when a later round scored worse (default true). */
  restoreBest?: boolean;
  /** Sampling settings for every turn (defaults: temperature 0.2, max_tokens 8192). */
  request?: Omit<ChatRequest, 'messages' | 'tools' | 'tool_choice' | 'stream'>;
  signal?: AbortSignal;
  onRound?: (round: ScreenshotToCodeRound) => void;
}

export interface ScreenshotToCodeRound {
  /** From 1. */
  round: number;
  /** The complete file set after this round (files a fix left out are carried over). */
  files: GeneratedFile[];
  /** The files this round created or changed, as written. */
  written: GeneratedFile[];
  /** Visual similarity of the render to the screenshot; undefined when nothing was rendered. */
  score?: number;
  renderPng?: Buffer;
  /** The model's whole reply. */
  reply: string;
  /** Paths the model named that were not written (absolute, or leading out with '..'). */
  refused: RefusedFile[];
  /** The reply hit the token limit, so its last file may be cut short. */
  truncated: boolean;
  timings: RoundTimings;
}

export interface RoundTimings {
  modelMs: number;
  writeMs: number;
  renderMs: number;
  scoreMs: number;
}

export type StopReason =
  /** The score reached targetScore. */
  | 'target-reached'
  /** A fix round did not raise the best score by minImprovement. */
  | 'no-improvement'
  /** A fix reply held no files. */
  | 'no-files'
  /** maxRounds were used. */
  | 'max-rounds'
  /** Nothing could be rendered, so there is nothing to check against. */
  | 'no-render';

export interface ScreenshotToCodeResult {
  best: ScreenshotToCodeRound;
  rounds: ScreenshotToCodeRound[];
  stopReason: StopReason;
  /** The best round's files were written again because a later round scored worse. */
  restored: boolean;
}

const DEFAULT_MAX_ROUNDS = 3;
const DEFAULT_TARGET_SCORE = 0.95;
const DEFAULT_MIN_IMPROVEMENT = 0.01;
const DEFAULT_REQUEST = { temperature: 0.2, max_tokens: 8192 };

export async function runScreenshotToCode(options: ScreenshotToCodeOptions): Promise<ScreenshotToCodeResult> {
  const plan = toPlan(options.target);
  const maxRounds = Math.max(1, Math.floor(options.maxRounds ?? DEFAULT_MAX_ROUNDS));
  const targetScore = options.targetScore ?? DEFAULT_TARGET_SCORE;
  const minImprovement = options.minImprovement ?? DEFAULT_MIN_IMPROVEMENT;
  const signal = options.signal;
  const reference = options.render ? imageBytes(options.image) : undefined;
  const defaultPaths = defaultPathsFor(plan);

  const rounds: ScreenshotToCodeRound[] = [];
  let best: ScreenshotToCodeRound | undefined;
  /** The best round's render as shown to the model, prepared once per best round. */
  let shown: PreparedImage | undefined;
  let onDisk: GeneratedFile[] = [];
  let stopReason: StopReason = 'max-rounds';

  for (let n = 1; n <= maxRounds; n++) {
    signal?.throwIfAborted();
    let messages: ChatMessage[];
    if (!best) {
      messages = buildGenerateMessages(options.image, plan, options.userNote);
    } else {
      // Only a scored round leads here, so it has a render.
      if (!best.renderPng) break;
      shown ??= await prepareImage(best.renderPng, { maxTokens: options.imageMaxTokens });
      messages = buildFixMessages(options.image, shown, best.files, best.score, { target: plan, userNote: options.userNote });
    }

    let started = performance.now();
    const result = await options.client.chat({ ...DEFAULT_REQUEST, ...options.request, messages }, { signal });
    const modelMs = performance.now() - started;
    const parsed = parseGeneratedReply(result.text, { defaultPaths });
    if (parsed.files.length === 0) {
      if (!best) {
        throw new ScreenshotToCodeError(
          'no-files',
          'The model answered without any file in the requested format, so nothing was written. ' +
            `Try again, or add a note about what to build. The reply began: ${JSON.stringify(result.text.slice(0, 160))}`,
        );
      }
      stopReason = 'no-files';
      break;
    }

    const base = best ? best.files : [];
    const files = mergeFiles(base, parsed.files);
    const written = changedFiles(onDisk, files);
    started = performance.now();
    if (written.length > 0) await options.writeFiles(written);
    onDisk = mergeFiles(onDisk, written);
    const writeMs = performance.now() - started;

    signal?.throwIfAborted();
    started = performance.now();
    const renderPng = options.render ? await options.render(files) : undefined;
    const renderMs = performance.now() - started;
    started = performance.now();
    const score = renderPng && reference ? visualSimilarity(reference, renderPng) : undefined;
    const scoreMs = performance.now() - started;

    const round: ScreenshotToCodeRound = {
      round: n,
      files,
      written,
      reply: result.text,
      refused: parsed.refused,
      truncated: parsed.truncated || result.finishReason === 'length',
      timings: { modelMs, writeMs, renderMs, scoreMs },
    };
    if (score !== undefined) round.score = score;
    if (renderPng) round.renderPng = renderPng;
    rounds.push(round);
    options.onRound?.(round);

    if (score === undefined) {
      best ??= round;
      stopReason = 'no-render';
      break;
    }
    const previousBest = best?.score;
    if (previousBest === undefined || score > previousBest) {
      best = round;
      shown = undefined;
    }
    if (score >= targetScore) {
      stopReason = 'target-reached';
      break;
    }
    if (previousBest !== undefined && score < previousBest + minImprovement) {
      stopReason = 'no-improvement';
      break;
    }
  }

  // The loop always ends with a round or throws on the first; this satisfies the compiler.
  if (!best) throw new ScreenshotToCodeError('no-files', 'Screenshot to code produced no round.');
  let restored = false;
  const back = changedFiles(onDisk, best.files);
  if ((options.restoreBest ?? true) && back.length > 0) {
    signal?.throwIfAborted();
    await options.writeFiles(back);
    restored = true;
  }
  return { best, rounds, stopReason, restored };
}

/** `base` with `updates` laid over it by path; a fix that leaves a file out keeps it. */
function mergeFiles(base: readonly GeneratedFile[], updates: readonly GeneratedFile[]): GeneratedFile[] {
  const byPath = new Map(base.map((f) => [f.path, f.content]));
  for (const f of updates) byPath.set(f.path, f.content);
  return [...byPath].map(([path, content]) => ({ path, content }));
}

/** The files of `next` that `current` lacks or holds with other content. */
function changedFiles(current: readonly GeneratedFile[], next: readonly GeneratedFile[]): GeneratedFile[] {
  const have = new Map(current.map((f) => [f.path, f.content]));
  return next.filter((f) => have.get(f.path) !== f.content);
}
