/**
 * What the agent can see and do in the user's project. Two implementations exist: one over
 * the VS Code API (extension/, where edits join the undo stack and unsaved buffers are
 * respected) and one over the plain file system and child processes (headless runner, tests).
 * Every path crossing this interface is workspace-relative with forward slashes; the
 * implementation resolves it with resolveInsideWorkspace() and refuses anything outside.
 * A workspace of several folders (MultiRootWorkspace) starts every path with the name of its
 * folder: `app/src/index.ts`.
 */

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface DirEntry {
  name: string;
  type: EntryType;
}

export interface FileStat {
  type: EntryType;
  size: number;
}

export interface TextMatch {
  path: string;
  /** 1-based. */
  line: number;
  text: string;
}

export interface SearchOptions {
  /** Treat the query as a regular expression (ripgrep syntax) instead of a literal. */
  regex?: boolean;
  /** Only files matching this glob, e.g. "src/**\/*.ts". */
  glob?: string;
  caseSensitive?: boolean;
  maxResults?: number;
  signal?: AbortSignal;
  /**
   * Folders (workspace-relative) whose files are left out. A folder of a multi-root
   * workspace passes the other folders nested inside it, whose files are listed under their
   * own folder's name. A workspace that cannot skip while searching may return them; its
   * caller filters them out afterwards.
   */
  skip?: readonly string[];
}

/** What findFiles takes besides the glob and the limit. */
export interface FindOptions {
  /** As in SearchOptions: folders whose files are left out. */
  skip?: readonly string[];
}

export interface CommandOptions {
  timeoutMs: number;
  /** The folder to run in, by name, in a workspace of several folders; default the first. */
  folder?: string;
  /** Output beyond this is cut (head and tail kept) and flagged. */
  maxOutputBytes: number;
  signal?: AbortSignal;
  /** Streams output as it arrives, for the UI. */
  onOutput?: (chunk: string) => void;
}

export interface CommandResult {
  exitCode: number | null;
  output: string;
  truncated: boolean;
  timedOut: boolean;
  /** How it ran: a VS Code terminal with shell integration, or a child process. */
  via: 'terminal' | 'process';
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface DiagnosticItem {
  path: string;
  line: number;
  column: number;
  severity: Severity;
  message: string;
  source?: string;
}

/** A whole-file change; tools compute the new text, the workspace applies it. */
export type FileChange =
  | { kind: 'create'; path: string; content: string }
  | { kind: 'modify'; path: string; content: string }
  | { kind: 'delete'; path: string };

/** One folder of a workspace with several: the name its paths start with, and where it is. */
export interface WorkspaceFolder {
  readonly name: string;
  /** Absolute. */
  readonly root: string;
}

export interface Workspace {
  /** Absolute path of the workspace root; with several folders, the first folder's. */
  readonly root: string;
  /**
   * Set only when the workspace has several folders (two or more, the first the default for
   * commands); every path then starts with a folder's name. Absent for one folder, whose
   * paths are relative to `root`.
   */
  readonly folders?: readonly WorkspaceFolder[];
  /** Current text, including unsaved editor changes where there is an editor. */
  readFile(path: string): Promise<string>;
  stat(path: string): Promise<FileStat | undefined>;
  listDir(path: string): Promise<DirEntry[]>;
  /** Workspace-relative paths matching the glob, honouring .gitignore. */
  findFiles(glob: string, maxResults: number, options?: FindOptions): Promise<string[]>;
  searchText(query: string, options: SearchOptions): Promise<TextMatch[]>;
  applyChange(change: FileChange): Promise<void>;
  runCommand(command: string, options: CommandOptions): Promise<CommandResult>;
  diagnostics(path?: string): Promise<DiagnosticItem[]>;
  /**
   * The problems of `path` once the language servers have looked at it after a change: waits
   * for their report and a short quiet spell, never longer than `timeoutMs`. `changed: false`
   * asks for the problems before a change (no wait when they are already known). Without language
   * servers (the file-system workspace) this is absent, and edits report nothing.
   */
  settledDiagnostics?(path: string, options: { timeoutMs: number; signal?: AbortSignal; changed?: boolean }): Promise<DiagnosticItem[]>;
}

export type ApprovalCategory = 'read' | 'edit' | 'command';

export interface ApprovalRequest {
  category: ApprovalCategory;
  tool: string;
  /** One line for the user: "Edit src/parser.ts", "Run npm test". */
  title: string;
  /** The unified diff of an edit, or the command line. */
  detail?: string;
  path?: string;
  /** Where `path` really leads through symlinks (workspace-relative), when known. */
  realPath?: string;
  /** For edits: the text before and after, so a UI can open a diff view. */
  before?: string;
  after?: string;
  /** Why the policy asks (set by the loop): "npm runs the scripts this file defines, so edits to it always ask". */
  why?: string;
  /** A tool from outside (VS Code's or an MCP server's): it runs outside the sandbox, so it always asks. */
  external?: boolean;
}

export type ApprovalDecision = { approved: true } | { approved: false; reason?: string };

/** Which tool call an approval is for: the same ids the run's events carry. */
export interface ToolCallRef {
  callId: string;
  step: number;
}

/** Asks the user (a chat card, a modal, or a headless flag). */
export interface Approver {
  approve(request: ApprovalRequest, call: ToolCallRef, signal?: AbortSignal): Promise<ApprovalDecision>;
}
