#!/usr/bin/env bash
# Restores a backup written by `cassiopee backup` into a NEW database, brings its schema to
# this binary's version and checks it (`cassiopee check`: schema, integrity, the rules of
# product §3, the count of each kind of record). Exits non-zero when anything is wrong.
#
#   scripts/restore.sh BACKUP DATABASE_URL
#
# SQLite (DATABASE_URL sqlite://chemin.sqlite?mode=rwc): the file must not exist; the backup is
# copied there. PostgreSQL (postgres://…/base): the database must exist and be empty (create it
# with `createdb base`); pg_restore loads it in one transaction, and stops at the first error.
# The binary is $CASSIOPEE_BIN, else target/release/cassiopee, else `cassiopee` on PATH.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "Utilisation : scripts/restore.sh SAUVEGARDE DATABASE_URL" >&2
    exit 2
fi
BACKUP="$1"
URL="$2"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${CASSIOPEE_BIN:-}"
if [[ -z "$BIN" ]]; then
    if [[ -x "$ROOT/target/release/cassiopee" ]]; then
        BIN="$ROOT/target/release/cassiopee"
    else
        BIN="$(command -v cassiopee || true)"
    fi
fi
[[ -x "$BIN" ]] || { echo "Erreur : binaire cassiopee introuvable (CASSIOPEE_BIN)." >&2; exit 1; }
[[ -f "$BACKUP" ]] || { echo "Erreur : sauvegarde introuvable : $BACKUP" >&2; exit 1; }

case "$URL" in
    sqlite:*)
        file="${URL#sqlite://}"
        file="${file#sqlite:}"
        file="${file%%\?*}"
        if [[ -e "$file" ]]; then
            echo "Erreur : $file existe déjà : la restauration se fait dans une base neuve." >&2
            exit 1
        fi
        if [[ "$(head -c 15 "$BACKUP")" != "SQLite format 3" ]]; then
            echo "Erreur : $BACKUP n'est pas une sauvegarde SQLite." >&2
            exit 1
        fi
        cp "$BACKUP" "$file.partiel"
        sync "$file.partiel"
        mv "$file.partiel" "$file"
        ;;
    postgres:* | postgresql:*)
        tables="$(psql "$URL" -XAtqc "select count(*) from information_schema.tables where table_schema = 'public'")"
        if [[ "$tables" != 0 ]]; then
            echo "Erreur : la base cible contient déjà $tables table(s) : la restauration se fait dans une base neuve (createdb)." >&2
            exit 1
        fi
        pg_restore --single-transaction --exit-on-error --no-owner --no-privileges \
            --dbname="$URL" "$BACKUP"
        ;;
    *)
        echo "Erreur : DATABASE_URL inconnue (attendu : sqlite://… ou postgres://…)." >&2
        exit 1
        ;;
esac

echo "Sauvegarde restaurée : $BACKUP"
DATABASE_URL="$URL" "$BIN" migrate
DATABASE_URL="$URL" "$BIN" check
