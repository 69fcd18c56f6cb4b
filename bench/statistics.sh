#!/usr/bin/env bash
# The statistics on the large data set (issue 11), release build, run by hand:
#   - the time of `cassiopee seed --large` into a scratch database;
#   - /gestion/statistiques for one year and for three years: p50 and p99 over 50 requests,
#     next to /connexion (no database work) measured in the same run, as a ratio;
#   - the CSV export of three years.
# SQLite by default; DATABASE_URL=postgres://… runs it on a scratch PostgreSQL database instead
# (the database named in the URL is dropped and created again).
#
#   cargo leptos build --release && bash bench/statistics.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/target/release/cassiopee"
[[ -x "$BIN" ]] || { echo "build first: cargo leptos build --release" >&2; exit 1; }
REQUESTS="${REQUESTS:-50}"
PORT="${PORT:-3917}"
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

if [[ "${DATABASE_URL:-}" == postgres* ]]; then
    name="${DATABASE_URL##*/}"
    admin="${DATABASE_URL%/*}/postgres"
    psql "$admin" -qc "DROP DATABASE IF EXISTS \"$name\"" -c "CREATE DATABASE \"$name\""
    export DATABASE_URL
else
    export DATABASE_URL="sqlite://$WORK/bench.sqlite?mode=rwc"
fi
export LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT="$ROOT/target/site" RUST_LOG=warn
export CASSIOPEE_MAIL_DIR="$WORK/mail"

echo "== seed --large (${DATABASE_URL%%:*})"
start=$(date +%s.%N)
"$BIN" seed --large
echo "wall time: $(echo "$(date +%s.%N) - $start" | bc) s"

"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/connexion" && break
    sleep 0.1
done
JAR="$WORK/cookies"
curl -sf -o /dev/null -c "$JAR" -b "$JAR" -H 'Accept: text/html' \
    --data-urlencode "email=gestion@mirvog.demo" --data-urlencode "password=Cassiopee2026!" \
    "http://127.0.0.1:$PORT/api/connexion"

# measure LABEL PATH: REQUESTS sequential requests (one warm-up), p50 and p99 in milliseconds.
measure() {
    local label="$1" path="$2" times="$WORK/times"
    curl -sf -o /dev/null -b "$JAR" "http://127.0.0.1:$PORT$path"
    : >"$times"
    for _ in $(seq 1 "$REQUESTS"); do
        curl -sf -o /dev/null -b "$JAR" -w '%{time_total}\n' "http://127.0.0.1:$PORT$path" >>"$times"
    done
    sort -n "$times" | awk -v label="$label" -v n="$REQUESTS" '
        { t[NR] = $1 * 1000 }
        END {
            p50 = t[int((n + 1) / 2)]; p99 = t[int(n * 0.99 + 0.999)]
            printf "%-34s p50 %8.1f ms   p99 %8.1f ms\n", label, p50, p99
            print p50 > "/dev/stderr"
        }' 2>"$WORK/p50-$label"
}

year=$(date +%Y)
echo "== $REQUESTS requests each, one at a time"
measure connexion "/connexion"
measure stats-1-an "/gestion/statistiques?periode=dates&du=$((year - 1))-$(date +%m-%d)&au=$(date +%F)"
measure stats-3-ans "/gestion/statistiques?periode=dates&du=$((year - 2))-01-01&au=$((year + 1))-01-01"
measure export-3-ans "/gestion/statistiques/export.csv?periode=dates&du=$((year - 2))-01-01&au=$((year + 1))-01-01"
base=$(cat "$WORK/p50-connexion")
for label in stats-1-an stats-3-ans export-3-ans; do
    printf "%-34s %6.1f × /connexion (p50)\n" "$label" "$(echo "$(cat "$WORK/p50-$label") / $base" | bc -l)"
done
