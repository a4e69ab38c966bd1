import type { ApprovalDecision, ApprovalRequest, Approver } from '../../agent/workspace/workspace';

/**
 * Approvals asked through tool cards in the chat view. The loop announces the call id in its
 * 'approval-needed' event right before it asks, so the card and the answer share that id.
 */
export class ChatApprover implements Approver {
  private nextCallId: string | undefined;
  private readonly pending = new Map<string, { request: ApprovalRequest; resolve: (d: ApprovalDecision) => void }>();

  expect(callId: string): void {
    this.nextCallId = callId;
  }

  approve(request: ApprovalRequest, signal?: AbortSignal): Promise<ApprovalDecision> {
    const callId = this.nextCallId;
    this.nextCallId = undefined;
    if (!callId) return Promise.resolve({ approved: false, reason: 'the approval had no card to show' });
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(callId);
        reject(signal?.reason ?? new DOMException('The run was stopped.', 'AbortError'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(callId, {
        request,
        resolve: (decision) => {
          signal?.removeEventListener('abort', onAbort);
          this.pending.delete(callId);
          resolve(decision);
        },
      });
    });
  }

  /** The request behind a pending card, for "View diff". */
  request(callId: string): ApprovalRequest | undefined {
    return this.pending.get(callId)?.request;
  }

  decide(callId: string, decision: ApprovalDecision): boolean {
    const entry = this.pending.get(callId);
    if (!entry) return false;
    entry.resolve(decision);
    return true;
  }

  denyAll(reason: string): void {
    for (const entry of [...this.pending.values()]) entry.resolve({ approved: false, reason });
  }
}
