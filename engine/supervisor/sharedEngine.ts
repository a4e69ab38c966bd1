import type { EngineEndpoint } from './engineSupervisor';
import { EngineRegistry, type SharedEngineRecord } from './engineRegistry';

export interface JoinedEngine<M> {
  endpoint: EngineEndpoint;
  meta: M;
  /** This window started it (and supervises it while it is open). */
  owner: boolean;
}

/**
 * One engine per machine: the first window starts it, the others find it in the registry
 * and connect. Joining needs the same key (model set and settings); a window that asks for
 * something else gets `undefined` and runs its own.
 */
export class SharedEngine<M> {
  constructor(
    readonly registry: EngineRegistry,
    readonly key: string,
  ) {}

  /** The shared engine when it runs these settings and answers /health; 'other' when it runs something else. */
  async healthy(): Promise<SharedEngineRecord<M> | 'other' | undefined> {
    const record = this.registry.read<M>();
    if (!record) return undefined;
    if (record.key !== this.key) return 'other';
    try {
      const res = await fetch(`${record.url}/health`, { signal: AbortSignal.timeout(3000) });
      return res.ok ? record : undefined;
    } catch {
      return undefined; // its process lives but does not answer: it is started again
    }
  }

  /**
   * Joins the running engine, or starts it (under the start lock, so two windows never start
   * two, and after a crash only one starts it again).
   */
  async acquire(start: () => Promise<{ endpoint: EngineEndpoint; meta: M }>, options: { onWait?: () => void } = {}): Promise<JoinedEngine<M> | undefined> {
    this.registry.writeLease();
    const joined = (record: SharedEngineRecord<M>): JoinedEngine<M> => ({ endpoint: { url: record.url, apiKey: record.apiKey, pid: record.pid }, meta: record.meta, owner: false });
    const found = await this.healthy();
    if (found === 'other') return this.declined();
    if (found) return joined(found);
    return this.registry.withStartLock(
      async () => {
        const again = await this.healthy();
        if (again === 'other') return this.declined();
        if (again) return joined(again);
        const started = await start();
        this.registry.write<M>({ ...started.endpoint, key: this.key, ownerPid: this.registry.selfPid, startedAt: Date.now(), meta: started.meta });
        this.registry.touchActivity();
        return { ...started, owner: true };
      },
      { onWait: options.onWait },
    );
  }

  /** The owner's supervisor restarted the engine after a crash: new pid, port and key. */
  update(endpoint: EngineEndpoint, meta: M): void {
    this.registry.write<M>({ ...endpoint, key: this.key, ownerPid: this.registry.selfPid, startedAt: Date.now(), meta });
  }

  /** This window no longer uses the engine. */
  leave(): void {
    this.registry.removeLease();
  }

  private declined(): undefined {
    this.registry.removeLease();
    return undefined;
  }
}
