#!/usr/bin/env bash
# Crash safety of the release binary on PostgreSQL (run by scripts/test.sh): a new database
# with the demo data and 40 officers, then scripts/crash-test.mjs kills the server with SIGKILL
# under enrolment load three times, checks that no acknowledged change was lost and that the
# rules of product §3 hold, stops it with SIGTERM while requests are in flight, and stops and
# restarts this machine's PostgreSQL under it (needs root, as pg_ctlcluster does).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/target/release/cassiopee"
[[ -x "$BIN" ]] || { echo "[crash] $BIN missing: build the release first" >&2; exit 1; }
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "[crash] PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }

DB=cassiopee_crash
WORK="$(mktemp -d)"
# The outage part stops and starts this machine's cluster (the one on port 5432).
version="$(pg_lsclusters -h | awk '$3 == 5432 { print $1 " " $2; exit }')"
[[ -n "$version" ]] || { echo "[crash] no local PostgreSQL cluster on port 5432 (pg_lsclusters)" >&2; exit 1; }
export PG_STOP="pg_ctlcluster --skip-systemctl-redirect $version stop -m fast"
export PG_START="pg_ctlcluster --skip-systemctl-redirect $version start"
restore_postgres() {
    pg_isready -q -h 127.0.0.1 -p 5432 || $PG_START || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
}
trap 'restore_postgres; rm -rf "$WORK"; dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DB" 2>/dev/null || true' EXIT
dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DB"
createdb -h 127.0.0.1 -U postgres "$DB"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export CASSIOPEE_MAIL_DIR="$WORK/courriels"
"$BIN" seed --demo >/dev/null
: >"$WORK/officers"
for n in $(seq 1 40); do
    printf '%s\n' "Crash-motdepasse" | "$BIN" create-user --email "crash-$n@mirvog.demo" \
        --name "Général Crash $n" --role officer >/dev/null
    echo "crash-$n@mirvog.demo" >>"$WORK/officers"
done
node "$ROOT/scripts/crash-test.mjs" "$BIN" "$DATABASE_URL" "$WORK/officers"
