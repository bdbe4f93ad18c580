#!/usr/bin/env bash
# `edra sql`: the generated GROUP BY query, run where the data live, gives a counted table on
# which every figure equals the record-level one. Runs the query against a SQLite copy of the
# sample and against a real PostgreSQL server started here: initdb in a temporary folder,
# listening on 127.0.0.1 (random high port) and a Unix socket in that folder, always stopped
# on exit. initdb refuses to run as root, so as root (CI) the server runs as the unprivileged
# user `nobody` through runuser, in a folder it owns; psql stays the caller and only talks to
# the socket. Without initdb/pg_ctl (Debian: package postgresql, binaries in
# /usr/lib/postgresql/VERSION/bin) the PostgreSQL half is skipped (exit 77 after the SQLite
# half passed).
set -u
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not found"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not found"; exit 77; }

src=$EDRA_SRCDIR/samples
cp "$src"/hierarchy_*.csv "$tmp"/
pg_data="" pg_dir="" pg_bin=""
cleanup() {
  if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ -z "$pg_dir" ] || rm -rf "$pg_dir"
  rm -rf "$tmp"
}
trap cleanup EXIT
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

# The record-level figures, and the spec for a counted table (same spec, data replaced).
sed -e "s|^  csv: discharge.csv|  csv: $src/discharge.csv|" "$src/discharge.yaml" >"$tmp/record.yaml"
sed -e "s|^  csv: discharge.csv|  csv: counts.csv|" -e 's|^  missing: \[""\]|&\n  count: n|' \
  "$src/discharge.yaml" >"$tmp/counts.yaml"
levels=(--levels zip=3,birth_date=3,admission_date=3,length_of_stay=2 --suppress)
"$EDRA_BIN" assess "$tmp/record.yaml" --json "$tmp/record.json" -q >/dev/null 2>&1
"$EDRA_BIN" assess "$tmp/record.yaml" "${levels[@]}" --json "$tmp/record-levels.json" -q >/dev/null 2>&1
[ -s "$tmp/record.json" ] && [ -s "$tmp/record-levels.json" ] || fail "record-level assess wrote no JSON"

flat() {
  jq -r '.figures | paths(scalars) as $p | [($p | map(tostring) | join(".")), (getpath($p) | tostring)] | @tsv' "$1" | sort
}
# same_figures NAME A.json B.json: same fields; numbers equal to 1e-12 relative, the rest exactly.
same_figures() {
  flat "$2" >"$tmp/fa"
  flat "$3" >"$tmp/fb"
  if ! cut -f1 "$tmp/fa" | cmp -s - <(cut -f1 "$tmp/fb"); then
    fail "$1: the figures have different fields"
    return
  fi
  local bad
  bad=$(paste "$tmp/fa" "$tmp/fb" | awk -F'\t' '
    function num(s) { return s ~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ }
    { if (num($2) && num($4)) { d = $2 - $4; if (d < 0) d = -d; s = $4 < 0 ? -$4 : $4;
                                if (d > 1e-12 * (s > 1 ? s : 1)) print $1 ": " $2 " vs " $4 }
      else if ($2 != $4) print $1 ": " $2 " vs " $4 }' | head -5)
  if [ -n "$bad" ]; then fail "$1: $bad"; else ok; fi
  if [ "$(wc -l <"$tmp/fa")" -gt 50 ]; then ok; else fail "$1: only $(wc -l <"$tmp/fa") figures"; fi
}

# check_counts NAME: counts.csv (written by a database) gives the record-level figures.
check_counts() {
  expect_eq "$1: header" "$(head -1 "$tmp/counts.csv")" \
    "zip,birth_date,sex,admission_date,length_of_stay,discharge_status,icd10_chapter,n"
  expect_eq "$1: records" "$(awk -F, 'NR > 1 { s += $NF } END { print s }' "$tmp/counts.csv")" 5000
  "$EDRA_BIN" assess "$tmp/counts.yaml" --json "$tmp/counts.json" -q >/dev/null 2>"$tmp/err" || [ $? -eq 3 ] ||
    fail "$1: assess: $(head -c 300 "$tmp/err")"
  same_figures "$1: as they stand" "$tmp/record.json" "$tmp/counts.json"
  "$EDRA_BIN" assess "$tmp/counts.yaml" "${levels[@]}" --json "$tmp/counts-levels.json" -q >/dev/null 2>"$tmp/err" ||
    [ $? -eq 3 ] || fail "$1: assess --levels: $(head -c 300 "$tmp/err")"
  same_figures "$1: generalized and suppressed" "$tmp/record-levels.json" "$tmp/counts-levels.json"
}

# ---- the query itself ----
expect_exit 0 "" "$EDRA_BIN" sql "$tmp/record.yaml"
q=$(cat "$tmp/out")
for c in zip birth_date sex admission_date length_of_stay discharge_status icd10_chapter; do
  case $q in *"\"$c\""*) ok ;; *) fail "the query does not select \"$c\": $q" ;; esac
done
# Identifiers and insensitive columns are never selected.
for c in patient_id name payer charges; do
  case $q in *"\"$c\""*) fail "the query names \"$c\"" ;; *) ok ;; esac
done
case $q in *'COUNT(*) AS "n"'*'FROM "discharge"'*'GROUP BY "zip", "birth_date"'*) ok ;;
  *) fail "unexpected query: $q" ;; esac
expect_exit 0 "" "$EDRA_BIN" sql "$tmp/record.yaml" --dialect spark --table 'warehouse.stays'
case $(cat "$tmp/out") in *'SELECT `zip`'*'FROM `warehouse`.`stays`'*) ok ;; *) fail "spark: $(cat "$tmp/out")" ;; esac
expect_exit 2 "dialect: 'oracle' is not postgres, spark or sqlite" "$EDRA_BIN" sql "$tmp/record.yaml" --dialect oracle
expect_exit 2 "count column 'zip' is also a column" "$EDRA_BIN" sql "$tmp/record.yaml" --count zip
expect_exit 2 "expected SPEC" "$EDRA_BIN" sql
expect_exit 2 "nope.yaml" "$EDRA_BIN" sql "$tmp/nope.yaml"

# ---- SQLite ----
sqlite3 "$tmp/sample.db" <<EOF
CREATE TABLE discharge (patient_id TEXT, name TEXT, zip TEXT, birth_date TEXT, sex TEXT,
  admission_date TEXT, length_of_stay INTEGER, icd10_chapter TEXT, payer TEXT, charges REAL,
  discharge_status TEXT);
.mode csv
.import --skip 1 $src/discharge.csv discharge
EOF
expect_eq "sqlite rows" "$(sqlite3 "$tmp/sample.db" 'SELECT COUNT(*) FROM discharge')" 5000
"$EDRA_BIN" sql "$tmp/record.yaml" --dialect sqlite >"$tmp/query.sql"
sqlite3 -header -csv "$tmp/sample.db" <"$tmp/query.sql" >"$tmp/counts.csv"
check_counts sqlite
# A spec reading the SQLite table names it in the query by itself; a query source becomes a
# derived table.
sed -e "s|^  csv: discharge.csv|  sqlite: {db: $tmp/sample.db, table: discharge}|" -e '/^  delimiter:/d' \
  "$src/discharge.yaml" >"$tmp/db.yaml"
expect_exit 0 "" "$EDRA_BIN" sql "$tmp/db.yaml" --dialect sqlite
case $(cat "$tmp/out") in *'FROM "discharge"'*) ok ;; *) fail "sqlite table: $(cat "$tmp/out")" ;; esac
sed -e "s|^  csv: discharge.csv|  sqlite: {db: $tmp/sample.db, query: \"SELECT * FROM discharge WHERE sex <> 'U';\"}|" \
  -e '/^  delimiter:/d' "$src/discharge.yaml" >"$tmp/dbq.yaml"
"$EDRA_BIN" sql "$tmp/dbq.yaml" --dialect sqlite >"$tmp/query.sql" 2>"$tmp/err" || fail "query source: $(cat "$tmp/err")"
case $(cat "$tmp/query.sql") in *"FROM (SELECT * FROM discharge WHERE sex <> 'U') AS \"source\""*) ok ;;
  *) fail "query source: $(cat "$tmp/query.sql")" ;; esac
expect_eq "derived-table records" "$(sqlite3 -csv "$tmp/sample.db" <"$tmp/query.sql" | awk -F, '{ s += $NF } END { print s }')" \
  "$(sqlite3 "$tmp/sample.db" "SELECT COUNT(*) FROM discharge WHERE sex <> 'U'")"

# ---- PostgreSQL ----
if [ "$failed" -ne 0 ]; then finish; exit 1; fi
for d in "$(dirname "$(command -v initdb 2>/dev/null || echo /none/x)")" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then pg_bin=$d; break; fi
done
psql=$(command -v psql || true)
[ -n "$psql" ] || psql=$pg_bin/psql
if [ -z "$pg_bin" ] || [ ! -x "$psql" ]; then
  echo "SKIP: PostgreSQL (initdb, pg_ctl, psql) not found; the SQLite checks passed"
  finish >/dev/null
  exit 77
fi
if [ "$(id -u)" -eq 0 ] && ! command -v runuser >/dev/null; then
  echo "SKIP: running as root without runuser to start PostgreSQL as nobody"
  exit 77
fi
pg_dir=$(mktemp -d)
chmod 755 "$pg_dir"
pg_data=$pg_dir/data
[ "$(id -u)" -ne 0 ] || chown nobody "$pg_dir"
as_pg "$pg_bin/initdb" -D "$pg_data" --auth=trust --username=edra --encoding=UTF8 --locale=C \
  >"$pg_dir/initdb.log" 2>&1 || { fail "initdb: $(tail -5 "$pg_dir/initdb.log")"; finish; exit 1; }
started=""
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 40000))
  if as_pg "$pg_bin/pg_ctl" -D "$pg_data" -w -t 60 -l "$pg_dir/server.log" \
       -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null 2>&1; then
    started=1
    break
  fi
done
[ -n "$started" ] || { fail "pg_ctl start: $(tail -5 "$pg_dir/server.log" 2>/dev/null)"; finish; exit 1; }
pg() { "$psql" -X -q -v ON_ERROR_STOP=1 -h "$pg_dir" -p "$port" -U edra -d postgres "$@"; }
pg <<EOF || fail "loading the sample into PostgreSQL"
CREATE TABLE discharge (patient_id text, name text, zip text, birth_date date, sex text,
  admission_date date, length_of_stay integer, icd10_chapter text, payer text, charges numeric,
  discharge_status text);
\copy discharge FROM '$src/discharge.csv' WITH (FORMAT csv, HEADER true)
EOF
expect_eq "postgres rows" "$(pg -At -c 'SELECT COUNT(*) FROM discharge')" 5000
# The server listens on loopback only.
expect_eq "listen_addresses" "$(pg -At -c 'SHOW listen_addresses')" 127.0.0.1
"$EDRA_BIN" sql "$tmp/record.yaml" --dialect postgres >"$tmp/query.sql"
pg --csv -f "$tmp/query.sql" >"$tmp/counts.csv" || fail "psql ran the query: $(head -3 "$tmp/counts.csv")"
check_counts postgres
# A schema-qualified table.
pg -c 'CREATE SCHEMA "Ward 7"; CREATE TABLE "Ward 7".stays AS SELECT * FROM discharge'
"$EDRA_BIN" sql "$tmp/record.yaml" --table 'Ward 7.stays' >"$tmp/query.sql"
pg --csv -f "$tmp/query.sql" >"$tmp/counts.csv" || fail "psql ran the schema query"
check_counts "postgres schema.table"

finish
