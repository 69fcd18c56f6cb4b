#!/usr/bin/env bash
# README command 1: installs what is missing, builds the release bundle, loads the demo data
# into the embedded SQLite database (logins are printed) and serves Cassiopée.
#
#   bash scripts/demo.sh        then open http://127.0.0.1:3000 (Ctrl-C stops it)
#
# Environment (defaults in brackets):
#   DATABASE_URL              [sqlite://data/cassiopee.sqlite?mode=rwc]  postgres://… for production
#   LEPTOS_SITE_ADDR          [127.0.0.1:3000]
#   CASSIOPEE_SECURE_COOKIES  [false]  true behind HTTPS
#   RUST_LOG                  [info]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh" demo

echo "[demo] cargo leptos build --release --precompress"
cargo leptos build --release --precompress

export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export RUST_LOG="${RUST_LOG:-info}"
# The default SQLite file lives in data/ (gitignored); SQLite creates the file, not the folder.
mkdir -p "$ROOT/data"

# The demo data is asked for here: `cassiopee serve` alone never creates an account, and
# `seed --demo` refuses a database that holds real accounts (it does nothing when the demo is
# already there).
"$ROOT/target/release/cassiopee" seed --demo

echo "[demo] serving on http://${LEPTOS_SITE_ADDR} (Ctrl-C to stop)"
exec "$ROOT/target/release/cassiopee" serve
