#!/usr/bin/env bash
# The README's second command: the whole test suite against a real PostgreSQL and Redis that it starts
# on free loopback ports (data in a throwaway folder) and stops afterwards, headless Chromium for the
# browser tests, then the CI gates (the a11y gate leaves its report and screenshots in .data/a11y/).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

install_packages "${CREWPLAN_BROWSER_PACKAGES[@]}" "${CREWPLAN_MONITORING_PACKAGES[@]}" "${CREWPLAN_SECURITY_PACKAGES[@]}"
install_k6
install_python_peers
install_axe
require_swift

# One release build serves the tests, the gates and the load run (perf figures from a debug build mean
# nothing); setup.sh builds the same configuration, so running both builds once.
log "building (release, with tests)"
swift build -c release --build-tests
BIN=$(swift build -c release --show-bin-path)

PG_PORT=$(free_port)
REDIS_PORT=$(free_port)
DATA=".data/test-$$"
cleanup() {
  "$BIN/crewplan" dev down --data "$DATA" --pg-port "$PG_PORT" --redis-port "$REDIS_PORT" --remove-data >/dev/null 2>&1 || true
}
trap cleanup EXIT

log "starting PostgreSQL on 127.0.0.1:$PG_PORT and Redis on 127.0.0.1:$REDIS_PORT"
"$BIN/crewplan" dev up --data "$DATA" --pg-port "$PG_PORT" --redis-port "$REDIS_PORT" --ephemeral

export CREWPLAN_DATABASE_URL="postgres://crewplan@127.0.0.1:$PG_PORT/crewplan?max_connections=8"
export CREWPLAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export CREWPLAN_BIN_DIR="$BIN"
export CREWPLAN_AXE_JS="$PWD/.data/tools/axe.min.js"
"$BIN/crewplan" migrate up

status=0
log "swift test"
swift test -c release --skip-build --disable-xctest 2>&1 | tee .data/swift-test.log || status=$?

log "gates"
"$BIN/crewplan-gate" run --report .data/gates-report.json || status=$?

# One plain summary line for CI, taken from Swift Testing's own closing line.
summary=$(grep -E "^.*Test run with [0-9]+ tests? .* (passed|failed)" .data/swift-test.log | tail -n 1 || true)
total=$(sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p' <<<"$summary")
if [ -n "$total" ]; then
  failing_tests=$(grep -E "Test .* failed after" .data/swift-test.log | grep -vc "Test run with" || true)
  echo "swift-test: $(( total - failing_tests )) passed, ${failing_tests} failed"
fi
exit $status
