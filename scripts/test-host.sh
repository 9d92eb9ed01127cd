#!/usr/bin/env bash
# The extension's tests inside a real VS Code host (code-server, mocha in the extension host) and
# the browser-driven UI tests of the workbench (playwright-core + Debian's Chromium).
# Called by scripts/test-all.sh after the unit tests; runs on its own too. Exits non-zero if any
# suite fails. Artifacts: test-results/host/extension/, test-results/host/satellite/ and test-results/ui/ui-workbench/.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS=0
declare -a SUMMARY=()
status=0
step() { printf '\n== %s (%ss)\n' "$1" "$SECONDS"; }
record() { # name exit-code started-at
  local took=$((SECONDS - $3))
  if [ "$2" -eq 0 ]; then SUMMARY+=("PASS  $1 (${took}s)"); else SUMMARY+=("FAIL  $1 (${took}s, exit $2)"); status=1; fi
}

step "set up the host (code-server, Node 24, Chromium)"
t=$SECONDS
if ! bash scripts/setup-host.sh; then
  record "host setup" 1 "$t"
  printf '\n%s\n' "${SUMMARY[@]}"
  exit 1
fi
record "host setup" 0 "$t"

step "build the extension and the in-host tests"
t=$SECONDS
if ! { node esbuild.mjs && node scripts/build-integration-tests.mjs; }; then
  record "build" 1 "$t"
  printf '\n%s\n' "${SUMMARY[@]}"
  exit 1
fi
record "build" 0 "$t"

# The sandbox CA is made before code-server starts: NODE_EXTRA_CA_CERTS is read at process start,
# and the sandbox inside the extension host reuses it through ESF_SANDBOX_CA_DIR.
CA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/esf-host-ca-XXXXXX")
trap 'rm -rf "$CA_DIR"' EXIT
node --import tsx scripts/make-sandbox-ca.ts "$CA_DIR" || { echo "could not make the sandbox CA"; exit 1; }

# One in-host run: results under $1, any further arguments passed to runInHost (more --env, --install-vsix).
run_in_host() {
  local results=$1
  shift
  node test/integration/harness/runInHost.mjs \
    --extension "$ROOT" \
    --tests "$ROOT/out/integration/index.js" \
    --env "NODE_EXTRA_CA_CERTS=$CA_DIR/ca.pem" \
    --env "ESF_SANDBOX_CA_DIR=$CA_DIR" \
    --timeout "${ESF_HOST_TIMEOUT:-300}" \
    --results "$results" "$@"
}

step "in-host integration tests (mocha in the extension host)"
t=$SECONDS
run_in_host test-results/host/extension
rc=$?
record "in-host tests: $(tail -n 1 test-results/host/extension/report.txt 2>/dev/null || echo 'no report') → test-results/host/extension/" "$rc" "$t"

# The Fabric extension satellite path (#9) needs a second host with the stand-in core extension
# installed; only that suite runs there (the default run above checks the core's absence).
step "in-host tests with the stand-in Fabric core extension"
t=$SECONDS
STANDIN_VSIX="$CA_DIR/fabric-standin.vsix"
if node test/integration/fixtures/fabric-core-standin/pack.mjs "$STANDIN_VSIX" >/dev/null; then
  run_in_host test-results/host/satellite \
    --install-vsix "$STANDIN_VSIX" \
    --env "ESF_TEST_GREP=Fabric extension satellite" \
    --env "ESF_EXPECT_FABRIC_STANDIN=1"
  rc=$?
else
  echo "could not package the stand-in Fabric core extension"; rc=1
fi
record "in-host satellite tests: $(tail -n 1 test-results/host/satellite/report.txt 2>/dev/null || echo 'no report') → test-results/host/satellite/" "$rc" "$t"

step "UI tests (workbench in Chromium)"
t=$SECONDS
UI_LOG=$(mktemp "${TMPDIR:-/tmp}/esf-ui-XXXXXX.log")
node test/integration/harness/runUi.mjs test/integration/ui/*.test.mjs 2>&1 | tee "$UI_LOG"
rc=${PIPESTATUS[0]}
ui_counts=$(grep -E '^ℹ (pass|fail|todo) ' "$UI_LOG" | tr '\n' ' ')
rm -f "$UI_LOG"
record "UI tests: ${ui_counts:-no summary} → screenshots in test-results/ui/ui-workbench/" "$rc" "$t"

printf '\n== summary (%ss)\n' "$SECONDS"
printf '%s\n' "${SUMMARY[@]}"
exit $status
