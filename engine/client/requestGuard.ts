import { createAbortError, EngineTimeoutError } from './errors';

/**
 * Bounds one HTTP exchange: the caller's cancellation and an inactivity timer both abort
 * it, and every wait goes through `race`, so a fetch implementation that ignores its
 * signal still cannot hang the caller.
 */
export class RequestGuard {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private reason: Error | undefined;
  private rejectStopped: ((error: Error) => void) | undefined;
  private readonly stopped: Promise<never>;
  private settled = false;

  constructor(private readonly callerSignal: AbortSignal | undefined) {
    this.stopped = new Promise<never>((_, reject) => {
      this.rejectStopped = reject;
    });
    // Nobody may be racing when the stop happens; the rejection is still observed by `race` later.
    this.stopped.catch(() => undefined);
    if (callerSignal?.aborted) this.stop(createAbortError());
    else callerSignal?.addEventListener('abort', this.onCallerAbort);
  }

  /** Pass to fetch so stopping also closes the connection. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the exchange was stopped (AbortError or EngineTimeoutError), if it was. */
  get failure(): Error | undefined {
    return this.reason;
  }

  /** (Re)starts the inactivity timer. */
  arm(timeoutMs: number, phase: 'headers' | 'body'): void {
    this.disarm();
    if (this.reason || !Number.isFinite(timeoutMs) || timeoutMs <= 0) return;
    this.timer = setTimeout(() => this.stop(new EngineTimeoutError(timeoutMs, phase)), timeoutMs);
  }

  /**
   * Stops the exchange after `timeoutMs` however much keeps arriving: a bound that keepalive
   * comments (which re-arm the inactivity timer) cannot extend.
   */
  deadline(timeoutMs: number): void {
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return;
    this.deadlineTimer = setTimeout(() => this.stop(new EngineTimeoutError(timeoutMs, 'turn')), timeoutMs);
  }

  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Waits for `work` unless the exchange is stopped first; then rejects with the stop reason. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.reason) {
      work.catch(() => undefined);
      return Promise.reject(this.reason);
    }
    return Promise.race([work, this.stopped]);
  }

  /** The response was read to its end: nothing left to close. */
  markSettled(): void {
    this.settled = true;
  }

  /** Releases timers and listeners; an unfinished exchange is aborted so its socket closes. */
  dispose(): void {
    this.disarm();
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    if (!this.settled && !this.controller.signal.aborted) this.controller.abort(createAbortError());
  }

  private readonly onCallerAbort = (): void => {
    this.stop(createAbortError());
  };

  private stop(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    this.disarm();
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.controller.abort(reason);
    this.rejectStopped?.(reason);
  }
}
