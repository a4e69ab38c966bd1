import * as path from 'node:path';
import type {
  CommandOptions,
  CommandResult,
  DiagnosticItem,
  DirEntry,
  FileChange,
  FileStat,
  SearchOptions,
  TextMatch,
  Workspace,
} from '../workspace/workspace';
import { errorMessage } from '../../engine/errors';

/** A file as it was before the run first changed it; `original` undefined: it did not exist. */
export interface CheckpointEntry {
  path: string;
  original: string | undefined;
}

export interface UndoReport {
  /** Files put back as they were (or deleted again when the run created them). */
  restored: string[];
  /** Files that could not be restored, with the reason; the user must check them by hand. */
  failed: Array<{ path: string; error: string }>;
}

/**
 * Remembers every file an agent run changes, as it was before the first change, so the
 * whole run can be undone in one go. Changes are seen by wrapping the Workspace the tools
 * use: whatever tool writes, it goes through applyChange, which records first. Files that a
 * command changes on its own are not seen.
 */
export class RunCheckpoint {
  /** The workspace for the tools: the same one, with every change recorded first. */
  readonly workspace: Workspace;
  private readonly originals = new Map<string, CheckpointEntry>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly inner: Workspace) {
    this.workspace = new RecordingWorkspace(inner, (file) => this.recordBefore(file));
  }

  /** Files changed so far, in the order they were first changed. */
  get entries(): readonly CheckpointEntry[] {
    return [...this.originals.values()];
  }

  get isEmpty(): boolean {
    return this.originals.size === 0;
  }

  /** Records the file's current content once; later changes keep the first record. */
  recordBefore(file: string): Promise<void> {
    const key = keyOf(file);
    if (this.originals.has(key)) return Promise.resolve();
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const recording = (async () => {
      const stat = await this.inner.stat(file);
      const original = stat?.type === 'file' ? await this.inner.readFile(file) : undefined;
      if (!this.originals.has(key)) this.originals.set(key, { path: key, original });
    })().finally(() => this.pending.delete(key));
    this.pending.set(key, recording);
    return recording;
  }

  /**
   * Puts every recorded file back: rewrites changed ones, recreates deleted ones, deletes
   * created ones. Goes on after a failure so one locked file does not block the rest.
   */
  async undoRun(): Promise<UndoReport> {
    const report: UndoReport = { restored: [], failed: [] };
    for (const entry of [...this.originals.values()].reverse()) {
      try {
        const now = await this.inner.stat(entry.path);
        if (entry.original === undefined) {
          if (now) await this.inner.applyChange({ kind: 'delete', path: entry.path });
        } else if (now) {
          await this.inner.applyChange({ kind: 'modify', path: entry.path, content: entry.original });
        } else {
          await this.inner.applyChange({ kind: 'create', path: entry.path, content: entry.original });
        }
        report.restored.push(entry.path);
        this.originals.delete(entry.path);
      } catch (error) {
        report.failed.push({ path: entry.path, error: errorMessage(error) });
      }
    }
    return report;
  }
}

/** "./src/a.ts" and "src//a.ts" are the same file. */
function keyOf(file: string): string {
  const normalised = path.posix.normalize(file.replace(/\\/g, '/'));
  return normalised.startsWith('./') ? normalised.slice(2) : normalised;
}

class RecordingWorkspace implements Workspace {
  constructor(
    private readonly inner: Workspace,
    private readonly record: (file: string) => Promise<void>,
  ) {}

  get root(): string {
    return this.inner.root;
  }

  get folders(): Workspace['folders'] {
    return this.inner.folders;
  }

  readFile(file: string): Promise<string> {
    return this.inner.readFile(file);
  }

  stat(file: string): Promise<FileStat | undefined> {
    return this.inner.stat(file);
  }

  listDir(dir: string): Promise<DirEntry[]> {
    return this.inner.listDir(dir);
  }

  findFiles(glob: string, maxResults: number): Promise<string[]> {
    return this.inner.findFiles(glob, maxResults);
  }

  searchText(query: string, options: SearchOptions): Promise<TextMatch[]> {
    return this.inner.searchText(query, options);
  }

  async applyChange(change: FileChange): Promise<void> {
    // A path the workspace refuses (outside the root) fails in stat/readFile here or in
    // applyChange below; either way nothing is written.
    await this.record(change.path);
    await this.inner.applyChange(change);
  }

  runCommand(command: string, options: CommandOptions): Promise<CommandResult> {
    return this.inner.runCommand(command, options);
  }

  diagnostics(file?: string): Promise<DiagnosticItem[]> {
    return this.inner.diagnostics(file);
  }

  get settledDiagnostics(): Workspace['settledDiagnostics'] {
    return this.inner.settledDiagnostics?.bind(this.inner);
  }
}
