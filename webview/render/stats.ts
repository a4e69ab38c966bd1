import type { ReplyStats } from '../protocol';
import { formatTokens } from '../dom';

const finite = (value: number | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

/** "38.2 tok/s · 214 tokens · drafts 63% accepted · context 3.2k / 16k". */
export function formatStats(stats: ReplyStats): string {
  const parts: string[] = [];
  if (finite(stats.tokensPerSecond) && stats.tokensPerSecond > 0) parts.push(`${stats.tokensPerSecond.toFixed(1)} tok/s`);
  if (finite(stats.outputTokens)) parts.push(`${stats.outputTokens} tokens`);
  if (finite(stats.draftAcceptance)) parts.push(`drafts ${Math.round(Math.min(1, Math.max(0, stats.draftAcceptance)) * 100)}% accepted`);
  if (finite(stats.contextUsed)) {
    parts.push(finite(stats.contextSize) && stats.contextSize > 0 ? `context ${formatTokens(stats.contextUsed)} / ${formatTokens(stats.contextSize)}` : `context ${formatTokens(stats.contextUsed)}`);
  }
  return parts.join(' · ');
}
