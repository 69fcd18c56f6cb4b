#!/usr/bin/env bash
# Backup and restore, as an operator does them, on SQLite and on PostgreSQL (run by
# scripts/test.sh after the release build): a server serves the demo data and takes logins
# (each one writes) while `cassiopee backup` copies its database; scripts/restore.sh puts the
# copy into a new database and checks it; the counts of every kind of record must be the
# source's, every rule of product §3 must hold, and a restore into a database that is not new
# must be refused.
#
#   bash scripts/backup-test.sh        # PostgreSQL part skipped when it does not answer,
#   REQUIRE_POSTGRES=1 bash scripts/…  # unless required
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/target/release/cassiopee"
[[ -x "$BIN" ]] || { echo "[backup] $BIN missing: build the release first" >&2; exit 1; }
export CASSIOPEE_BIN="$BIN"
WORK="$(mktemp -d)"
PORT=3190
BASE="http://127.0.0.1:$PORT"
export LEPTOS_SITE_ADDR="127.0.0.1:$PORT" CASSIOPEE_MAIL_DIR="$WORK/courriels" RUST_LOG=warn
SERVER=""
LOAD=""
PG_DBS=()
cleanup() {
    if [[ -n "$LOAD" ]]; then kill "$LOAD" 2>/dev/null || true; fi
    if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    for db in "${PG_DBS[@]}"; do
        dropdb -h 127.0.0.1 -U postgres --if-exists "$db" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "[backup] FAILED: $*" >&2; exit 1; }

# counts URL: the record counts `cassiopee check` prints (« comptes : 23 », …), but for the
# emails still to send: the server goes on sending them after the backup's snapshot.
counts() {
    DATABASE_URL="$1" "$BIN" check | grep -E '^[^:]+ : [0-9]+$' | grep -v '^courriels à envoyer'
}

# round NAME SOURCE_URL TARGET_URL BACKUP_FILE
round() {
    local name="$1" src="$2" dst="$3" file="$4" logins=0
    echo "[backup] $name: demo data, a server taking logins, a backup meanwhile"
    DATABASE_URL="$src" "$BIN" migrate >/dev/null
    DATABASE_URL="$src" "$BIN" seed --demo >/dev/null
    DATABASE_URL="$src" "$BIN" serve >>"$WORK/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "$BASE/readyz" && break
        sleep 0.1
    done
    curl -sf -o /dev/null "$BASE/readyz" || fail "$name: the server did not start"
    (
        while true; do
            curl -s -o /dev/null -H 'Accept: text/html' -H "Origin: $BASE" \
                --data-urlencode "email=officier@mirvog.demo" \
                --data-urlencode "password=Cassiopee2026!" --data-urlencode "next=" \
                "$BASE/api/connexion"
            echo >>"$WORK/logins"
        done
    ) &
    LOAD=$!
    sleep 1
    DATABASE_URL="$src" "$BIN" backup "$file"
    DATABASE_URL="$src" "$BIN" backup "$file" 2>"$WORK/again" && fail "$name: a backup overwrote a file"
    grep -q "existe déjà" "$WORK/again" || fail "$name: no French refusal: $(cat "$WORK/again")"
    sleep 1
    kill "$LOAD" 2>/dev/null || true; wait "$LOAD" 2>/dev/null || true; LOAD=""
    logins="$(wc -l <"$WORK/logins")"
    rm -f "$WORK/logins"
    kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=""

    echo "[backup] $name: restore into a new database and check"
    bash "$ROOT/scripts/restore.sh" "$file" "$dst" | tee "$WORK/restored"
    grep -q "Base saine." "$WORK/restored" || fail "$name: the restored database is not sound"
    diff <(counts "$src") <(counts "$dst") || fail "$name: the restored counts differ"
    if bash "$ROOT/scripts/restore.sh" "$file" "$dst" >"$WORK/twice" 2>&1; then
        fail "$name: a restore into a database in use was accepted"
    fi
    grep -q "base neuve" "$WORK/twice" || fail "$name: no French refusal: $(cat "$WORK/twice")"
    ROUNDS=$((ROUNDS + 1))
    echo "[backup] $name: ok, $logins logins served around the backup; restored: $(counts "$dst" | paste -sd ';')"
}

ROUNDS=0
round sqlite "sqlite://$WORK/source.sqlite?mode=rwc" "sqlite://$WORK/restored.sqlite?mode=rwc" \
    "$WORK/cassiopee.sqlite.bak"

if pg_isready -q -h 127.0.0.1 -p 5432; then
    src_db="cassiopee_backup_src_$$"
    dst_db="cassiopee_backup_dst_$$"
    PG_DBS=("$src_db" "$dst_db")
    createdb -h 127.0.0.1 -U postgres "$src_db"
    createdb -h 127.0.0.1 -U postgres "$dst_db"
    round postgresql "postgres://postgres@127.0.0.1:5432/$src_db" \
        "postgres://postgres@127.0.0.1:5432/$dst_db" "$WORK/cassiopee.pgdump"
elif [[ "${REQUIRE_POSTGRES:-0}" == 1 ]]; then
    fail "PostgreSQL does not answer on 127.0.0.1:5432"
else
    echo "[backup] postgresql: skipped (no server on 127.0.0.1:5432)"
fi
echo "[backup] all rounds passed"
if [[ -n "${CASSIOPEE_FIGURES:-}" ]]; then
    echo "$ROUNDS backups taken while serving and restored, every count equal" >>"$CASSIOPEE_FIGURES/backup.txt"
fi
