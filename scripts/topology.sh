#!/usr/bin/env bash
# Production's topology, really run (issue 13): a new PostgreSQL database, two `cassiopee
# serve` processes started at the same moment on it, Debian's nginx in front of them with the
# shipped site (deploy/nginx-cassiopee.conf), all on loopback (scripts/e2e-server.sh with
# CASSIOPEE_E2E_TOPOLOGY=nginx); then the whole Playwright suite through nginx, and checks
# on what the two instances did: both served, every rule of product §3 holds in the database
# (no overbooking), and no email was sent twice.
#
#   bash scripts/topology.sh        # after `cargo leptos build --release`; run by scripts/test.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/target/release/cassiopee"
DIR="$ROOT/target/e2e"
[[ -x /usr/sbin/nginx ]] || { echo "[topology] nginx is missing (apt-get install nginx-light)" >&2; exit 1; }
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "[topology] PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }

cd "$ROOT/end2end"
rc=0
CASSIOPEE_E2E_TOPOLOGY=nginx ./node_modules/.bin/playwright test || rc=$?
if [[ $rc -ne 0 ]]; then
    echo "[topology] the Playwright suite failed through nginx; last lines of the logs:"
    tail -n 30 "$DIR"/instance-*.log "$DIR/nginx/error.log" 2>/dev/null || true
    exit $rc
fi

# Each instance logs one line per request (« réponse » with its status).
served() { grep -c 'réponse' "$DIR/instance-$1.log" || true; }
errors() { grep -cE 'réponse.*status=5[0-9][0-9]' "$DIR/instance-$1.log" || true; }
one="$(served 1)" two="$(served 2)"
one="${one:-0}" two="${two:-0}"
through_nginx="$(wc -l <"$DIR/nginx/access.log")"
echo "[topology] requests answered: instance 1: $one, instance 2: $two; nginx passed on $through_nginx"
[[ "$one" -gt 0 && "$two" -gt 0 ]] || { echo "[topology] FAILED: one instance served nothing"; exit 1; }
e1="$(errors 1)" e2="$(errors 2)"
fivexx=$((${e1:-0} + ${e2:-0}))
[[ "$fivexx" -eq 0 ]] || { echo "[topology] FAILED: $fivexx answers with a 5xx status"; exit 1; }

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/cassiopee_e2e_nginx"
"$BIN" check | tee "$DIR/check.txt"
sent="$(psql "$DATABASE_URL" -XAtqc "select count(*) from email_outbox where status = 'envoye'")"
files="$(find "$DIR/courriels" -name '*.eml' 2>/dev/null | wc -l)"
echo "[topology] emails marked sent: $sent, emails written: $files"
[[ "$sent" -eq "$files" ]] || { echo "[topology] FAILED: emails sent twice or lost"; exit 1; }
line="$((one + two)) requests held through nginx by two instances on PostgreSQL ($one + $two), 0 answered 5xx, $sent emails checked each sent once"
echo "TOPOLOGY: $line"
if [[ -n "${CASSIOPEE_FIGURES:-}" ]]; then echo "$line" >>"$CASSIOPEE_FIGURES/topology.txt"; fi
