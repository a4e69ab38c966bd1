import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { WavLayout } from '../../../engine/media/wavHeader';
import { Listeners } from './listeners';
import { RecorderError } from './recorderErrors';
import { planRecorder, type RecorderInvocation, type RecorderSetting } from './recorderPrograms';
import { framesOnDisk, readGrowingWavLayout, recentLevel, repairWavSizes } from './wavFile';

export interface RecorderProcessOptions {
  /** Folder for recordings (created when missing), under the extension's storage. */
  folder: string;
  /** gemmaAgent.voice.recorder. */
  recorder?: RecorderSetting;
  /** gemmaAgent.voice.recorderCommand; when not blank it is used instead of `recorder`. */
  recorderCommand?: string;
  /** The recording stops by itself after this long. */
  maxSeconds: number;
  /** How often progress is reported (default 200 ms). */
  progressIntervalMs?: number;
  /** A recorder still running after this long has opened its device (default 400 ms). */
  startupGraceMs?: number;
  /** How long a recorder gets to finish its file after SIGINT before it is forced (default 3 s). */
  stopGraceMs?: number;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

export interface RecorderProgress {
  /** Time since the recording started. */
  seconds: number;
  /** Loudness of the last tenth of a second, 0..1 (-60..0 dBFS). */
  level: number;
}

/** Why a recording ended without stop() being called; call stop() to get the file. */
export type AutoStopReason = 'max-length' | 'recorder-exited';

export type RecorderState = 'idle' | 'starting' | 'recording' | 'stopping' | 'stopped' | 'cancelled';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const STDERR_TAIL_BYTES = 4096;
const STDERR_TAIL_LINES = 6;

/**
 * One recording made by an external program (sox, arecord, ffmpeg, or the user's command)
 * into a 16 kHz mono 16-bit WAV: VS Code webviews cannot open the microphone, the extension
 * host can run a recorder. start() resolves once the recorder is running; stop() ends it
 * cleanly and returns the file; cancel() ends it and deletes the file. The recording stops
 * by itself at maxSeconds (onAutoStop says so). Deleting a finished recording after use is
 * the caller's job (recordVoiceClip does it unless recordings are kept).
 */
export class RecorderProcess {
  private readonly progress = new Listeners<RecorderProgress>();
  private readonly autoStopped = new Listeners<AutoStopReason>();
  private currentState: RecorderState = 'idle';
  private child: ChildProcess | undefined;
  private exited: Promise<Exit> | undefined;
  private exit: Exit | undefined;
  private output: string | undefined;
  private invocation: RecorderInvocation | undefined;
  private startedAt = 0;
  private outputTail = '';
  private progressTimer: NodeJS.Timeout | undefined;
  private capTimer: NodeJS.Timeout | undefined;
  private layout: WavLayout | undefined;
  private reading = false;
  private stopping: Promise<string> | undefined;
  private endReason: AutoStopReason | undefined;

  /** Progress a few times a second while recording: elapsed time and input level. */
  readonly onProgress = this.progress.subscribe;
  /** The recording ended by itself: the length cap, or the recorder quit. */
  readonly onAutoStop = this.autoStopped.subscribe;

  constructor(private readonly options: RecorderProcessOptions) {
    if (!(options.maxSeconds > 0) || !Number.isFinite(options.maxSeconds)) {
      throw new RangeError(`maxSeconds must be a positive number of seconds, got ${options.maxSeconds}.`);
    }
  }

  get state(): RecorderState {
    return this.currentState;
  }

  /** The WAV being written, once start() has been called. */
  get file(): string | undefined {
    return this.output;
  }

  /** Which recorder runs: "sox (rec)", "arecord", "ffmpeg (pulse)", "recorderCommand". */
  get program(): string | undefined {
    return this.invocation?.label;
  }

  /** Set when the recording ended by itself before stop() was called. */
  get autoStopReason(): AutoStopReason | undefined {
    return this.endReason;
  }

  get elapsedSeconds(): number {
    return this.startedAt === 0 ? 0 : (Date.now() - this.startedAt) / 1000;
  }

  async start(): Promise<void> {
    if (this.currentState !== 'idle') {
      throw new RecorderError('busy', `This recorder is ${this.currentState}; a recorder records once. Start a new one.`);
    }
    this.currentState = 'starting';
    try {
      await fs.mkdir(this.options.folder, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      this.output = path.join(this.options.folder, `voice-${stamp}-${randomBytes(3).toString('hex')}.wav`);
      this.invocation = await planRecorder({
        setting: this.options.recorder ?? 'auto',
        customCommand: this.options.recorderCommand,
        output: this.output,
        maxSeconds: this.options.maxSeconds,
        env: this.options.env,
        platform: this.options.platform,
      });
      await this.spawnAndWaitForDevice(this.invocation);
    } catch (err) {
      await this.discard();
      this.currentState = 'cancelled';
      throw err;
    }
    // cancel() or stop() while the device was opening: they own the recorder now.
    if (!this.stillStarting()) return;
    this.currentState = 'recording';
    if (this.exit) {
      // A recorder that wrote its file and quit (a copy command, a fixed-length recorder).
      setTimeout(() => this.endByItself('recorder-exited'), 0);
      return;
    }
    this.progressTimer = setInterval(() => void this.reportProgress(), this.options.progressIntervalMs ?? 200);
    const remaining = this.options.maxSeconds * 1000 - (Date.now() - this.startedAt);
    this.capTimer = setTimeout(() => this.endByItself('max-length'), Math.max(0, remaining));
  }

  /**
   * Ends the recording (the recorder gets to finish its file) and returns the WAV's path.
   * A recorder that failed only after start() resolved (a slow machine) rejects here with
   * the same 'exited-early' error start() would have given.
   */
  stop(): Promise<string> {
    if (this.currentState === 'idle') return Promise.reject(new RecorderError('no-audio', 'Nothing was recorded: the recorder was never started.'));
    if (this.currentState === 'cancelled') return Promise.reject(new RecorderError('no-audio', 'The recording was cancelled and deleted.'));
    this.stopping ??= this.finish();
    return this.stopping;
  }

  /** Ends the recording and deletes what was written. Safe to call at any point. */
  async cancel(): Promise<void> {
    const wasStopping = this.stopping;
    this.currentState = 'cancelled';
    this.clearTimers();
    if (wasStopping) await wasStopping.catch(() => undefined);
    await this.discard();
  }

  private async spawnAndWaitForDevice(invocation: RecorderInvocation): Promise<void> {
    const posix = (this.options.platform ?? process.platform) !== 'win32';
    const child = spawn(invocation.file, invocation.args, {
      shell: invocation.shell,
      // Its own process group, so a stop signal reaches a whole custom pipeline, not only the shell.
      detached: posix,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: this.options.env ?? process.env,
      windowsHide: true,
    });
    this.child = child;
    this.startedAt = Date.now();
    const keepTail = (chunk: Buffer): void => {
      this.outputTail = (this.outputTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    };
    child.stdout?.on('data', keepTail);
    child.stderr?.on('data', keepTail);
    this.exited = new Promise<Exit>((resolve) => {
      child.once('error', (err) => {
        this.outputTail += `\n${err.message}`;
        resolve({ code: null, signal: null });
      });
      child.once('close', (code, signal) => resolve({ code, signal }));
    }).then((exit) => {
      this.exit = exit;
      this.child = undefined;
      if (this.currentState === 'recording') this.endByItself('recorder-exited');
      return exit;
    });

    const grace = this.options.startupGraceMs ?? 400;
    let timer: NodeJS.Timeout | undefined;
    const early = await Promise.race([this.exited, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), grace)))]);
    clearTimeout(timer);
    if (!early) return;
    // Asked to stop or cancel while opening: the exit was ours, stop() and cancel() report it.
    if (!this.stillStarting()) return;
    if (early.code === 0 && this.output && (await this.audioFrames(this.output)) > 0) return;
    throw new RecorderError('exited-early', this.exitedEarlyMessage(invocation, early));
  }

  private exitedEarlyMessage(invocation: RecorderInvocation, exit: Exit): string {
    const how = exit.signal ? `was stopped by ${exit.signal}` : exit.code === null ? 'could not be started' : `exited with code ${exit.code}`;
    const tail = this.stderrTail();
    const notFound = exit.code === 127 && invocation.shell;
    const advice = notFound
      ? 'The shell could not find the program in gemmaAgent.voice.recorderCommand: check its spelling and PATH.'
      : 'Usually no microphone is connected, it is muted or in use by another program, or access was denied ' +
        '(on macOS allow VS Code under Privacy & Security > Microphone). Check the input device, then try again' +
        (invocation.shell ? ', or fix gemmaAgent.voice.recorderCommand.' : ', or pick another program in gemmaAgent.voice.recorder.');
    return `The recorder (${invocation.label}) ${how} before recording anything. ${advice}${tail ? `\nIt said:\n${tail}` : ''}`;
  }

  private stderrTail(): string {
    return this.outputTail.trim().split(/\r?\n/).slice(-STDERR_TAIL_LINES).join('\n');
  }

  private stillStarting(): boolean {
    return this.currentState === 'starting';
  }

  /** cancel() may run while start() or stop() waits on the process. */
  private wasCancelled(): boolean {
    return this.currentState === 'cancelled';
  }

  private endByItself(reason: AutoStopReason): void {
    if (this.currentState !== 'recording') return;
    this.endReason = reason;
    void this.stop().catch(() => undefined);
    this.autoStopped.emit(reason);
  }

  private async finish(): Promise<string> {
    this.currentState = 'stopping';
    this.clearTimers();
    await this.endProcess('SIGINT');
    const file = this.output!;
    if (this.wasCancelled()) throw new RecorderError('no-audio', 'The recording was cancelled and deleted.');
    await repairWavSizes(file).catch(() => undefined);
    const frames = await this.audioFrames(file);
    if (frames === 0) {
      const tail = this.stderrTail();
      await this.discard();
      this.currentState = 'cancelled';
      // A slow machine can take longer than the startup grace to fail; it is the same failure.
      const exit = this.exit;
      if (exit && this.invocation && ((exit.code !== null && exit.code !== 0) || (this.endReason === 'recorder-exited' && exit.signal))) {
        throw new RecorderError('exited-early', this.exitedEarlyMessage(this.invocation, exit));
      }
      throw new RecorderError(
        'no-audio',
        `The recorder (${this.invocation?.label ?? 'recorder'}) wrote no audio. Check that a microphone is connected and selected as the input device, then record again.` +
          (tail ? `\nIt said:\n${tail}` : ''),
      );
    }
    this.currentState = 'stopped';
    return file;
  }

  /** Asks the recorder to finish (SIGINT makes sox, arecord and ffmpeg close the file properly), then insists. */
  private async endProcess(first: NodeJS.Signals): Promise<void> {
    if (!this.exited) return;
    const steps: [NodeJS.Signals, number][] = [
      [first, this.options.stopGraceMs ?? 3000],
      ['SIGTERM', 1000],
      ['SIGKILL', 1000],
    ];
    for (const [signal, waitMs] of steps) {
      if (this.exit) return;
      this.signal(signal);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise<void>((resolve) => (timer = setTimeout(() => resolve(), waitMs)))]);
      clearTimeout(timer);
    }
  }

  private signal(signal: NodeJS.Signals): void {
    const child = this.child;
    if (!child?.pid) return;
    try {
      if ((this.options.platform ?? process.platform) !== 'win32') process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone.
    }
  }

  private async reportProgress(): Promise<void> {
    if (this.reading || this.currentState !== 'recording' || !this.output) return;
    this.reading = true;
    try {
      this.layout ??= await readGrowingWavLayout(this.output);
      const level = this.layout ? await recentLevel(this.output, this.layout) : 0;
      if (this.currentState === 'recording') this.progress.emit({ seconds: this.elapsedSeconds, level });
    } catch {
      // A level we could not read this time is not worth stopping the recording for.
    } finally {
      this.reading = false;
    }
  }

  private async audioFrames(file: string): Promise<number> {
    const layout = await readGrowingWavLayout(file);
    return layout ? framesOnDisk(file, layout) : 0;
  }

  private clearTimers(): void {
    clearInterval(this.progressTimer);
    clearTimeout(this.capTimer);
    this.progressTimer = undefined;
    this.capTimer = undefined;
  }

  private async discard(): Promise<void> {
    this.clearTimers();
    await this.endProcess('SIGTERM');
    if (this.output) await fs.rm(this.output, { force: true }).catch(() => undefined);
  }
}

/** Deletes a finished recording; a file already gone is fine. */
export async function deleteRecording(file: string): Promise<void> {
  await fs.rm(file, { force: true });
}
