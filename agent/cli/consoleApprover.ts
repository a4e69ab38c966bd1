import * as readline from 'node:readline/promises';
import type { ApprovalDecision, ApprovalRequest, Approver, ToolCallRef } from '../workspace/workspace';

export interface ConsoleApproverOptions {
  /** Ask on the terminal; false: deny everything that reaches this approver. */
  interactive: boolean;
  /** Whether the run was started with --auto-approve (changes the denial message). */
  autoApprove: boolean;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/**
 * The headless runner's approver. Only actions the policy did not auto-approve get here:
 * with a terminal it asks y/N; without one it denies, saying how to allow them.
 */
export class ConsoleApprover implements Approver {
  constructor(private readonly options: ConsoleApproverOptions) {}

  async approve(request: ApprovalRequest, _call: ToolCallRef, signal?: AbortSignal): Promise<ApprovalDecision> {
    if (!this.options.interactive) {
      return {
        approved: false,
        reason: this.options.autoApprove
          ? 'this command always needs a person to approve it, and no terminal was there to ask'
          : 'headless run with no terminal to ask; run it from a terminal, or with --approvals auto to allow edits and commands',
      };
    }
    const output = this.options.output ?? process.stderr;
    const rl = readline.createInterface({ input: this.options.input ?? process.stdin, output });
    try {
      // A command is shown whole, so nothing can hide in a tail; a long diff is cut and says so.
      const lines = request.detail ? request.detail.split('\n') : [];
      const shown = request.category === 'command' || lines.length <= 40 ? lines : [...lines.slice(0, 40), `… ${lines.length - 40} more lines of the diff`];
      const detail = lines.length > 0 ? `\n${shown.join('\n')}\n` : '\n';
      const why = request.why ? `(asking because ${request.why})\n` : '';
      const answer = await rl.question(`\n${request.title}${detail}${why}Allow? [y/N] `, signal ? { signal } : {});
      return /^y(es)?$/i.test(answer.trim()) ? { approved: true } : { approved: false, reason: 'the user said no' };
    } finally {
      rl.close();
    }
  }
}
