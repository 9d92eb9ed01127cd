#!/usr/bin/env bash
# The one test command: type-check, lint, build, plain-Node tests (core, sandbox, CLI), then the
# extension's tests inside a real VS Code host and the browser-driven UI tests.
# Installs what is missing first, so it works on a fresh machine after a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS=0
phase() { printf '\n== %s (%ss)\n' "$1" "$SECONDS"; }

if [ ! -d node_modules/@azure/event-hubs ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  phase "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
phase "typecheck"; npx tsc -p . --noEmit
phase "lint";      npx eslint . --max-warnings 0
phase "import circles"; node scripts/check-cycles.mjs
phase "build";     node esbuild.mjs
phase "unit tests (plain Node)"; node scripts/run-unit-tests.mjs
if [ -x scripts/test-host.sh ] && [ "${ESF_SKIP_HOST_TESTS:-}" != 1 ]; then
  phase "VS Code host and UI tests"; bash scripts/test-host.sh
fi
phase "done"
