import { spawn, type ChildProcess } from 'node:child_process';

export interface Finished {
  code: number | null;
  /** The signal that ended it, e.g. SIGINT after Ctrl+C. */
  signal: NodeJS.Signals | null;
  output: string;
  /** True when the run was stopped by us (after `until` matched or the limit passed). */
  stopped: boolean;
  /** What `until` matched, if it did. */
  matched?: RegExpMatchArray;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  limitS: number;
  /** Stop the run as soon as its output matches (a long-running command proved it started). */
  until?: RegExp;
  /** How to stop it once `until` matched: SIGINT is Ctrl+C, which `npm start` answers by shutting down. */
  stopSignal?: NodeJS.Signals;
  /** Called with the match before the run is stopped. */
  onMatch?: (match: RegExpMatchArray) => Promise<void>;
}

/**
 * Runs one command line through bash in its own process group, so stopping it ends
 * everything it started. Past the limit the group is killed and the run counts as stopped.
 */
export function runCommandLine(command: string, options: RunOptions): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stopped = false;
    let matched: RegExpMatchArray | undefined;
    let checking = false;
    const stop = (signal: NodeJS.Signals): void => {
      stopped = true;
      signalGroup(child, signal);
      setTimeout(() => signalGroup(child, 'SIGKILL'), 20_000).unref();
    };
    const limit = setTimeout(() => stop('SIGTERM'), options.limitS * 1000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (!options.until || matched || checking) return;
      const m = options.until.exec(output);
      if (!m) return;
      checking = true;
      const done = (): void => {
        matched = m;
        stop(options.stopSignal ?? 'SIGTERM');
      };
      if (options.onMatch) options.onMatch(m).then(done, (err: Error) => {
        output += `\n[check failed: ${err.message}]\n`;
        done();
      });
      else done();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      // Whatever of the group outlived the command would go on writing after the test moved on.
      signalGroup(child, 'SIGKILL');
      resolve({ code, signal, output, stopped, matched });
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
}
