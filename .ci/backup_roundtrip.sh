#!/usr/bin/env bash
# Proves the backup and restore procedure of docs/operations.md: seed a PostgreSQL
# database, back it up with pg_dump, restore it into a new database with
# pg_restore, and check that row counts and the indicators JSON are identical.
set -euo pipefail
cd "$(dirname "$0")/.."
PG="${PG:-postgres://postgres@127.0.0.1:5432}"
SRC="coproduce_backup_src_$$"
DST="coproduce_backup_dst_$$"
WORK="$(mktemp -d)"
cleanup() {
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $SRC" >/dev/null 2>&1 || true
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DST" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
export DJANGO_DEBUG=1
PY=.venv/bin/python

psql "$PG/postgres" -qc "CREATE DATABASE $SRC"
DATABASE_URL="$PG/$SRC" $PY manage.py migrate --noinput -v0
DATABASE_URL="$PG/$SRC" $PY manage.py seed_demo >/dev/null

# The backup, as docs/operations.md gives it.
pg_dump --format=custom --no-owner --dbname="$PG/$SRC" --file="$WORK/coproduce.dump"
# The restore into a new, empty database.
psql "$PG/postgres" -qc "CREATE DATABASE $DST"
pg_restore --no-owner --exit-on-error --dbname="$PG/$DST" "$WORK/coproduce.dump"

counts() {
  psql "$PG/$1" -At -c "
    SELECT string_agg(format('%s=%s', relname, n_live), ' ' ORDER BY relname)
    FROM (SELECT c.relname,
                 (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', c.relname), false, true, '')))[1]::text AS n_live
          FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
          WHERE ns.nspname = 'public' AND c.relkind = 'r') t"
}
counts "$SRC" > "$WORK/src.counts"
counts "$DST" > "$WORK/dst.counts"
diff "$WORK/src.counts" "$WORK/dst.counts"
echo "row counts identical: $(wc -w < "$WORK/src.counts") tables"

DATABASE_URL="$PG/$SRC" $PY manage.py indicators > "$WORK/src.json"
DATABASE_URL="$PG/$DST" $PY manage.py indicators > "$WORK/dst.json"
$PY -c "import json,sys; json.load(open(sys.argv[1]))" "$WORK/src.json"
cmp "$WORK/src.json" "$WORK/dst.json"
echo "indicators JSON identical: $(wc -c < "$WORK/src.json") bytes"
echo "backup and restore round trip passed"
