import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { CommandOptions, CommandResult } from './workspace';

/**
 * Runs one shell command line for the agent as a child process in its own process group, so
 * a timeout, a cancel or the end of the command stops everything it started (a `sleep &`,
 * a watcher, a test runner's workers), not just the shell.
 */

export interface ShellCommandOptions extends CommandOptions {
  cwd: string;
  /** Added to (and overriding) the extension host's environment. */
  env?: NodeJS.ProcessEnv;
  /** The shell; defaults to /bin/sh, or %ComSpec% (cmd.exe) on Windows. */
  shell?: string;
  /** Time between the polite stop (SIGTERM) and the forced one (SIGKILL). */
  killGraceMs?: number;
}

/** How long output may keep arriving from a command's leftovers after the shell itself exits. */
const DRAIN_AFTER_EXIT_MS = 300;

/**
 * Settings that keep non-interactive runs from waiting on a pager or a password prompt and
 * keep colour codes out of the output the model reads.
 */
const QUIET_ENV: NodeJS.ProcessEnv = { NO_COLOR: '1', GIT_PAGER: 'cat', PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' };

export function runShellCommand(command: string, options: ShellCommandOptions): Promise<CommandResult> {
  if (options.signal?.aborted) return Promise.reject(abortError(options.signal));
  const windows = process.platform === 'win32';
  const shell = options.shell ?? (windows ? (process.env.ComSpec ?? 'cmd.exe') : '/bin/sh');
  const args = windows ? ['/d', '/s', '/c', `"${command}"`] : ['-c', command];
  const env: NodeJS.ProcessEnv = { ...process.env, ...QUIET_ENV, ...options.env };
  delete env.FORCE_COLOR;

  return new Promise<CommandResult>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(shell, args, {
        cwd: options.cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: !windows,
        windowsHide: true,
        windowsVerbatimArguments: windows,
      });
    } catch (error) {
      reject(new Error(`Could not start '${shell}' to run the command: ${(error as Error).message}`));
      return;
    }

    const output = new HeadTailBuffer(options.maxOutputBytes);
    const group = new ProcessGroup(child, options.killGraceMs ?? 2000);
    let timedOut = false;
    let exitCode: number | null = null;
    let leftovers = false;
    let settled = false;

    const collect = (decoder: StringDecoder) => (chunk: Buffer) => {
      output.push(chunk);
      const text = decoder.write(chunk);
      if (text !== '' && options.onOutput) options.onOutput(text);
    };
    child.stdout?.on('data', collect(new StringDecoder('utf8')));
    child.stderr?.on('data', collect(new StringDecoder('utf8')));

    const timer = setTimeout(() => {
      timedOut = true;
      group.stop();
    }, options.timeoutMs);
    const onAbort = (): void => group.stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let drainTimer: NodeJS.Timeout | undefined;

    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (drainTimer) clearTimeout(drainTimer);
      options.signal?.removeEventListener('abort', onAbort);
      group.stop();
      if (options.signal?.aborted) {
        reject(abortError(options.signal));
        return;
      }
      let text = output.text();
      if (leftovers) text += `${text === '' || text.endsWith('\n') ? '' : '\n'}[background processes the command left running were stopped]\n`;
      resolve({ exitCode: timedOut ? null : exitCode, output: text, truncated: output.truncated, timedOut, via: 'process' });
    };

    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(new Error(`Could not run the command with '${shell}': ${error.message}`));
    });
    child.on('exit', (code) => {
      exitCode = code;
      // Background children may hold the output pipes open; give them a moment to flush,
      // then stop them rather than wait for them or leave them behind.
      drainTimer = setTimeout(() => {
        leftovers = group.hasMembers();
        finish();
      }, DRAIN_AFTER_EXIT_MS);
    });
    child.on('close', finish);
  });
}

/** The signal's own reason (a DOMException named AbortError by default), so callers can test `name`. */
function abortError(signal: AbortSignal): Error {
  if (signal.reason instanceof Error) return signal.reason;
  const error = new Error('The command was cancelled.');
  error.name = 'AbortError';
  return error;
}

/** The command's process group (POSIX) or process tree (Windows), stopped as a whole. */
class ProcessGroup {
  private stopping = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly graceMs: number,
  ) {}

  hasMembers(): boolean {
    const pid = this.child.pid;
    if (pid === undefined || process.platform === 'win32') return false;
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  stop(): void {
    const pid = this.child.pid;
    if (pid === undefined || this.stopping) return;
    this.stopping = true;
    if (process.platform === 'win32') {
      // taskkill /T is the only way to reach the grandchildren of cmd.exe.
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => this.child.kill());
      return;
    }
    if (!this.signal(pid, 'SIGTERM')) return;
    const force = setTimeout(() => this.signal(pid, 'SIGKILL'), this.graceMs);
    force.unref();
  }

  /** False when nothing in the group is left to signal. */
  private signal(pid: number, signal: NodeJS.Signals): boolean {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Keeps the first and last halves of a stream beyond a byte limit: the start says what ran,
 * the end holds the error and the summary.
 */
export class HeadTailBuffer {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(private readonly limit: number) {}

  get truncated(): boolean {
    return this.total > this.limit;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const headRoom = Math.ceil(this.limit / 2) - this.headBytes;
    if (headRoom > 0) {
      const part = chunk.subarray(0, headRoom);
      this.head.push(part);
      this.headBytes += part.length;
      chunk = chunk.subarray(part.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    const tailLimit = Math.floor(this.limit / 2);
    while (this.tail.length > 1 && this.tailBytes - this.tail[0].length >= tailLimit) {
      this.tailBytes -= this.tail[0].length;
      this.tail.shift();
    }
  }

  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    if (!this.truncated) return head + Buffer.concat(this.tail).toString('utf8');
    const tailLimit = Math.floor(this.limit / 2);
    const tailBuffer = Buffer.concat(this.tail);
    const tail = tailBuffer.subarray(Math.max(0, tailBuffer.length - tailLimit)).toString('utf8');
    const omitted = this.total - this.headBytes - Math.min(tailBuffer.length, tailLimit);
    return `${head}\n[... ${omitted} bytes of output omitted ...]\n${tail}`;
  }
}
