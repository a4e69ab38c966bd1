/**
 * JSON with object keys in sorted order, so the same value always gives the same text.
 * Arguments written back into the history this way keep every request's message prefix
 * byte-identical to the previous one (the engine's prompt cache depends on it), and two
 * calls that differ only in key order count as the same call for loop detection.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
