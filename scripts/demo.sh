#!/usr/bin/env bash
# First command for a newcomer: install (from the lockfile), build, and run the whole secure flow
# against the built-in local sandbox (or against Azure with --profile FILE). Extra arguments go to
# `eventstream-flow run`, e.g. `npm run demo -- --protocol amqp --count 5`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/@azure/event-hubs ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing dependencies from package-lock.json…"
  npm ci --no-audit --no-fund --loglevel=error
fi
node esbuild.mjs >/dev/null
exec node bin/eventstream-flow.js run "$@"
