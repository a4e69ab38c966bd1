import { globFilter } from './fileWalk';
import { resolveInsideWorkspace } from './pathSafety';
import { ripgrepSearch, type RipgrepSearch } from './ripgrep';
import { scanText } from './textScan';
import type { SearchOptions, TextMatch } from './workspace';

const DEFAULT_MAX_SEARCH_RESULTS = 200;

/**
 * Searches the files on disk under root, with ripgrep when there is one and the JS scan
 * otherwise (same ignore rules). Both Workspace implementations use it; the VS Code one then
 * overlays unsaved editor text, for which it gets the search back too.
 */
export async function searchOnDisk(
  root: string,
  query: string,
  options: SearchOptions,
  maxFileBytes: number,
  rg: string | undefined,
): Promise<{ matches: TextMatch[]; search: RipgrepSearch }> {
  // A glob naming a folder outside the workspace is refused like any other path.
  if (options.glob) resolveInsideWorkspace(root, globFilter(options.glob).base);
  const search: RipgrepSearch = {
    query,
    regex: options.regex ?? false,
    glob: options.glob,
    caseSensitive: options.caseSensitive,
    maxResults: options.maxResults ?? DEFAULT_MAX_SEARCH_RESULTS,
    maxFileBytes,
    signal: options.signal,
    ...(options.skip?.length ? { skip: options.skip } : {}),
  };
  const matches = rg ? await ripgrepSearch(rg, root, search) : await scanText(root, search);
  return { matches, search };
}
