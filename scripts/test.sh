#!/usr/bin/env bash
# README command 2: installs what is missing, then runs the whole test suite:
# formatting, clippy, the Rust tests, the release build, the bundle budget (wasm + js ≤ 200 KB
# brotli) and the Playwright suite (phone viewport, Debian's chromium) against the release binary.
#
#   bash scripts/test.sh
#   REQUIRE_POSTGRES=1 bash scripts/test.sh   # PostgreSQL tests fail instead of skipping when
#                                             # postgres://postgres@127.0.0.1:5432 is unreachable
#
# Every step runs even when an earlier one failed (the Playwright suite only after a successful
# release build); the summary lists each step with its time, and the exit status is non-zero
# when any step failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SUITE_START=$(date +%s)
t0=$SUITE_START
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh" test
SETUP_SECONDS=$(($(date +%s) - t0))

export REQUIRE_POSTGRES="${REQUIRE_POSTGRES:-0}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
if [[ "$REQUIRE_POSTGRES" == 1 ]] && command -v pg_isready >/dev/null 2>&1 \
    && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "[test] warning: REQUIRE_POSTGRES=1 but PostgreSQL does not answer on 127.0.0.1:5432"
fi

STEP_NAMES=("setup")
STEP_RESULTS=("ok")
STEP_SECONDS=("$SETUP_SECONDS")
FAILED=0

# step NAME COMMAND... : runs one step, records its result and time, never stops the suite.
step() {
    local name="$1" start rc
    shift
    echo
    echo "==> [test] $name: $*"
    start=$(date +%s)
    set +e
    "$@"
    rc=$?
    set -e
    STEP_NAMES+=("$name")
    STEP_SECONDS+=("$(($(date +%s) - start))")
    if [[ $rc -eq 0 ]]; then
        STEP_RESULTS+=("ok")
    else
        STEP_RESULTS+=("FAILED (exit $rc)")
        FAILED=1
    fi
    echo "<== [test] $name: ${STEP_RESULTS[-1]} in ${STEP_SECONDS[-1]} s"
    return 0
}

skip() {
    STEP_NAMES+=("$1")
    STEP_RESULTS+=("skipped ($2)")
    STEP_SECONDS+=(0)
    FAILED=1
    echo
    echo "--- [test] $1: skipped ($2)"
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

e2e() {
    local log="$ROOT/target/e2e/server.log" rc
    if port_in_use 3100; then
        echo "[test] port 3100 is in use: stop whatever listens there (the e2e server uses it)"
        return 1
    fi
    (cd "$ROOT/end2end" && ./node_modules/.bin/playwright test)
    rc=$?
    if [[ $rc -ne 0 && -f "$log" ]]; then
        echo "[test] last lines of $log:"
        tail -n 40 "$log"
    fi
    return $rc
}

step "cargo fmt" cargo fmt --all -- --check
step "typecheck (end2end)" bash -c 'cd "$0/end2end" && ./node_modules/.bin/tsc --noEmit' "$ROOT"
step "clippy (app, ssr)" cargo clippy -p app --features ssr --all-targets -- -D warnings
step "clippy (server, migration)" cargo clippy -p server -p migration --all-targets -- -D warnings
step "clippy (frontend, wasm)" cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
step "tests (app, ssr)" cargo test -p app --features ssr
step "tests (server, migration)" cargo test -p server -p migration
step "release build" cargo leptos build --release --precompress
if [[ "${STEP_RESULTS[-1]}" == ok ]]; then
    step "bundle budget" bash "$ROOT/bench/bundle-size.sh"
    step "playwright (end2end)" e2e
else
    skip "bundle budget" "the release build failed"
    skip "playwright (end2end)" "the release build failed"
fi

echo
echo "==> [test] summary (REQUIRE_POSTGRES=$REQUIRE_POSTGRES)"
for i in "${!STEP_NAMES[@]}"; do
    printf '  %-30s %6s s  %s\n' "${STEP_NAMES[$i]}" "${STEP_SECONDS[$i]}" "${STEP_RESULTS[$i]}"
done
printf '  %-30s %6s s\n' "total" "$(($(date +%s) - SUITE_START))"
if [[ $FAILED -ne 0 ]]; then
    echo "[test] FAILED"
    exit 1
fi
echo "[test] all steps passed"
