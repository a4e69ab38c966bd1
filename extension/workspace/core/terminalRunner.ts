import { HeadTailBuffer, runShellCommand, type ShellCommandOptions } from '../../../agent/workspace/commandRunner';
import type { CommandResult } from '../../../agent/workspace/workspace';
import { splitUnfinishedEscape, stripTerminalEscapes } from '../../../agent/workspace/terminalEscapes';

/**
 * The parts of running agent commands that need no VS Code: turning what a terminal shows
 * into plain captured output, the child-process fallback (the agent's own runner), and the
 * text echoed into the pseudo-terminal so the user sees what ran when the real terminal
 * cannot report output. The VS Code terminals themselves live in agentTerminal.ts and
 * echoTerminal.ts.
 */

/** The name of the terminal the agent's commands run in, whichever way they run. */
export const AGENT_TERMINAL_NAME = 'Gemma Agent';

/**
 * Set in the agent's terminal as in the agent's child processes: no pager or password
 * prompt waits forever on a run nobody is typing into, and no colour codes reach the model.
 */
export const AGENT_TERMINAL_ENV: Readonly<Record<string, string>> = { NO_COLOR: '1', GIT_PAGER: 'cat', PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' };

/**
 * Terminal output as text: escape sequences removed even when a chunk boundary splits one,
 * and the terminal's CRLF line ends back to LF. A lone CR (a redrawn progress line) is left
 * for the run_command tool, which keeps only the last drawing of such a line.
 */
export class TerminalOutputCleaner {
  private pending = '';

  push(chunk: string): string {
    let text: string;
    [text, this.pending] = splitUnfinishedEscape(this.pending + chunk);
    // A CR at the very end may be the first half of a CRLF.
    if (text.endsWith('\r')) {
      this.pending = '\r' + this.pending;
      text = text.slice(0, -1);
    }
    return clean(text);
  }

  /** What is left at the end of the output (an unfinished sequence is dropped). */
  flush(): string {
    const rest = this.pending.startsWith('\r') ? '\r' : '';
    this.pending = '';
    return rest;
  }
}

function clean(text: string): string {
  return stripTerminalEscapes(text).replace(/\r\n/g, '\n');
}

/** Collects a command's output within the byte limit and streams it to the UI as it comes. */
export class CommandOutputCapture {
  private readonly cleaner = new TerminalOutputCleaner();
  private readonly buffer: HeadTailBuffer;

  constructor(
    maxOutputBytes: number,
    private readonly onOutput?: (chunk: string) => void,
  ) {
    this.buffer = new HeadTailBuffer(maxOutputBytes);
  }

  push(raw: string): void {
    this.take(this.cleaner.push(raw));
  }

  finish(): { output: string; truncated: boolean } {
    this.take(this.cleaner.flush());
    return { output: this.buffer.text(), truncated: this.buffer.truncated };
  }

  private take(text: string): void {
    if (text === '') return;
    this.buffer.push(Buffer.from(text, 'utf8'));
    try {
      this.onOutput?.(text);
    } catch {
      // A closed chat view must not stop the command's capture.
    }
  }
}

/**
 * The child-process fallback: the agent's runner (own process group, timeout that stops
 * everything the command started, head-and-tail output cap, AbortSignal), with everything
 * it prints also handed to `echo` for the pseudo-terminal.
 */
export function runInChildProcess(command: string, options: ShellCommandOptions, echo: (text: string) => void): Promise<CommandResult> {
  const onOutput = options.onOutput;
  return runShellCommand(command, {
    ...options,
    env: { ...AGENT_TERMINAL_ENV, ...options.env },
    onOutput: (chunk) => {
      echo(chunk);
      onOutput?.(chunk);
    },
  });
}

/** The lines a pseudo-terminal shows before a command: where it runs and what. */
export function echoCommandStart(command: string, cwd: string): string {
  return toTerminalText(`\x1b[2m${cwd}\x1b[0m\n\x1b[1m$ ${command}\x1b[0m\n`);
}

/** The line a pseudo-terminal shows after a command: how it ended. */
export function echoCommandEnd(result: { exitCode: number | null; timedOut: boolean } | { error: string }, seconds: number): string {
  const took = `${seconds.toFixed(1)} s`;
  let line: string;
  if ('error' in result) line = `\x1b[33m[${result.error}]\x1b[0m`;
  else if (result.timedOut) line = `\x1b[33m[timed out after ${took}; the command and what it started were stopped]\x1b[0m`;
  else if (result.exitCode === 0) line = `\x1b[2m[exit code 0, ${took}]\x1b[0m`;
  else line = `\x1b[31m[${result.exitCode === null ? 'ended by a signal' : `exit code ${result.exitCode}`}, ${took}]\x1b[0m`;
  return toTerminalText(`${line}\n\n`);
}

/** A pseudo-terminal is raw: every line end must be CRLF or lines run into each other. */
export function toTerminalText(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
