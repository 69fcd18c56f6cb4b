#!/usr/bin/env bash
# Cassiopée on officers' phones, at scale (issue 12). Run by hand, not in CI:
#
#   bash bench/run.sh                  # SQLite (a scratch file)
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/cassiopee_bench bash bench/run.sh
#                                      # PostgreSQL: that database is dropped and created again
#
# It builds release (`--precompress`), loads `seed --large` into a scratch database, serves it,
# and prints:
#   - requests per second, p50 and p99 with wrk at 16 and 64 connections of /formations,
#     /sessions/{id} and /mes-formations (logged in), beside /connexion (anonymous, no database
#     work) and a static file of the same server, measured in the same run: the ratio
#     page ÷ /connexion is the figure that holds on a noisy machine (aims: /formations ≥ 1/4 of
#     /connexion; the static file ≥ /connexion, on one connection too);
#   - /formations on the demo data, to show how latency grows with the large data (aim ≤ 1.5×);
#   - the enrolment race over HTTP: 500 officers, one session of 20 seats, all at once
#     (aim: 20 confirmed, 480 waitlisted with distinct positions, 0 errors);
#   - the server's peak RSS in each phase and over the whole run, logins included (aim < 60 MB);
#   - the bundle sizes raw, gzip and brotli;
#   - Lighthouse mobile scores of /formations and /mes-formations (aims: performance ≥ 95,
#     accessibility 100, best practices ≥ 95).
# Needs wrk (Debian package, installed if missing), Node 20, Debian's chromium; Lighthouse is
# installed from npm into bench/node_modules.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DURATION="${DURATION:-10s}"
PORT="${PORT:-3931}"
BASE="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"
cleanup() {
    if [[ -n "${SERVER:-}" ]]; then kill "$SERVER" 2>/dev/null || true; fi
    rm -rf "$WORK"
    return 0
}
trap cleanup EXIT
say() { printf '\n== %s\n' "$*"; }

# --- tools and build ---------------------------------------------------------------------
# shellcheck source=scripts/setup.sh
source scripts/setup.sh demo >/dev/null
if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian)"
    cas_as_root apt-get install -y -q wrk >/dev/null
fi
if [[ ! -x bench/node_modules/.bin/lighthouse ]]; then
    # One of Lighthouse's dependencies asks for `third-party-web@latest`: when a new version
    # comes out the lock file no longer matches, and `npm install` brings it in.
    (cd bench && { npm ci --no-audit --no-fund >/dev/null 2>&1 || npm install --no-audit --no-fund >/dev/null; })
fi
say "release build"
cargo leptos build --release --precompress 2>&1 | tail -n 1
BIN="$ROOT/target/release/cassiopee"

# --- databases ---------------------------------------------------------------------------
ENGINE=sqlite
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
    ENGINE=postgres
    name="${DATABASE_URL##*/}"
    admin="${DATABASE_URL%/*}/postgres"
    psql "$admin" -qc "DROP DATABASE IF EXISTS \"$name\"" -c "CREATE DATABASE \"$name\""
    LARGE_URL="$DATABASE_URL"
    sql() { psql "$LARGE_URL" -qAtc "$1"; }
else
    LARGE_URL="sqlite://$WORK/large.sqlite?mode=rwc"
    sql() { sqlite3 "$WORK/large.sqlite" "$1"; }
fi
DEMO_URL="sqlite://$WORK/demo.sqlite?mode=rwc"
export LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT="$ROOT/target/site" RUST_LOG=warn
export CASSIOPEE_MAIL_DIR="$WORK/mail"

say "seed --large ($ENGINE)"
start=$(date +%s.%N)
DATABASE_URL="$LARGE_URL" "$BIN" seed --large | tail -n 3
printf 'wall time: %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
DATABASE_URL="$DEMO_URL" "$BIN" migrate >/dev/null
DATABASE_URL="$DEMO_URL" "$BIN" seed --demo >/dev/null

# The race's session: 20 seats, published, in 400 days (after every session of the data set,
# so that no officer is refused for an overlap), added through SQL: the bench's own setup, not
# a path of the app.
START="$(date -u -d '+400 days' +%Y-%m-%dT08:00:00+00:00)"
END="$(date -u -d '+400 days' +%Y-%m-%dT16:00:00+00:00)"
DEADLINE="$(date -u -d '+399 days' +%Y-%m-%dT08:00:00+00:00)"
NOW="$(date -u +%Y-%m-%dT%H:%M:%S+00:00)"
RACE_ID="$(sql "INSERT INTO sessions (training_id, starts_at, ends_at, location, capacity,
    min_participants, enrolment_deadline, cancellation_deadline, trainer, status, seats_taken,
    waitlist_seq, created_at, updated_at)
    SELECT MIN(id), '$START', '$END', 'École militaire, Paris', 20, 1, '$DEADLINE', '$DEADLINE',
    'Banc d''essai', 'publiee', 0, 0, '$NOW', '$NOW' FROM trainings RETURNING id" | head -n 1)"
[[ -n "$RACE_ID" ]] || { echo "could not add the race's session" >&2; exit 1; }
sql "SELECT email FROM users WHERE role = 'officer' AND active = TRUE
    AND email <> 'officier@mirvog.demo' ORDER BY id LIMIT 500" >"$WORK/racers"
[[ "$(wc -l <"$WORK/racers")" -eq 500 ]] || { echo "fewer than 500 officers to race" >&2; exit 1; }
SESSION_ID="$(sql "SELECT e.session_id FROM enrolments e JOIN users u ON u.id = e.officer_id
    JOIN sessions s ON s.id = e.session_id
    WHERE u.email = 'officier@mirvog.demo' AND s.starts_at > CURRENT_TIMESTAMP
    ORDER BY s.starts_at LIMIT 1")"
if [[ -z "$SESSION_ID" ]]; then
    SESSION_ID="$(sql "SELECT id FROM sessions WHERE status = 'publiee'
        AND starts_at > CURRENT_TIMESTAMP ORDER BY starts_at LIMIT 1")"
fi

# --- serving -----------------------------------------------------------------------------
PEAKS="$WORK/peaks"
: >"$PEAKS"
serve() {
    DATABASE_URL="$1" "$BIN" serve >>"$WORK/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "$BASE/connexion" && break
        sleep 0.1
    done
}
# phase LABEL: the server's peak resident memory since the last phase (the kernel's high-water
# mark, VmHWM, exact where sampling would miss a spike), then that mark is reset.
phase() {
    local kb
    kb="$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER/status" 2>/dev/null || echo 0)"
    echo "$kb $1" >>"$PEAKS"
    echo 5 >"/proc/$SERVER/clear_refs" 2>/dev/null || true
}
stop() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
}
login() { # login EMAIL COOKIE-JAR
    curl -sf -o /dev/null -c "$2" -H 'Accept: text/html' -H "Origin: $BASE" \
        --data-urlencode "email=$1" --data-urlencode "password=Cassiopee2026!" \
        --data-urlencode "next=" "$BASE/api/connexion"
}
cookie_of() { awk '$6 == "cassiopee_session" { print "cassiopee_session=" $7 }' "$1"; }

# wrk LABEL CONNECTIONS PATH [COOKIE]: one line of the table; the requests per second of
# each label is kept for the ratios.
RESULTS="$WORK/results"
: >"$RESULTS"
bench() {
    local label="$1" conns="$2" path="$3" cookie="${4:-}" out
    local threads=$((conns < 2 ? 1 : 2))
    out="$(wrk -t"$threads" -c"$conns" -d"$DURATION" --latency \
        -H 'Accept-Encoding: br' ${cookie:+-H "Cookie: $cookie"} "$BASE$path")"
    local rps p50 p99 errors
    rps="$(awk '/Requests\/sec/ { print $2 }' <<<"$out")"
    p50="$(awk '$1 == "50%" { print $2 }' <<<"$out")"
    p99="$(awk '$1 == "99%" { print $2 }' <<<"$out")"
    errors="$(awk '/Non-2xx|Socket errors/ { printf "%s ", $0 }' <<<"$out")"
    printf '%-34s %4s conn  %10.0f req/s   p50 %9s   p99 %9s  %s\n' \
        "$label" "$conns" "$rps" "$p50" "$p99" "$errors"
    echo "$label $conns $rps" >>"$RESULTS"
}
rps_of() { awk -v l="$1" -v c="$2" '$1 == l && $2 == c { print $3 }' "$RESULTS"; }

say "large data set ($ENGINE): wrk, $DURATION per line"
serve "$LARGE_URL"
phase "start (large data set)"
login officier@mirvog.demo "$WORK/jar"
phase "one login"
COOKIE="$(cookie_of "$WORK/jar")"
STATIC="/$(cd target/site && ls pkg/*.css | head -n 1)"
for conns in 16 64; do
    bench connexion "$conns" /connexion
    bench static-file "$conns" "$STATIC"
    bench formations "$conns" /formations "$COOKIE"
    bench session "$conns" "/sessions/$SESSION_ID" "$COOKIE"
    bench mes-formations "$conns" /mes-formations "$COOKIE"
done
bench connexion 1 /connexion
bench static-file 1 "$STATIC"
for conns in 16 64; do
    for page in static-file formations session mes-formations; do
        printf '%-34s %4s conn  %6.2f × /connexion\n' "$page" "$conns" \
            "$(echo "$(rps_of "$page" "$conns") / $(rps_of connexion "$conns")" | bc -l)"
    done
done
printf '%-34s %4s conn  %6.2f × /connexion\n' static-file 1 \
    "$(echo "$(rps_of static-file 1) / $(rps_of connexion 1)" | bc -l)"

phase "wrk on the large data set: 16 and 64 connections, 1 connection"
say "page sizes on the large data set (brotli, as sent)"
for path in /formations "/sessions/$SESSION_ID" /mes-formations; do
    size=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: br' \
        -H "Cookie: $COOKIE" "$BASE$path")
    printf '%-34s %7.1f KB\n' "$path" "$(echo "$size / 1024" | bc -l)"
done

say "the enrolment race over HTTP: 500 officers, session $RACE_ID (20 seats), all at once"
node bench/race.mjs "$BASE" "$RACE_ID" "$WORK/racers"
confirmed=$(sql "SELECT COUNT(*) FROM enrolments WHERE session_id = $RACE_ID AND status = 'inscrit'")
waiting=$(sql "SELECT COUNT(*) FROM enrolments WHERE session_id = $RACE_ID AND status = 'liste_attente'")
ranks=$(sql "SELECT COUNT(DISTINCT waitlist_rank) FROM enrolments WHERE session_id = $RACE_ID AND status = 'liste_attente'")
taken=$(sql "SELECT seats_taken FROM sessions WHERE id = $RACE_ID")
echo "in the database: $confirmed confirmed, $waiting waitlisted with $ranks distinct positions, seats taken $taken"

phase "the race: 500 logins, then 500 enrolments at once"
say "Lighthouse, mobile (large data set)"
for path in /formations /mes-formations; do
    CHROME_PATH=/usr/bin/chromium bench/node_modules/.bin/lighthouse "$BASE$path" \
        --quiet --output=json --output-path="$WORK/lh.json" \
        --only-categories=performance,accessibility,best-practices \
        --extra-headers="{\"Cookie\": \"$COOKIE\"}" \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>&1 || true
    node -e '
        const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const s = (k) => Math.round((r.categories[k]?.score ?? 0) * 100);
        const a = (k) => r.audits[k]?.displayValue ?? "?";
        console.log(`${process.argv[2].padEnd(20)} performance ${s("performance")}  accessibility ${s("accessibility")}  best practices ${s("best-practices")}   FCP ${a("first-contentful-paint")}  LCP ${a("largest-contentful-paint")}  transferred ${a("total-byte-weight")}`);
    ' "$WORK/lh.json" "$path" 2>/dev/null || echo "$path: Lighthouse did not finish"
done
phase "Lighthouse (Chromium loading both pages and their files)"
stop

say "demo data: /formations"
serve "$DEMO_URL"
login officier@mirvog.demo "$WORK/jar-demo"
DEMO_COOKIE="$(cookie_of "$WORK/jar-demo")"
for conns in 16 64; do
    bench connexion-demo "$conns" /connexion
    bench formations-demo "$conns" /formations "$DEMO_COOKIE"
done
phase "demo data: start, one login, wrk"
stop
for conns in 16 64; do
    large=$(echo "$(rps_of formations "$conns") / $(rps_of connexion "$conns")" | bc -l)
    demo=$(echo "$(rps_of formations-demo "$conns") / $(rps_of connexion-demo "$conns")" | bc -l)
    printf '/formations at %s connections: %.2f × /connexion on the demo data, %.2f on the large set: %.2f× slower\n' \
        "$conns" "$demo" "$large" "$(echo "$demo / $large" | bc -l)"
done

say "peak server RSS by phase (logins included), and over the run"
awk '{ kb = $1; $1 = ""; printf "%-70s %7.1f MB\n", substr($0, 2), kb / 1024; if (kb > max) max = kb }
     END { printf "%-70s %7.1f MB\n", "over the run", max / 1024 }' "$PEAKS"

say "bundle sizes"
node - "$ROOT/target/site/pkg" <<'JS'
const fs = require("fs"), path = require("path"), zlib = require("zlib");
const dir = process.argv[2];
console.log("file".padEnd(44), "raw KB".padStart(8), "gzip KB".padStart(8), "brotli KB".padStart(10));
for (const f of fs.readdirSync(dir).sort()) {
  if (!/\.(wasm|js|css)$/.test(f)) continue;
  const d = fs.readFileSync(path.join(dir, f));
  const kb = (n) => (n / 1024).toFixed(1);
  console.log(f.padEnd(44), kb(d.length).padStart(8), kb(zlib.gzipSync(d, { level: 9 }).length).padStart(8),
    kb(zlib.brotliCompressSync(d).length).padStart(10));
}
JS
