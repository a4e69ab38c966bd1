import { constants as fsConstants, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { globFilter, isUnderAny } from '../../agent/workspace/fileWalk';
import { FileTooLargeError } from '../../agent/workspace/fsWorkspace';
import { IgnoreCheck } from '../../agent/workspace/gitignore';
import { landedInside, PathSafetyError, resolveInsideWorkspace, toWorkspaceRelative, writeTarget } from '../../agent/workspace/pathSafety';
import { searchOnDisk } from '../../agent/workspace/diskSearch';
import { findRipgrep, type RipgrepSearch } from '../../agent/workspace/ripgrep';
import { searchRegExp } from '../../agent/workspace/textScan';
import type {
  CommandOptions,
  CommandResult,
  DiagnosticItem,
  DirEntry,
  EntryType,
  FileChange,
  FileStat,
  FindOptions,
  SearchOptions,
  Severity,
  TextMatch,
  Workspace,
} from '../../agent/workspace/workspace';
import { AgentTerminal } from './agentTerminal';

export interface VsCodeWorkspaceOptions {
  /** Largest file readFile returns (bytes). Default 4 MiB. */
  maxReadBytes?: number;
  /** How long a new terminal gets to activate shell integration before the fallback runs. Default 4 s. */
  shellIntegrationTimeoutMs?: number;
  log?: vscode.LogOutputChannel;
  /** The name of the agent's terminal (default "Gemma Agent"). */
  terminalName?: string;
}

const DEFAULT_MAX_READ_BYTES = 4 * 1024 * 1024;
/** findFiles asks VS Code for more than wanted, since .gitignore filtering removes some afterwards. */
const FIND_FILES_OVERFETCH = 4;
const FIND_FILES_CEILING = 20_000;
const BINARY_SNIFF_BYTES = 8192;
/** After an edit: how long to wait for the first problem report, and for quiet after the last. */
const DIAGNOSTICS_FIRST_REPORT_MS = 3000;
const DIAGNOSTICS_FIRST_SERVER_MS = 15_000;
const DIAGNOSTICS_QUIET_MS = 400;
/** Languages no server checks: an edit of them does not wait for a report. */
const UNCHECKED_LANGUAGES = new Set(['plaintext', 'markdown', 'log', 'ignore']);

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
  /** Per language: whether a language server reports problems for its files (learnt on the first edit). */
  private readonly checkedLanguages = new Map<string, boolean>();
  private readonly log: vscode.LogOutputChannel | undefined;

  constructor(root: string, options: VsCodeWorkspaceOptions = {}) {
    this.root = path.resolve(root);
    this.rootUri = vscode.Uri.file(this.root);
    this.maxReadBytes = options.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;
    this.terminal = new AgentTerminal(this.root, options.shellIntegrationTimeoutMs ?? 4000, options.log, options.terminalName);
    this.log = options.log;
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

  /**
   * The start of a file, at most `maxChars` characters, without reading the rest: what an
   * @-mention shows the model. Unsaved editor text counts, as in readFile.
   */
  async readHead(relative: string, maxChars: number): Promise<{ text: string; truncated: boolean; languageId?: string }> {
    const uri = this.uri(relative);
    const open = this.openDocument(uri);
    if (open) {
      const text = open.getText();
      return { text: text.slice(0, maxChars), truncated: text.length > maxChars, languageId: open.languageId };
    }
    const info = await this.statOrThrow(uri);
    if (!(info.type & vscode.FileType.File)) throw new Error(`${this.display(uri)} is a folder, not a file.`);
    // UTF-8 takes at most 4 bytes a character: this many bytes always hold maxChars of them.
    const handle = await fsp.open(uri.fsPath, fsConstants.O_RDONLY);
    try {
      const buffer = Buffer.alloc(Math.min(info.size, maxChars * 4));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      const bytes = buffer.subarray(0, bytesRead);
      if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) throw new Error(`${this.display(uri)} is a binary file; only text files can be mentioned.`);
      const text = new TextDecoder('utf-8').decode(bytes);
      return { text: text.slice(0, maxChars), truncated: text.length > maxChars || bytesRead < info.size };
    } finally {
      await handle.close();
    }
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
  async findFiles(glob: string, maxResults: number, options: FindOptions = {}): Promise<string[]> {
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
      // A folder of the window nested in this one lists its files under its own name.
      if (relative === undefined || (options.skip && isUnderAny(relative, options.skip)) || (await ignored.file(relative))) continue;
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
    // The path check was made when the tool described the change; a folder swapped for a
    // symlink since then is refused here, and a swap during the write is reported after it.
    await writeTarget(this.root, uri.fsPath);
    await this.applyChecked(change, uri, name);
    if (change.kind !== 'delete' && !(await landedInside(this.root, uri.fsPath))) {
      throw new PathSafetyError(
        'redirected',
        `${name} was redirected outside the workspace while it was being written (a folder on its path became a symlink). Check the folder and the file it now leads to.`,
        { requested: change.path, root: this.root },
      );
    }
  }

  private async applyChecked(change: FileChange, uri: vscode.Uri, name: string): Promise<void> {
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

  /**
   * The file's problems once its language server has looked at it after a change: the first
   * report for it is awaited, then 400 ms without another, all within `timeoutMs`. Language
   * servers check open documents (TypeScript only those shown), so the file is opened in a
   * preview tab first. Whether a
   * language has a server is learnt per window: the first file of a language may wait up to
   * 15 s (a server that is still starting); a language that never reports is not waited for
   * again, and one that does gets 3 s for its first report.
   */
  async settledDiagnostics(relative: string, options: { timeoutMs: number; signal?: AbortSignal; changed?: boolean }): Promise<DiagnosticItem[]> {
    const uri = this.uri(relative);
    const open = this.openDocument(uri);
    // An open, unchanged document has its report already.
    if (open && options.changed === false) return this.diagnostics(relative);
    const document = open ?? (await vscode.workspace.openTextDocument(uri).then((d) => d, () => undefined));
    const checked = document ? this.checkedLanguages.get(document.languageId) : false;
    if (!document || checked === false || UNCHECKED_LANGUAGES.has(document.languageId)) return this.diagnostics(relative);
    // The TypeScript server checks the files shown in editors; a file the agent edits is
    // shown in a preview tab (the focus stays where it was), which also lets the user see it.
    if (!vscode.window.visibleTextEditors.some((e) => e.document === document)) {
      await vscode.window.showTextDocument(document, { preview: true, preserveFocus: true }).then(
        () => undefined,
        () => undefined,
      );
    }
    const key = uri.toString();
    const firstReportMs = checked === true ? DIAGNOSTICS_FIRST_REPORT_MS : DIAGNOSTICS_FIRST_SERVER_MS;
    const reported = await new Promise<boolean>((resolve) => {
      let quiet: NodeJS.Timeout | undefined;
      let seen = false;
      const finish = (): void => {
        subscription.dispose();
        clearTimeout(quiet);
        clearTimeout(firstReport);
        clearTimeout(limit);
        options.signal?.removeEventListener('abort', finish);
        resolve(seen);
      };
      const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
        if (!event.uris.some((u) => u.toString() === key)) return;
        seen = true;
        clearTimeout(firstReport);
        clearTimeout(quiet);
        quiet = setTimeout(finish, DIAGNOSTICS_QUIET_MS);
      });
      const firstReport = setTimeout(finish, firstReportMs);
      const limit = setTimeout(finish, Math.max(options.timeoutMs, firstReportMs + DIAGNOSTICS_QUIET_MS));
      options.signal?.addEventListener('abort', finish, { once: true });
    });
    if (reported) this.checkedLanguages.set(document.languageId, true);
    // A clean file may get no report at all, so only a change without one says "no server".
    else if (checked === undefined && options.changed !== false && !options.signal?.aborted) this.checkedLanguages.set(document.languageId, false);
    const found = await this.diagnostics(relative);
    this.log?.info(`Problems of ${relative} (${document.languageId}) ${options.changed === false ? 'before' : 'after'} the change: ${found.length}${reported ? '' : ', no report came'}`);
    return found;
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

  /** The file URI of a workspace path; throws for anything outside the workspace. */
  uri(relative: string): vscode.Uri {
    return vscode.Uri.file(resolveInsideWorkspace(this.root, relative));
  }

  private display(uri: vscode.Uri): string {
    return this.relativeOrUndefined(uri) ?? uri.fsPath;
  }

  /** Workspace-relative path of a file URI inside the root; undefined for anything else. */
  relativeOrUndefined(uri: vscode.Uri): string | undefined {
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
      if (file === undefined || (filter && !filter.matches(file)) || (search.skip && isUnderAny(file, search.skip)) || (await ignored.file(file))) continue;
      dirty.set(file, document);
    }
    if (dirty.size === 0) return onDisk;
    let pattern: RegExp;
    try {
      pattern = searchRegExp(search);
    } catch {
      return onDisk;
    }
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
