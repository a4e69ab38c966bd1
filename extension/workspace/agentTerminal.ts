import { errorMessage } from '../../engine/errors';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandOptions, CommandResult } from '../../agent/workspace/workspace';
import { AGENT_TERMINAL_ENV, AGENT_TERMINAL_NAME, CommandOutputCapture } from './core/terminalRunner';
import { EchoTerminal } from './echoTerminal';

/**
 * The "Gemma Agent" terminal: commands run in a real shell with shell integration, so the
 * user watches them and the agent reads their output and exit code. Where shell integration
 * does not come up (unsupported shell, a custom prompt that breaks it, turned off), commands
 * run as child processes and a pseudo-terminal of the same name shows what ran and printed.
 * One command at a time; later calls wait their turn.
 */
export class AgentTerminal implements vscode.Disposable {
  private shell: vscode.Terminal | undefined;
  private shellReady: Promise<vscode.TerminalShellIntegration | undefined> | undefined;
  private echo: EchoTerminal | undefined;
  private integrationFailed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly root: string,
    private readonly integrationTimeoutMs: number,
    private readonly log?: vscode.LogOutputChannel,
    /** Its name in the terminal list; a workspace of several folders has one per folder, named after it. */
    private readonly name = AGENT_TERMINAL_NAME,
  ) {
    this.disposables.push(
      vscode.window.onDidCloseTerminal((closed) => {
        if (closed === this.shell) this.forgetShell();
      }),
    );
  }

  run(command: string, options: CommandOptions): Promise<CommandResult> {
    const next = this.queue.then(() => this.runNow(command, options));
    this.queue = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    this.shell?.dispose();
    this.echo?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private async runNow(command: string, options: CommandOptions): Promise<CommandResult> {
    options.signal?.throwIfAborted();
    const integration = await this.shellIntegration();
    if (integration && this.shell) return this.runInShell(this.shell, integration, command, options);
    return this.runWithEcho(command, options);
  }

  private async shellIntegration(): Promise<vscode.TerminalShellIntegration | undefined> {
    if (this.integrationFailed || !vscode.workspace.getConfiguration('terminal.integrated').get<boolean>('shellIntegration.enabled', true)) return undefined;
    if (this.shell?.shellIntegration) return this.shell.shellIntegration;
    if (!this.shell) {
      const terminal = vscode.window.createTerminal({ name: this.name, cwd: this.root, env: { ...AGENT_TERMINAL_ENV }, iconPath: new vscode.ThemeIcon('hubot'), isTransient: true });
      this.shell = terminal;
      this.shellReady = waitForShellIntegration(terminal, this.integrationTimeoutMs);
    }
    const integration = await this.shellReady;
    if (!integration) {
      this.log?.warn(`Agent terminal: shell integration did not start within ${this.integrationTimeoutMs} ms; commands run as child processes and are shown in a plain "${this.name}" terminal.`);
      this.integrationFailed = true;
      this.shell?.dispose();
      this.forgetShell();
    }
    return integration;
  }

  private forgetShell(): void {
    this.shell = undefined;
    this.shellReady = undefined;
  }

  private async runInShell(terminal: vscode.Terminal, integration: vscode.TerminalShellIntegration, command: string, options: CommandOptions): Promise<CommandResult> {
    terminal.show(true);
    // The user may have typed `cd` in this terminal; the agent's commands run in the root.
    const cwd = integration.cwd;
    if (cwd && cwd.scheme === 'file' && !samePath(cwd.fsPath, this.root)) {
      await this.execute(terminal, integration, `cd ${quoteForShell(this.root, terminal.state.shell)}`, { timeoutMs: 5000, maxOutputBytes: 1000 });
    }
    return this.execute(terminal, integration, command, options);
  }

  private execute(terminal: vscode.Terminal, integration: vscode.TerminalShellIntegration, command: string, options: CommandOptions): Promise<CommandResult> {
    return new Promise<CommandResult>((resolve, reject) => {
      const capture = new CommandOutputCapture(options.maxOutputBytes, options.onOutput);
      let timedOut = false;
      let settled = false;
      let reading: Promise<void> = Promise.resolve();
      const cleanup: vscode.Disposable[] = [];
      const settle = async (exitCode: number | null): Promise<void> => {
        if (settled) return;
        settled = true;
        for (const d of cleanup) d.dispose();
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        // The output stream closes with the execution; do not wait on a stuck one for long.
        await Promise.race([reading, delay(1000)]);
        if (options.signal?.aborted) {
          reject(options.signal.reason instanceof Error ? options.signal.reason : new Error('The command was cancelled.'));
          return;
        }
        const { output, truncated } = capture.finish();
        resolve({ exitCode: timedOut ? null : exitCode, output, truncated, timedOut, via: 'terminal' });
      };

      let execution: vscode.TerminalShellExecution | undefined;
      cleanup.push(
        vscode.window.onDidEndTerminalShellExecution((event) => {
          if (event.execution === execution) void settle(event.exitCode ?? null);
        }),
        // `exit 3` in the command ends the shell itself; its exit status is the command's.
        vscode.window.onDidCloseTerminal((closed) => {
          if (closed === terminal) void settle(closed.exitStatus?.code ?? null);
        }),
      );
      // Ctrl+C first, as a user would; a shell that does not return gets closed.
      const interrupt = (): void => {
        terminal.sendText('\x03', false);
        setTimeout(() => {
          if (!settled) {
            terminal.dispose();
            void settle(null);
          }
        }, 2000);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        interrupt();
      }, options.timeoutMs);
      const onAbort = (): void => interrupt();
      options.signal?.addEventListener('abort', onAbort, { once: true });

      try {
        execution = integration.executeCommand(command);
      } catch (error) {
        settled = true;
        for (const d of cleanup) d.dispose();
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        reject(new Error(`The terminal could not run the command: ${errorMessage(error)}`));
        return;
      }
      // read() only sees data written after its first call: call it at once.
      const stream = execution.read();
      reading = (async () => {
        for await (const data of stream) capture.push(data);
      })().catch(() => undefined);
    });
  }

  private runWithEcho(command: string, options: CommandOptions): Promise<CommandResult> {
    this.echo ??= new EchoTerminal(() => (this.echo = undefined), this.name);
    return this.echo.run(command, options, this.root);
  }
}

function waitForShellIntegration(terminal: vscode.Terminal, timeoutMs: number): Promise<vscode.TerminalShellIntegration | undefined> {
  if (terminal.shellIntegration) return Promise.resolve(terminal.shellIntegration);
  return new Promise((resolve) => {
    const done = (value: vscode.TerminalShellIntegration | undefined): void => {
      listener.dispose();
      closed.dispose();
      clearTimeout(timer);
      resolve(value);
    };
    const listener = vscode.window.onDidChangeTerminalShellIntegration((event) => {
      if (event.terminal === terminal) done(event.shellIntegration);
    });
    const closed = vscode.window.onDidCloseTerminal((t) => {
      if (t === terminal) done(undefined);
    });
    const timer = setTimeout(() => done(terminal.shellIntegration), timeoutMs);
  });
}

/** Quotes a folder for a `cd` in the terminal's shell (POSIX shells, PowerShell, cmd). */
function quoteForShell(value: string, shell: string | undefined): string {
  if (shell === 'pwsh') return `'${value.replace(/'/g, "''")}'`;
  if (shell === 'cmd') return `/d "${value}"`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function samePath(a: string, b: string): boolean {
  const caseless = process.platform === 'win32' || process.platform === 'darwin';
  const norm = (p: string): string => (caseless ? path.resolve(p).toLowerCase() : path.resolve(p));
  return norm(a) === norm(b);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
