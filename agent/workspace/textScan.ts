import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { globFilter, walkFiles } from './fileWalk';
import { SearchError, type RipgrepSearch } from './ripgrep';
import type { TextMatch } from './workspace';

/**
 * Text search without ripgrep: walks the same files (same ignore rules, same exclusions)
 * and tests each line with a JavaScript regular expression. Slower, but it keeps search
 * working on machines where no ripgrep can be found.
 */

/** Bytes looked at to decide that a file is binary, as ripgrep does with its NUL check. */
const BINARY_SNIFF_BYTES = 8192;

export async function scanText(root: string, search: RipgrepSearch): Promise<TextMatch[]> {
  const pattern = searchRegExp(search);
  const filter = search.glob ? globFilter(search.glob) : undefined;
  const matches: TextMatch[] = [];
  for await (const file of walkFiles(root, { base: filter?.base, signal: search.signal, skip: search.skip })) {
    if (filter && !filter.matches(file)) continue;
    const absolute = path.join(root, file);
    let content: Buffer;
    try {
      const info = await fsp.stat(absolute);
      if (info.size > search.maxFileBytes) continue;
      content = await fsp.readFile(absolute);
    } catch {
      continue;
    }
    if (content.subarray(0, BINARY_SNIFF_BYTES).includes(0)) continue;
    const lines = content.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].replace(/\r$/, '');
      pattern.lastIndex = 0;
      if (!pattern.test(line)) continue;
      matches.push({ path: file, line: i + 1, text: line });
      if (matches.length >= search.maxResults) return matches;
    }
  }
  return matches;
}

/**
 * The agent's search semantics as a JavaScript pattern: literal unless `regex`, and ripgrep's
 * smart case (case-insensitive unless the query has an upper-case letter).
 */
export function searchRegExp(search: RipgrepSearch): RegExp {
  const insensitive = search.caseSensitive === undefined ? search.query === search.query.toLowerCase() : !search.caseSensitive;
  const source = search.regex ? search.query : search.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  try {
    return new RegExp(source, insensitive ? 'i' : '');
  } catch (error) {
    throw new SearchError(`The search failed: invalid regular expression: ${(error as Error).message}`);
  }
}
