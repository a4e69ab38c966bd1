import { errorMessage } from '../../engine/errors';
import * as vscode from 'vscode';
import type { ShellCommandOptions } from '../../agent/workspace/commandRunner';
import type { CommandOptions, CommandResult } from '../../agent/workspace/workspace';
import { AGENT_TERMINAL_NAME, echoCommandEnd, echoCommandStart, runInChildProcess, toTerminalText } from './core/terminalRunner';

/**
 * The fallback where the agent's terminal has no shell integration: commands run as child
 * processes, and this read-only pseudo-terminal of the same name shows what ran and printed.
 * Ctrl+C in it stops the running command.
 */
export class EchoTerminal implements vscode.Disposable {
  private readonly writes = new vscode.EventEmitter<string>();
  private readonly terminal: vscode.Terminal;
  private opened = false;
  private backlog: string[] = [];
  private onInterrupt: (() => void) | undefined;

  constructor(onClosed: () => void, name = AGENT_TERMINAL_NAME) {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.writes.event,
      open: () => {
        this.opened = true;
        for (const text of this.backlog.splice(0)) this.writes.fire(text);
      },
      close: () => {
        this.onInterrupt?.();
        this.writes.dispose();
        onClosed();
      },
      handleInput: (data) => {
        if (data === '\x03') this.onInterrupt?.();
      },
    };
    this.terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('hubot'), isTransient: true });
  }

  /** Runs a command as a child process in `cwd`, showing it and its output here. */
  async run(command: string, options: CommandOptions, cwd: string): Promise<CommandResult> {
    this.show();
    this.write(echoCommandStart(command, cwd));
    const stopByUser = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stopByUser.signal]) : stopByUser.signal;
    this.onInterrupt = () => stopByUser.abort(new Error('The command was stopped with Ctrl+C in the terminal.'));
    const started = Date.now();
    const childOptions: ShellCommandOptions = { ...options, signal, cwd };
    try {
      const result = await runInChildProcess(command, childOptions, (text) => this.write(toTerminalText(text)));
      this.write(echoCommandEnd(result, (Date.now() - started) / 1000));
      return result;
    } catch (error) {
      this.write(echoCommandEnd({ error: errorMessage(error) }, (Date.now() - started) / 1000));
      throw error;
    } finally {
      this.onInterrupt = undefined;
    }
  }

  show(): void {
    this.terminal.show(true);
  }

  write(text: string): void {
    if (this.opened) this.writes.fire(text);
    else this.backlog.push(text);
  }

  dispose(): void {
    this.terminal.dispose();
  }
}

