import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Root of slow, reusable artifacts (llama.cpp source and builds, test models, code-server).
 * It lives outside any clone so repeated test runs and CI reuse it; GEMMA_AGENT_CACHE
 * overrides it, for example to point the extension at a shared build.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GEMMA_AGENT_CACHE) return path.resolve(env.GEMMA_AGENT_CACHE);
  const base = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'gemma-agent');
}

/**
 * Root of compiled llama-server builds, keyed below it by llama.cpp commit and build flags.
 * It defaults to the cache root; GEMMA_AGENT_BUILD_CACHE moves it apart so a cold check can
 * empty every other cache and still reuse the one artifact that takes ten minutes to make.
 */
export function buildCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GEMMA_AGENT_BUILD_CACHE) return path.resolve(env.GEMMA_AGENT_BUILD_CACHE);
  return cacheRoot(env);
}
