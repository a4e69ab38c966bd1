import type { WireTimings } from '../protocol';

/**
 * Speed and cache figures of one request. Field names follow llama-server's `timings`;
 * the camelCase fields are derived here so every consumer computes them the same way.
 */
export interface Timings {
  /** Prompt tokens reused from the slot's KV cache. */
  cache_n: number;
  /** Prompt tokens actually evaluated for this request. */
  prompt_n: number;
  prompt_ms: number;
  predicted_n: number;
  predicted_ms: number;
  predicted_per_second: number;
  /** Tokens proposed by the drafter; 0 when no drafter ran. */
  draft_n: number;
  draft_n_accepted: number;
  /** Generation speed in tokens per second (0 when nothing was generated). */
  tokensPerSecond: number;
  /** Share of drafted tokens the target model accepted, 0..1; undefined without drafting. */
  draftAcceptance: number | undefined;
  /** Share of the prompt served from cache, 0..1; undefined for an empty prompt. */
  cacheHitRate: number | undefined;
}

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function timingsFromWire(wire: Partial<WireTimings>): Timings {
  const predicted_n = finiteOr(wire.predicted_n, 0);
  const predicted_ms = finiteOr(wire.predicted_ms, 0);
  const prompt_n = finiteOr(wire.prompt_n, 0);
  const cache_n = finiteOr(wire.cache_n, 0);
  const draft_n = finiteOr(wire.draft_n, 0);
  const draft_n_accepted = finiteOr(wire.draft_n_accepted, 0);
  const measured = predicted_ms > 0 ? (predicted_n * 1000) / predicted_ms : 0;
  const predicted_per_second = finiteOr(wire.predicted_per_second, measured);
  return {
    cache_n,
    prompt_n,
    prompt_ms: finiteOr(wire.prompt_ms, 0),
    predicted_n,
    predicted_ms,
    predicted_per_second,
    draft_n,
    draft_n_accepted,
    tokensPerSecond: predicted_per_second,
    draftAcceptance: draft_n > 0 ? draft_n_accepted / draft_n : undefined,
    cacheHitRate: prompt_n + cache_n > 0 ? cache_n / (prompt_n + cache_n) : undefined,
  };
}
