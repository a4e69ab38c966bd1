/** What an outer `npm start` on Node 20 exports to everything it runs. */
export const outerNpm = {
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_config_prefix: '/usr',
  npm_config_local_prefix: '/work/main',
  npm_config_nodedir: '/usr',
  npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  npm_config_loglevel: 'silent',
  npm_lifecycle_event: 'start',
  npm_package_json: '/work/main/package.json',
  INIT_CWD: '/work/main',
};
