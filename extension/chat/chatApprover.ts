import type { ApprovalDecision, ApprovalRequest, Approver, ToolCallRef } from '../../agent/workspace/workspace';

/**
 * Approvals asked through tool cards in the chat view. Each ask names its tool call, so the
 * card (built from the run's events under the same id) and the user's answer meet by id.
 */
export class ChatApprover implements Approver {
  private readonly pending = new Map<string, { request: ApprovalRequest; resolve: (d: ApprovalDecision) => void }>();

  approve(request: ApprovalRequest, call: ToolCallRef, signal?: AbortSignal): Promise<ApprovalDecision> {
    const { callId } = call;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? new DOMException('The run was stopped.', 'AbortError'));
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

  /** The request behind a pending card. */
  request(callId: string): ApprovalRequest | undefined {
    return this.pending.get(callId)?.request;
  }

  /** The user's answer to a card; false when that card no longer waits (decided, or its run ended). */
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
