import { constants as fsConstants, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ShellCommandOptions } from '../agent/commandRunner';
import { globFilter } from '../agent/fileWalk';
import { FileTooLargeError } from '../agent/fsWorkspace';
import { ALWAYS_SKIPPED, IgnoreRules } from '../agent/gitignore';
import { resolveInsideWorkspace, toWorkspaceRelative } from '../agent/pathSafety';
import { searchOnDisk } from '../agent/diskSearch';
import { findRipgrep, type RipgrepSearch } from '../agent/ripgrep';
import type {
  CommandOptions,
  CommandResult,
  DiagnosticItem,
  DirEntry,
  EntryType,
  FileChange,
  FileStat,
  SearchOptions,
  Severity,
  TextMatch,
  Workspace,
} from '../agent/workspace';
import { AGENT_TERMINAL_ENV, CommandOutputCapture, echoCommandEnd, echoCommandStart, runInChildProcess, toTerminalText } from './terminalRunner';
import { errorMessage } from '../engine/errors';

export interface VsCodeWorkspaceOptions {
  /** Largest file readFile returns (bytes). Default 4 MiB. */
  maxReadBytes?: number;
  /** How long a new terminal gets to activate shell integration before the fallback runs. Default 4 s. */
  shellIntegrationTimeoutMs?: number;
  log?: vscode.LogOutputChannel;
}

export const AGENT_TERMINAL_NAME = 'Gemma Agent';

const DEFAULT_MAX_READ_BYTES = 4 * 1024 * 1024;
/** findFiles asks VS Code for more than wanted, since .gitignore filtering removes some afterwards. */
const FIND_FILES_OVERFETCH = 4;
const FIND_FILES_CEILING = 20_000;
const BINARY_SNIFF_BYTES = 8192;

/**
 * The agent's Workspace over the VS Code API: reads see unsaved editor text, edits go
 * through WorkspaceEdit (they join the undo stack and never write behind a dirty editor),
 * commands run in a visible "Gemma Agent" terminal, diagnostics come from the language
 * servers. Every path goes through the agent's path safety first.
 */
export class VsCodeWorkspace implements Workspace, vscode.Disposable {
  readonly root: string;
  private readonly rootUri: vscode.Uri;
  private readonly maxReadBytes: number;
  private readonly terminal: AgentTerminal;
  private ripgrep: Promise<string | undefined> | undefined;

  /** The first folder of the window, or undefined when no local folder is open. */
  static forFirstFolder(options: VsCodeWorkspaceOptions = {}): VsCodeWorkspace | undefined {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    return folder ? new VsCodeWorkspace(folder.uri.fsPath, options) : undefined;
  }

  constructor(root: string, options: VsCodeWorkspaceOptions = {}) {
    this.root = path.resolve(root);
    this.rootUri = vscode.Uri.file(this.root);
    this.maxReadBytes = options.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;
    this.terminal = new AgentTerminal(this.root, options.shellIntegrationTimeoutMs ?? 4000, options.log);
  }

  dispose(): void {
    this.terminal.dispose();
  }

  async readFile(relative: string): Promise<string> {
    const uri = this.uri(relative);
    const open = this.openDocument(uri);
    if (open) {
      const text = open.getText();
      const size = Buffer.byteLength(text, 'utf8');
      if (size > this.maxReadBytes) throw new FileTooLargeError(this.display(uri), size, this.maxReadBytes);
      return text;
    }
    const info = await this.statOrThrow(uri);
    if (!(info.type & vscode.FileType.File)) throw new Error(`${this.display(uri)} is a folder, not a file.`);
    if (info.size > this.maxReadBytes) throw new FileTooLargeError(this.display(uri), info.size, this.maxReadBytes);
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
      throw new Error(`${this.display(uri)} is a binary file (${info.size} bytes); only text files can be read.`);
    }
    return new TextDecoder('utf-8').decode(bytes);
  }

  async stat(relative: string): Promise<FileStat | undefined> {
    const uri = this.uri(relative);
    try {
      const info = await vscode.workspace.fs.stat(uri);
      return { type: statType(info.type), size: info.size };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async listDir(relative: string): Promise<DirEntry[]> {
    const uri = this.uri(relative);
    const info = await this.statOrThrow(uri);
    if (!(info.type & vscode.FileType.Directory)) throw new Error(`${this.display(uri)} is a file, not a folder.`);
    const entries = await vscode.workspace.fs.readDirectory(uri);
    return entries
      .map(([name, type]): DirEntry => ({ name, type: entryType(type) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * VS Code's file search applies files.exclude when no exclude is given; .gitignore is
   * applied here afterwards, the way search.useIgnoreFiles does for the Search view.
   */
  async findFiles(glob: string, maxResults: number): Promise<string[]> {
    if (maxResults <= 0) return [];
    const base = globFilter(glob).base;
    if (base !== '') resolveInsideWorkspace(this.root, base);
    const pattern = new vscode.RelativePattern(this.rootUri, glob.replace(/^\.\//, ''));
    const fetch = Math.min(FIND_FILES_CEILING, maxResults * FIND_FILES_OVERFETCH + 100);
    const uris = await vscode.workspace.findFiles(pattern, undefined, fetch);
    const ignored = new IgnoreCheck(this.root);
    const found: string[] = [];
    for (const uri of uris) {
      const relative = this.relativeOrUndefined(uri);
      if (relative === undefined || (await ignored.file(relative))) continue;
      found.push(relative);
    }
    return found.sort().slice(0, maxResults);
  }

  async searchText(query: string, options: SearchOptions): Promise<TextMatch[]> {
    const { matches, search } = await searchOnDisk(this.root, query, options, this.maxReadBytes, await this.findRipgrep());
    return this.withUnsavedText(matches, search);
  }

  async applyChange(change: FileChange): Promise<void> {
    const uri = this.uri(change.path);
    const name = this.display(uri);
    const existing = await this.statOrUndefined(uri);
    const edit = new vscode.WorkspaceEdit();
    const metadata: vscode.WorkspaceEditEntryMetadata = { label: `Gemma Agent: ${change.kind} ${name}`, needsConfirmation: false };
    switch (change.kind) {
      case 'create': {
        if (existing) throw new Error(`${name} already exists; it was not overwritten.`);
        // Undo of a created file deletes it again.
        edit.createFile(uri, { overwrite: false, contents: new TextEncoder().encode(change.content) }, metadata);
        await this.apply(edit, name);
        return;
      }
      case 'modify': {
        if (!existing) throw new Error(`${name} does not exist, so it cannot be modified.`);
        if (!(existing.type & vscode.FileType.File)) throw new Error(`${name} is a folder, not a file.`);
        // Through the document, never the disk: an editor with unsaved text stays in charge of it.
        const document = this.openDocument(uri) ?? (await vscode.workspace.openTextDocument(uri));
        if (document.getText() !== change.content) {
          const whole = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
          edit.replace(uri, whole, change.content, metadata);
          await this.apply(edit, name);
        }
        // Commands the agent runs next (tests, builds) read the file from disk.
        // save() can report false while the text did reach the disk (a save racing with the
        // file watcher); only a disk that still differs is a failure.
        if (document.isDirty && !(await document.save()) && !(await this.diskHas(uri, change.content))) {
          throw new Error(`${name} was changed in the editor but could not be saved. Save it by hand, or check that the file is writable.`);
        }
        return;
      }
      case 'delete': {
        if (!existing) throw new Error(`${name} does not exist, so it cannot be deleted.`);
        if (existing.type & vscode.FileType.Directory) throw new Error(`${name} is a folder; only files are deleted.`);
        if (this.openDocument(uri)?.isDirty) {
          throw new Error(`${name} has unsaved changes in an editor, so it was not deleted. Save or revert them first.`);
        }
        edit.deleteFile(uri, { recursive: false, ignoreIfNotExists: false }, metadata);
        await this.apply(edit, name);
        return;
      }
    }
  }

  runCommand(command: string, options: CommandOptions): Promise<CommandResult> {
    return this.terminal.run(command, options);
  }

  async diagnostics(relative?: string): Promise<DiagnosticItem[]> {
    const pairs: [vscode.Uri, readonly vscode.Diagnostic[]][] = [];
    if (relative === undefined) pairs.push(...vscode.languages.getDiagnostics());
    else {
      const uri = this.uri(relative);
      pairs.push([uri, vscode.languages.getDiagnostics(uri)]);
    }
    const items: DiagnosticItem[] = [];
    for (const [uri, diagnostics] of pairs) {
      const file = this.relativeOrUndefined(uri);
      if (file === undefined) continue;
      for (const d of diagnostics) {
        items.push({
          path: file,
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
          severity: SEVERITY[d.severity],
          message: d.message,
          source: d.source,
        });
      }
    }
    return items;
  }

  private uri(relative: string): vscode.Uri {
    return vscode.Uri.file(resolveInsideWorkspace(this.root, relative));
  }

  private display(uri: vscode.Uri): string {
    return this.relativeOrUndefined(uri) ?? uri.fsPath;
  }

  /** Workspace-relative path of a file URI inside the root; undefined for anything else. */
  private relativeOrUndefined(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file') return undefined;
    try {
      return toWorkspaceRelative(this.root, uri.fsPath);
    } catch {
      return undefined;
    }
  }

  private openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
    const key = uri.toString();
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
  }

  private async diskHas(uri: vscode.Uri, content: string): Promise<boolean> {
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)) === content;
    } catch {
      return false;
    }
  }

  private async statOrUndefined(uri: vscode.Uri): Promise<vscode.FileStat | undefined> {
    try {
      return await vscode.workspace.fs.stat(uri);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async statOrThrow(uri: vscode.Uri): Promise<vscode.FileStat> {
    const info = await this.statOrUndefined(uri);
    if (!info) throw new Error(`${this.display(uri)} does not exist.`);
    return info;
  }

  private async apply(edit: vscode.WorkspaceEdit, name: string): Promise<void> {
    if (!(await vscode.workspace.applyEdit(edit))) {
      throw new Error(`VS Code did not apply the change to ${name} (the file may be read-only, or changed on disk meanwhile). Check the file and try again.`);
    }
  }

  /**
   * ripgrep reads the disk; an editor with unsaved text is what the user sees. Matches in
   * such files are taken from the editor's text instead.
   */
  private async withUnsavedText(onDisk: TextMatch[], search: RipgrepSearch): Promise<TextMatch[]> {
    const filter = search.glob ? globFilter(search.glob) : undefined;
    const ignored = new IgnoreCheck(this.root);
    const dirty = new Map<string, vscode.TextDocument>();
    for (const document of vscode.workspace.textDocuments) {
      if (!document.isDirty) continue;
      const file = this.relativeOrUndefined(document.uri);
      if (file === undefined || (filter && !filter.matches(file)) || (await ignored.file(file))) continue;
      dirty.set(file, document);
    }
    if (dirty.size === 0) return onDisk;
    const pattern = searchRegExp(search);
    if (!pattern) return onDisk;
    const merged = onDisk.filter((m) => !dirty.has(m.path));
    for (const [file, document] of dirty) {
      for (let line = 0; line < document.lineCount; line++) {
        const text = document.lineAt(line).text;
        pattern.lastIndex = 0;
        if (pattern.test(text)) merged.push({ path: file, line: line + 1, text });
      }
    }
    merged.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
    return merged.slice(0, search.maxResults);
  }

  /** VS Code's own ripgrep first (a known version), then `rg` on PATH; none means the JavaScript scan. */
  private findRipgrep(): Promise<string | undefined> {
    this.ripgrep ??= bundledRipgrep().then((bundled) => bundled ?? findRipgrep(process.env));
    return this.ripgrep;
  }
}

/**
 * The "Gemma Agent" terminal: commands run in a real shell with shell integration, so the
 * user watches them and the agent reads their output and exit code. Where shell integration
 * does not come up (unsupported shell, a custom prompt that breaks it, turned off), commands
 * run as child processes and a pseudo-terminal of the same name shows what ran and printed.
 * One command at a time; later calls wait their turn.
 */
class AgentTerminal implements vscode.Disposable {
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
      const terminal = vscode.window.createTerminal({ name: AGENT_TERMINAL_NAME, cwd: this.root, env: { ...AGENT_TERMINAL_ENV }, iconPath: new vscode.ThemeIcon('hubot'), isTransient: true });
      this.shell = terminal;
      this.shellReady = waitForShellIntegration(terminal, this.integrationTimeoutMs);
    }
    const integration = await this.shellReady;
    if (!integration) {
      this.log?.warn(`Agent terminal: shell integration did not start within ${this.integrationTimeoutMs} ms; commands run as child processes and are shown in a plain "${AGENT_TERMINAL_NAME}" terminal.`);
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

  private async runWithEcho(command: string, options: CommandOptions): Promise<CommandResult> {
    this.echo ??= new EchoTerminal(() => (this.echo = undefined));
    const echo = this.echo;
    echo.show();
    echo.write(echoCommandStart(command, this.root));
    const stopByUser = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stopByUser.signal]) : stopByUser.signal;
    echo.onInterrupt = () => stopByUser.abort(new Error('The command was stopped with Ctrl+C in the terminal.'));
    const started = Date.now();
    const childOptions: ShellCommandOptions = { ...options, signal, cwd: this.root };
    try {
      const result = await runInChildProcess(command, childOptions, (text) => echo.write(toTerminalText(text)));
      echo.write(echoCommandEnd(result, (Date.now() - started) / 1000));
      return result;
    } catch (error) {
      echo.write(echoCommandEnd({ error: errorMessage(error) }, (Date.now() - started) / 1000));
      throw error;
    } finally {
      echo.onInterrupt = undefined;
    }
  }
}

/** A read-only terminal that shows commands run as child processes; Ctrl+C in it stops the running one. */
class EchoTerminal implements vscode.Disposable {
  private readonly writes = new vscode.EventEmitter<string>();
  private readonly terminal: vscode.Terminal;
  private opened = false;
  private backlog: string[] = [];
  onInterrupt: (() => void) | undefined;

  constructor(onClosed: () => void) {
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
    this.terminal = vscode.window.createTerminal({ name: AGENT_TERMINAL_NAME, pty, iconPath: new vscode.ThemeIcon('hubot'), isTransient: true });
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

/** Where VS Code keeps its ripgrep (inside or beside node_modules.asar), if this build has one. */
async function bundledRipgrep(): Promise<string | undefined> {
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  for (const modules of ['node_modules', 'node_modules.asar.unpacked']) {
    const candidate = path.join(vscode.env.appRoot, modules, '@vscode', 'ripgrep', 'bin', exe);
    try {
      await fsp.access(candidate, process.platform === 'win32' ? fsConstants.F_OK : fsConstants.X_OK);
      return candidate;
    } catch {
      // Not in this build.
    }
  }
  return undefined;
}

/** The agent's search semantics for text in an editor: literal unless regex, smart case. */
function searchRegExp(search: RipgrepSearch): RegExp | undefined {
  const insensitive = search.caseSensitive === undefined ? search.query === search.query.toLowerCase() : !search.caseSensitive;
  const source = search.regex ? search.query : search.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  try {
    return new RegExp(source, insensitive ? 'i' : '');
  } catch {
    return undefined;
  }
}

/** .gitignore (and .ignore, .rgignore) rules for paths VS Code found, loaded once per folder. */
class IgnoreCheck {
  private readonly rules = new Map<string, Promise<IgnoreRules>>();
  private readonly dirs = new Map<string, Promise<boolean>>();

  constructor(private readonly root: string) {}

  async file(relative: string): Promise<boolean> {
    const dir = path.posix.dirname(relative);
    const parent = dir === '.' ? '' : dir;
    if (await this.dir(parent)) return true;
    return (await this.rulesFor(parent)).ignores(relative, false);
  }

  private dir(dir: string): Promise<boolean> {
    if (dir === '') return Promise.resolve(false);
    let verdict = this.dirs.get(dir);
    if (!verdict) {
      const up = path.posix.dirname(dir);
      const parent = up === '.' ? '' : up;
      verdict = (async () => ALWAYS_SKIPPED.has(path.posix.basename(dir)) || (await this.dir(parent)) || (await this.rulesFor(parent)).ignores(dir, true))();
      this.dirs.set(dir, verdict);
    }
    return verdict;
  }

  private rulesFor(dir: string): Promise<IgnoreRules> {
    let rules = this.rules.get(dir);
    if (!rules) {
      if (dir === '') rules = IgnoreRules.atRoot(this.root);
      else {
        const up = path.posix.dirname(dir);
        rules = this.rulesFor(up === '.' ? '' : up).then((parent) => parent.enter(dir));
      }
      this.rules.set(dir, rules);
    }
    return rules;
  }
}

const SEVERITY: Record<vscode.DiagnosticSeverity, Severity> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** Links are followed, as the file-system workspace does; a dangling one stays a symlink. */
function statType(type: vscode.FileType): EntryType {
  if (type & vscode.FileType.Directory) return 'directory';
  if (type & vscode.FileType.File) return 'file';
  if (type & vscode.FileType.SymbolicLink) return 'symlink';
  return 'other';
}

/** Directory listings show links as links, as the file-system workspace does. */
function entryType(type: vscode.FileType): EntryType {
  if (type & vscode.FileType.SymbolicLink) return 'symlink';
  if (type & vscode.FileType.Directory) return 'directory';
  if (type & vscode.FileType.File) return 'file';
  return 'other';
}

/** A missing file, or a path through something that is not a folder. */
function isNotFound(error: unknown): boolean {
  const code = error instanceof vscode.FileSystemError ? error.code : (error as { code?: unknown } | undefined)?.code;
  return code === 'FileNotFound' || code === 'FileNotADirectory' || code === 'ENOENT' || code === 'ENOTDIR';
}

function samePath(a: string, b: string): boolean {
  const caseless = process.platform === 'win32' || process.platform === 'darwin';
  const norm = (p: string): string => (caseless ? path.resolve(p).toLowerCase() : path.resolve(p));
  return norm(a) === norm(b);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
