/**
 * Which agent actions run without asking. Mirrors the `gemmaAgent.agent.approval.*` and
 * `gemmaAgent.agent.commands.*` settings so the extension can pass them through unchanged.
 */
export interface ApprovalSettings {
  /** Reading, listing and searching files. */
  reads: 'auto' | 'ask';
  /** Creating, editing and deleting files. */
  edits: 'ask' | 'auto';
  /** Running commands. */
  commands: 'ask' | 'auto';
  /** Command prefixes that run without asking, e.g. "npm test" (also "npm test -- --grep x"). */
  allow: string[];
  /** Patterns never auto-approved, e.g. "git push" or "rm -rf"; `*` matches any text. */
  deny: string[];
  /** VS Code Restricted Mode: the agent gets no tools at all. */
  restricted?: boolean;
  /**
   * Ask mode: the agent may read and search but not edit or run anything; such calls are
   * refused without asking. The tools stay offered, so the prompt (and its cache) is the
   * same as in Agent mode.
   */
  readOnly?: boolean;
  /**
   * 'none' when this machine has no OS sandbox for commands: then no command runs without a
   * person's yes, and the card says so. Left unset where the caller runs commands itself.
   */
  sandbox?: 'os' | 'none';
}

export const DEFAULT_APPROVAL_SETTINGS: Readonly<ApprovalSettings> = Object.freeze({
  reads: 'auto',
  edits: 'ask',
  commands: 'ask',
  allow: ['npm test', 'npm run lint', 'git status', 'git diff'],
  deny: ['rm -rf', 'git push', 'sudo', 'curl', 'wget'],
  restricted: false,
});
