/**
 * Parses Prometheus text exposition (what llama-server's GET /metrics returns) into
 * `name -> value`. Labelled samples keep their labels in the key exactly as written,
 * e.g. `llamacpp:spec_decode_num_accepted_tokens_per_pos_total{position="0"}`.
 */
export function parsePrometheusText(text: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const keyEnd = sampleKeyEnd(line);
    if (keyEnd <= 0) continue;
    const [valueText] = line.slice(keyEnd).trim().split(/\s+/);
    const value = valueText === undefined ? undefined : parseSampleValue(valueText);
    if (value !== undefined) values[line.slice(0, keyEnd)] = value;
  }
  return values;
}

/** End of `name` or `name{labels}`; label values may contain '}' or escaped quotes. */
function sampleKeyEnd(line: string): number {
  let i = 0;
  while (i < line.length && line[i] !== '{' && line[i] !== ' ' && line[i] !== '\t') i++;
  if (line[i] !== '{') return i;
  let inQuotes = false;
  for (i++; i < line.length; i++) {
    const char = line[i];
    if (inQuotes && char === '\\') i++;
    else if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && char === '}') return i + 1;
  }
  return -1;
}

function parseSampleValue(text: string): number | undefined {
  switch (text) {
    case '+Inf':
    case 'Inf':
    case 'inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
    case '-inf':
      return Number.NEGATIVE_INFINITY;
    case 'NaN':
    case 'nan':
      return Number.NaN;
    default: {
      // C++ streams print large counters as e.g. 1.23457e+06.
      const value = text === '' ? Number.NaN : Number(text);
      return Number.isNaN(value) ? undefined : value;
    }
  }
}

const PREFIX = 'llamacpp:';

/** Totals of the drafter since the engine started. */
export interface SpeculativeStats {
  draftTokens: number;
  acceptedTokens: number;
  /** Verification steps of the target model. */
  drafts: number;
  /** accepted / drafted, 0..1; undefined before anything was drafted. */
  acceptance: number | undefined;
  /** Accepted tokens per draft position (index 0 = first drafted token). */
  acceptedPerPosition: number[];
}

export function speculativeStats(metrics: Record<string, number>): SpeculativeStats {
  const draftTokens = metrics[`${PREFIX}spec_decode_num_draft_tokens_total`] ?? 0;
  const acceptedTokens = metrics[`${PREFIX}spec_decode_num_accepted_tokens_total`] ?? 0;
  const acceptedPerPosition: number[] = [];
  const positionKey = /^llamacpp:spec_decode_num_accepted_tokens_per_pos_total\{position="(\d+)"\}$/;
  for (const [key, value] of Object.entries(metrics)) {
    const match = positionKey.exec(key);
    if (match) acceptedPerPosition[Number(match[1])] = value;
  }
  return {
    draftTokens,
    acceptedTokens,
    drafts: metrics[`${PREFIX}spec_decode_num_drafts_total`] ?? 0,
    acceptance: draftTokens > 0 ? acceptedTokens / draftTokens : undefined,
    acceptedPerPosition: Array.from(acceptedPerPosition, (value) => value ?? 0),
  };
}

/** Prompt tokens evaluated versus reused from the KV cache since the engine started. */
export interface PromptCacheStats {
  processedTokens: number;
  cachedTokens: number;
  /** cached / (cached + processed), 0..1; undefined before any prompt. */
  hitRate: number | undefined;
}

export function promptCacheStats(metrics: Record<string, number>): PromptCacheStats {
  const processedTokens = metrics[`${PREFIX}prompt_tokens_total`] ?? 0;
  const cachedTokens = metrics[`${PREFIX}prompt_tokens_cached_total`] ?? 0;
  const total = processedTokens + cachedTokens;
  return { processedTokens, cachedTokens, hitRate: total > 0 ? cachedTokens / total : undefined };
}
