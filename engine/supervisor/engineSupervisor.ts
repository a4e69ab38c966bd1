import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { CodedError, errorMessage, type ErrorFacts } from '../errors';
import { LogTail } from './logTail';
import { parseListeningUrl, serverArgs, type EngineLaunchConfig } from './serverArgs';
import { watchLeases, type LeaseWatch } from './leaseWatchdog';
import { watchChild } from './watchdog';

/** Where a running engine answers, and the key every request but /health needs. */
export interface EngineEndpoint {
  url: string;
  apiKey: string;
  pid: number;
}

export type SupervisorEvent =
  | { type: 'starting'; attempt: number }
  | { type: 'loading'; message: string }
  | { type: 'ready'; endpoint: EngineEndpoint; loadMs: number }
  | { type: 'crashed'; code: number | null; signal: string | null; logTail: string }
  | { type: 'restarting'; delayMs: number; attempt: number }
  | { type: 'failed'; error: EngineStartError }
  | { type: 'stopped' }
  | { type: 'log'; line: string };

export const ENGINE_START_ERROR_CODES = [
  'engine-not-running',
  'engine-start-timeout',
  'engine-stopped',
  'engine-spawn-failed',
  'engine-exited',
  'engine-crash-loop',
  'engine-shared-start-timeout',
] as const;

export type EngineStartErrorCode = (typeof ENGINE_START_ERROR_CODES)[number];

/** Why llama-server could not be started or kept running; `logTail` is its last output. */
export class EngineStartError extends CodedError<EngineStartErrorCode> {
  constructor(
    code: EngineStartErrorCode,
    message: string,
    readonly logTail: string,
    facts: ErrorFacts = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, facts, options);
  }
}

export interface SupervisorOptions {
  /** Longest wait for the model to load; a 12B model on a slow disk can take minutes. */
  startTimeoutMs?: number;
  /** Delays between automatic restarts after a crash; when used up, the engine stays failed. */
  restartDelaysMs?: number[];
  /** A crash this long after the last start resets the restart budget. */
  stableAfterMs?: number;
  stopGraceMs?: number;
  env?: NodeJS.ProcessEnv;
  /**
   * The engine is shared by every window of the machine: it runs in its own process group,
   * and a lease watchdog (not this window's life) decides when it ends. See release().
   */
  shared?: LeaseWatch;
}

type State = 'idle' | 'starting' | 'ready' | 'stopping' | 'backoff' | 'failed';

/**
 * Runs one llama-server: spawns it on loopback with a random key, waits for /health, reports
 * load progress and early exits with the log tail, restarts it after a crash with backoff,
 * and stops it with SIGTERM then SIGKILL. One instance per VS Code window.
 */
export class EngineSupervisor {
  private child: ChildProcess | undefined;
  private stopWatchdog: (() => void) | undefined;
  private current: EngineEndpoint | undefined;
  private state: State = 'idle';
  private readonly listeners = new Set<(event: SupervisorEvent) => void>();
  private readonly tail = new LogTail();
  private crashCount = 0;
  private lastReadyAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private starting: Promise<EngineEndpoint> | undefined;
  private readonly options: Required<Omit<SupervisorOptions, 'env' | 'shared'>> & { env?: NodeJS.ProcessEnv; shared?: LeaseWatch };

  constructor(
    private readonly config: EngineLaunchConfig,
    options: SupervisorOptions = {},
  ) {
    this.options = {
      startTimeoutMs: options.startTimeoutMs ?? 300_000,
      restartDelaysMs: options.restartDelaysMs ?? [1000, 2000, 4000, 8000, 16000],
      stableAfterMs: options.stableAfterMs ?? 120_000,
      stopGraceMs: options.stopGraceMs ?? 5000,
      env: options.env,
      shared: options.shared,
    };
  }

  onEvent(listener: (event: SupervisorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The live endpoint, or undefined while starting, restarting or stopped. */
  get endpoint(): EngineEndpoint | undefined {
    return this.state === 'ready' ? this.current : undefined;
  }

  get logTail(): string {
    return this.tail.text();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the engine (or joins a start in progress) and resolves once it serves requests. */
  start(): Promise<EngineEndpoint> {
    if (this.state === 'ready' && this.current) return Promise.resolve(this.current);
    if (this.starting) return this.starting;
    clearTimeout(this.restartTimer);
    this.crashCount = 0;
    return this.launch(1);
  }

  /**
   * Resolves when the engine serves requests: at once if it is healthy, else after the
   * restart that follows a crash. A caller whose request just failed may ask before the
   * exit was noticed, so a 'ready' engine is checked rather than trusted.
   */
  async waitUntilReady(): Promise<EngineEndpoint> {
    if (this.state === 'ready' && this.current) {
      const endpoint = this.current;
      try {
        const res = await fetch(`${endpoint.url}/health`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return endpoint;
      } catch {
        // gone or hung: wait for the supervisor to notice and restart it
      }
    }
    if (this.starting) return this.starting;
    if (this.state === 'idle' || this.state === 'failed' || this.state === 'stopping') {
      throw new EngineStartError('engine-not-running', 'The engine is not running.', this.logTail);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        const seconds = Math.round(this.options.startTimeoutMs / 1000);
        reject(new EngineStartError('engine-start-timeout', `The engine did not come back within ${seconds} s.`, this.logTail, { seconds, phase: 'restart' }));
      }, this.options.startTimeoutMs + Math.max(0, ...this.options.restartDelaysMs));
      const off = this.onEvent((event) => {
        if (event.type === 'ready') {
          clearTimeout(timer);
          off();
          resolve(event.endpoint);
        } else if (event.type === 'failed' || event.type === 'stopped') {
          clearTimeout(timer);
          off();
          reject(event.type === 'failed' ? event.error : new EngineStartError('engine-stopped', 'The engine was stopped.', this.logTail));
        }
      });
    });
  }

  async stop(): Promise<void> {
    clearTimeout(this.restartTimer);
    const child = this.child;
    const wasRunning = this.state !== 'idle';
    this.state = 'stopping';
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), this.options.stopGraceMs);
      await exited;
      clearTimeout(timer);
    }
    this.stopWatchdog?.();
    this.stopWatchdog = undefined;
    this.child = undefined;
    this.current = undefined;
    this.state = 'idle';
    if (wasRunning) this.emit({ type: 'stopped' });
  }

  async restart(): Promise<EngineEndpoint> {
    await this.stop();
    return this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.listeners.clear();
  }

  /**
   * Lets a shared engine go on without this window (others hold leases): no restart, no
   * events, no handle that keeps this process alive; its lease watchdog ends it later.
   * llama-server ignores SIGPIPE, so its log output to the closed pipes does no harm.
   */
  release(): void {
    clearTimeout(this.restartTimer);
    const child = this.child;
    this.state = 'idle';
    this.child = undefined;
    this.current = undefined;
    this.stopWatchdog = undefined; // the lease watchdog stays: it ends the engine later
    if (child) {
      child.removeAllListeners('exit');
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.unref();
    }
    this.listeners.clear();
  }

  private emit(event: SupervisorEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private launch(attempt: number): Promise<EngineEndpoint> {
    this.state = 'starting';
    this.emit({ type: 'starting', attempt });
    const promise = this.spawnAndWait().then(
      (endpoint) => {
        this.starting = undefined;
        return endpoint;
      },
      (err: unknown) => {
        this.starting = undefined;
        throw err;
      },
    );
    this.starting = promise;
    return promise;
  }

  private spawnAndWait(): Promise<EngineEndpoint> {
    const apiKey = randomBytes(24).toString('hex');
    const started = Date.now();
    const binDir = path.dirname(this.config.binary);
    // Shared libraries sit beside the binary; a copied or shipped binary has no rpath to them.
    const libVar = process.platform === 'darwin' ? 'DYLD_LIBRARY_PATH' : 'LD_LIBRARY_PATH';
    const env = { ...process.env, ...this.options.env, [libVar]: [binDir, process.env[libVar]].filter(Boolean).join(path.delimiter) };

    return new Promise<EngineEndpoint>((resolve, reject) => {
      let settled = false;
      let url: string | undefined;
      let child: ChildProcess;
      try {
        // A shared engine gets its own process group, so it outlives this window while others use it.
        child = spawn(this.config.binary, serverArgs(this.config, apiKey), { stdio: ['ignore', 'pipe', 'pipe'], env, detached: this.options.shared !== undefined });
      } catch (err) {
        reject(this.fail('engine-spawn-failed', `Could not start ${this.config.binary}: ${errorMessage(err)}`, { binary: this.config.binary }));
        return;
      }
      this.child = child;
      if (child.pid) this.stopWatchdog = this.options.shared ? watchLeases(child.pid, this.options.shared) : watchChild(child.pid);

      const fail = (code: EngineStartErrorCode, message: string, facts: ErrorFacts = {}): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        reject(this.fail(code, message, facts));
      };
      const seconds = Math.round(this.options.startTimeoutMs / 1000);
      const timeout = setTimeout(() => fail('engine-start-timeout', `The engine did not become ready within ${seconds} s.`, { seconds, phase: 'start' }), this.options.startTimeoutMs);

      const onOutput = (chunk: Buffer): void => {
        for (const line of this.tail.push(chunk.toString())) {
          this.emit({ type: 'log', line });
          url ??= parseListeningUrl(line);
          const stage = loadStage(line);
          if (stage && !settled) this.emit({ type: 'loading', message: stage });
        }
      };
      child.stdout?.on('data', onOutput);
      child.stderr?.on('data', onOutput);

      child.on('error', (err: NodeJS.ErrnoException) => {
        const hint = err.code === 'ENOENT' ? ' The file does not exist.' : err.code === 'EACCES' ? ' It is not executable.' : '';
        fail('engine-spawn-failed', `Could not start ${this.config.binary}: ${err.message}.${hint}`, { binary: this.config.binary, errno: err.code });
      });
      child.on('exit', (code, signal) => {
        if (!settled) {
          if (this.state === 'stopping') return fail('engine-stopped', 'The engine was stopped before it finished starting.');
          const exit = signal ?? `exit code ${code}`;
          const cause = exitCause(this.tail.text());
          fail('engine-exited', `The engine exited during start-up (${exit}).${EXIT_CAUSE_TEXT[cause] ? ` ${EXIT_CAUSE_TEXT[cause]}` : ''}`, { exit, exitCause: cause });
          return;
        }
        this.onUnexpectedExit(child, code, signal);
      });

      const poll = async (): Promise<void> => {
        while (!settled) {
          if (url) {
            try {
              const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
              if (res.ok) {
                settled = true;
                clearTimeout(timeout);
                const endpoint = { url, apiKey, pid: child.pid ?? -1 };
                this.current = endpoint;
                this.state = 'ready';
                this.lastReadyAt = Date.now();
                this.emit({ type: 'ready', endpoint, loadMs: Date.now() - started });
                resolve(endpoint);
                return;
              }
            } catch {
              // not accepting connections yet
            }
          }
          await new Promise((r) => setTimeout(r, 150));
        }
      };
      void poll();
    });
  }

  private fail(code: EngineStartErrorCode, message: string, facts: ErrorFacts = {}): EngineStartError {
    const error = new EngineStartError(code, message, this.tail.text(), facts);
    this.stopWatchdog?.();
    this.stopWatchdog = undefined;
    this.child = undefined;
    this.current = undefined;
    this.state = 'failed';
    this.emit({ type: 'failed', error });
    return error;
  }

  private onUnexpectedExit(child: ChildProcess, code: number | null, signal: string | null): void {
    if (this.child !== child || this.state === 'stopping' || this.state === 'idle') return;
    this.stopWatchdog?.();
    this.stopWatchdog = undefined;
    this.child = undefined;
    this.current = undefined;
    this.emit({ type: 'crashed', code, signal, logTail: this.tail.text() });
    if (Date.now() - this.lastReadyAt > this.options.stableAfterMs) this.crashCount = 0;
    const delay = this.options.restartDelaysMs[this.crashCount];
    this.crashCount += 1;
    if (delay === undefined) {
      const cause = exitCause(this.tail.text());
      this.fail('engine-crash-loop', `The engine crashed ${this.crashCount} times in a row and was not restarted again.${EXIT_CAUSE_TEXT[cause] ? ` ${EXIT_CAUSE_TEXT[cause]}` : ''}`, {
        crashes: this.crashCount,
        exitCause: cause,
      });
      return;
    }
    this.state = 'backoff';
    this.emit({ type: 'restarting', delayMs: delay, attempt: this.crashCount + 1 });
    this.restartTimer = setTimeout(() => {
      this.launch(this.crashCount + 1).catch(() => {
        // 'failed' was emitted with the reason; callers waiting on waitUntilReady() get it.
      });
    }, delay);
  }
}

/** Short progress messages from llama-server's load log. */
function loadStage(line: string): string | undefined {
  if (/llama_model_loader: loaded meta data/.test(line)) return 'Reading model metadata';
  if (/load_tensors: loading model tensors/.test(line)) return 'Loading model weights';
  if (/clip_model_loader|loading mmproj|init_mtmd/.test(line)) return 'Loading the image and audio projector';
  if (/speculative|draft model|gemma4-assistant/i.test(line) && /load/i.test(line)) return 'Loading the drafter';
  if (/warming up/.test(line)) return 'Warming up';
  return undefined;
}

/** What the log of an engine that exited says went wrong; 'unknown' when it says nothing we know. */
export type ExitCause = 'model-file' | 'bad-argument' | 'out-of-memory' | 'unknown-architecture' | 'port-in-use' | 'unknown';

/** The usual start-up failures, read from the log tail (which goes with the error anyway). */
export function exitCause(logTail: string): ExitCause {
  if (/failed to open|No such file|error loading model: .*file/i.test(logTail)) return 'model-file';
  if (/invalid argument|unknown argument|error: invalid/i.test(logTail)) return 'bad-argument';
  if (/failed to allocate|out of memory|cudaMalloc failed|unable to allocate/i.test(logTail)) return 'out-of-memory';
  if (/unknown model architecture/i.test(logTail)) return 'unknown-architecture';
  if (/couldn't bind|address already in use/i.test(logTail)) return 'port-in-use';
  return 'unknown';
}

/** Each cause as a neutral sentence for the message; where to fix it is the front end's to say. */
export const EXIT_CAUSE_TEXT: Readonly<Record<ExitCause, string>> = {
  'model-file': 'A model file could not be opened.',
  'bad-argument': 'llama-server rejected an argument.',
  'out-of-memory': 'There was not enough memory for the model and its context.',
  'unknown-architecture': 'This llama-server does not know the model architecture: it is too old for Gemma 4.',
  'port-in-use': 'The server could not open its port.',
  unknown: '',
};
