/**
 * The environment for an npm (or node-gyp) run nested inside another npm script. The outer
 * npm exports its whole configuration as npm_config_* variables, and a nested npm takes them
 * as its own: the outer user agent (which code-server's install script reads to find the Node
 * version), its prefix and local prefix, its nodedir and node-gyp, its log level. Dropping
 * them lets the nested npm read its configuration as if started from a shell.
 */
export function cleanNpmEnv(env: NodeJS.ProcessEnv = process.env, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^npm_/i.test(key) || key === 'INIT_CWD' || key === 'NODE') continue;
    out[key] = value;
  }
  return { ...out, ...extra };
}
