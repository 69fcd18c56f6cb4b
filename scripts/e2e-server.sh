#!/usr/bin/env bash
# Started by Playwright (end2end/playwright.config.ts, webServer): serves the release binary on
# 127.0.0.1:3100 with a fresh SQLite database holding the demo data and the test officers
# e2e-1@mirvog.demo … e2e-18@mirvog.demo (password "E2e-motdepasse").
# Needs a release build (`cargo leptos build --release`). Logs go to target/e2e/server.log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BIN="$ROOT/target/release/cassiopee"
if [[ ! -x "$BIN" ]] || ! compgen -G "$ROOT/target/site/pkg/*.wasm" >/dev/null; then
    echo "[e2e-server] $BIN or its site bundle is missing: run 'cargo leptos build --release' first" >&2
    exit 1
fi

DIR="$ROOT/target/e2e"
rm -rf "$DIR"
mkdir -p "$DIR"
LOG="$DIR/server.log"

export DATABASE_URL="sqlite://$DIR/e2e.sqlite?mode=rwc"
export LEPTOS_SITE_ADDR="127.0.0.1:3100"
export CASSIOPEE_SECURE_COOKIES=false
export CASSIOPEE_MAIL_DIR="$DIR/courriels"
export RUST_LOG="${RUST_LOG:-info}"

echo "[e2e-server] database $DATABASE_URL, log $LOG" >&2
# Runs one CLI command, logging to $LOG; on failure shows the log's end and stops.
run() {
    if ! "$BIN" "$@" >>"$LOG" 2>&1; then
        echo "[e2e-server] 'cassiopee $*' failed; last lines of $LOG:" >&2
        tail -n 40 "$LOG" >&2
        exit 1
    fi
}

run migrate
run seed --demo
for n in $(seq 1 18); do
    run create-user --email "e2e-$n@mirvog.demo" --name "Général Essai $n" \
        --role officer --password "E2e-motdepasse"
done

exec "$BIN" serve >>"$LOG" 2>&1
