import type { GeneratedFile } from '../../../agent/screenshotToCode';
import type { RunCheckpoint } from '../../../agent/checkpoint/runCheckpoint';
import { type OutputLocation, toWorkspacePath } from './outputLocation';

export interface CheckpointWriterOptions {
  checkpoint: RunCheckpoint;
  location: OutputLocation;
  /** Existing workspace paths the user already agreed to overwrite. */
  approved: Iterable<string>;
  /**
   * Asked when the model names an existing file nobody agreed to overwrite (a React
   * project's own stylesheet, say). False: that file is left alone.
   */
  confirmOverwrite: (workspacePath: string) => Promise<boolean>;
  onSkipped?: (workspacePath: string) => void;
}

/**
 * The writeFiles of the self-check loop: every file goes through the checkpoint's
 * workspace (VS Code's WorkspaceEdit underneath), so each write is on the editor's undo
 * stack and the whole run can be undone from its first original.
 */
export class CheckpointWriter {
  /** Workspace paths written so far, in order; what the run produced. */
  readonly written: string[] = [];
  /** What this run last wrote to each path, to tell later edits from its own before undoing. */
  readonly lastContent = new Map<string, string>();
  private readonly allowed: Set<string>;
  private readonly refused = new Set<string>();

  constructor(private readonly options: CheckpointWriterOptions) {
    this.allowed = new Set(options.approved);
  }

  /** Workspace paths whose content is no longer what this run wrote (edited since, or another run). */
  async changedSince(): Promise<string[]> {
    const changed: string[] = [];
    for (const [file, content] of this.lastContent) {
      const now = (await this.options.checkpoint.workspace.stat(file)) ? await this.options.checkpoint.workspace.readFile(file).catch(() => undefined) : undefined;
      if (now !== content) changed.push(file);
    }
    return changed;
  }

  readonly writeFiles = async (files: GeneratedFile[]): Promise<void> => {
    const workspace = this.options.checkpoint.workspace;
    for (const file of files) {
      const target = toWorkspacePath(this.options.location, file.path);
      if (this.refused.has(target)) continue;
      const existing = await workspace.stat(target);
      if (existing && existing.type !== 'file') {
        throw new Error(`The model wrote ${target}, but a folder of that name is in the way. Rename the folder, or run again with another screenshot name.`);
      }
      if (existing && !this.allowed.has(target)) {
        if (!(await this.options.confirmOverwrite(target))) {
          this.refused.add(target);
          this.options.onSkipped?.(target);
          continue;
        }
      }
      await workspace.applyChange(existing ? { kind: 'modify', path: target, content: file.content } : { kind: 'create', path: target, content: file.content });
      // Later rounds rewrite their own files without asking again.
      this.allowed.add(target);
      this.lastContent.set(target, file.content);
      if (!this.written.includes(target)) this.written.push(target);
    }
  };
}
