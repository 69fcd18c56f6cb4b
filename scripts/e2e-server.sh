#!/usr/bin/env bash
# Started by Playwright (end2end/playwright.config.ts, webServer): serves the release binary on
# 127.0.0.1:3100 with a fresh database holding the demo data and the test officers
# e2e-1@mirvog.demo … e2e-19@mirvog.demo (password "E2e-motdepasse").
# Needs a release build (`cargo leptos build --release`). Logs go to target/e2e/.
#
# CASSIOPEE_E2E_TOPOLOGY chooses what serves:
#   single (default)  one instance on a new SQLite file;
#   nginx             production's topology (scripts/topology.sh): a new PostgreSQL database,
#                     two instances started at the same moment on it (they race to migrate it),
#                     and Debian's nginx in front of them with deploy/nginx-cassiopee.conf.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BIN="$ROOT/target/release/cassiopee"
if [[ ! -x "$BIN" ]] || ! compgen -G "$ROOT/target/site/pkg/*.wasm" >/dev/null; then
    echo "[e2e-server] $BIN or its site bundle is missing: run 'cargo leptos build --release' first" >&2
    exit 1
fi

TOPOLOGY="${CASSIOPEE_E2E_TOPOLOGY:-single}"
DIR="$ROOT/target/e2e"
rm -rf "$DIR"
mkdir -p "$DIR"
LOG="$DIR/server.log"

export CASSIOPEE_SECURE_COOKIES=false
export CASSIOPEE_MAIL_DIR="$DIR/courriels"
export RUST_LOG="${RUST_LOG:-info}"
case "$TOPOLOGY" in
    single)
        export DATABASE_URL="sqlite://$DIR/e2e.sqlite?mode=rwc"
        export LEPTOS_SITE_ADDR="127.0.0.1:3100"
        ;;
    nginx)
        PGDB=cassiopee_e2e_nginx
        dropdb -h 127.0.0.1 -U postgres --if-exists --force "$PGDB"
        createdb -h 127.0.0.1 -U postgres "$PGDB"
        export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$PGDB"
        export CASSIOPEE_TRUSTED_PROXIES="127.0.0.1"
        export CASSIOPEE_PUBLIC_URL="http://127.0.0.1:3100"
        ;;
    *)
        echo "[e2e-server] CASSIOPEE_E2E_TOPOLOGY must be single or nginx, not $TOPOLOGY" >&2
        exit 1
        ;;
esac

echo "[e2e-server] $TOPOLOGY: database $DATABASE_URL, logs in $DIR" >&2
# Runs one CLI command, logging to $LOG; on failure shows the log's end and stops.
run() {
    if ! "$BIN" "$@" >>"$LOG" 2>&1 </dev/null; then
        echo "[e2e-server] 'cassiopee $*' failed; last lines of $LOG:" >&2
        tail -n 40 "$LOG" >&2
        exit 1
    fi
}

# The demo data and the test officers, the password on standard input as an operator's script
# gives it (never as an argument).
load_data() {
    run seed --demo
    for n in $(seq 1 19); do
        if ! printf '%s\n' "E2e-motdepasse" | "$BIN" create-user --email "e2e-$n@mirvog.demo" \
            --name "Général Essai $n" --role officer >>"$LOG" 2>&1; then
            echo "[e2e-server] 'cassiopee create-user' failed; last lines of $LOG:" >&2
            tail -n 40 "$LOG" >&2
            exit 1
        fi
    done
}

if [[ "$TOPOLOGY" == single ]]; then
    run migrate
    load_data
    exec "$BIN" serve >>"$LOG" 2>&1
fi

# --- nginx: two instances on one new PostgreSQL database, nginx in front -----------------
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait' EXIT
# Stopped by Playwright (SIGTERM): the instances finish their requests and email batches.
trap 'exit 0' INT TERM
# Both start at once on the new database: one migrates, the other waits for it.
for n in 1 2; do
    LEPTOS_SITE_ADDR="127.0.0.1:310$n" "$BIN" serve >>"$DIR/instance-$n.log" 2>&1 &
    PIDS+=($!)
done
for n in 1 2; do
    for _ in $(seq 1 150); do
        curl -sf -o /dev/null "http://127.0.0.1:310$n/readyz" && break
        sleep 0.2
    done
    if ! curl -sf -o /dev/null "http://127.0.0.1:310$n/readyz"; then
        echo "[e2e-server] instance $n is not ready; last lines of its log:" >&2
        tail -n 40 "$DIR/instance-$n.log" >&2
        exit 1
    fi
done
load_data

NGINX="$DIR/nginx"
mkdir -p "$NGINX/temp"
chmod -R a+rwx "$NGINX/temp"
# The shipped site, on this machine's ports: nginx on 3100, the instances on 3101 and 3102.
sed -e 's/listen 80;/listen 127.0.0.1:3100;/' \
    -e 's/127\.0\.0\.1:3001/127.0.0.1:3101/' -e 's/127\.0\.0\.1:3002/127.0.0.1:3102/' \
    -e "s#/var/log/nginx/cassiopee.access.log#$NGINX/access.log#" \
    "$ROOT/deploy/nginx-cassiopee.conf" >"$NGINX/site.conf"
cat >"$NGINX/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $NGINX/nginx.pid;
error_log $NGINX/error.log warn;
events { worker_connections 256; }
http {
    access_log $NGINX/access.log;
    client_body_temp_path $NGINX/temp/body;
    proxy_temp_path $NGINX/temp/proxy;
    fastcgi_temp_path $NGINX/temp/fastcgi;
    uwsgi_temp_path $NGINX/temp/uwsgi;
    scgi_temp_path $NGINX/temp/scgi;
    include $NGINX/site.conf;
}
CONF
/usr/sbin/nginx -t -p "$NGINX" -c "$NGINX/nginx.conf" >>"$LOG" 2>&1
/usr/sbin/nginx -p "$NGINX" -c "$NGINX/nginx.conf" >>"$LOG" 2>&1 &
PIDS+=($!)
# Serves until Playwright stops it, or until one of the three stops by itself.
wait -n
echo "[e2e-server] a process of the topology stopped; last lines of the logs:" >&2
tail -n 20 "$DIR"/instance-*.log "$NGINX/error.log" >&2
exit 1
