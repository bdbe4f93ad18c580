#!/usr/bin/env bash
# CLI tests of `edra anonymize`: the ARX 3.9.2 optima on Adult (../shared/data/REFERENCE.md),
# the released file (mode 0600, identifiers removed, suppressed rows '*' in every QI, one row
# per input row, CSV and SQLite), the not-met exit, and usage errors.
set -u
. "$(dirname "$0")/lib.sh"
edra=$EDRA_BIN

# --- help and usage
expect_exit 0 "" "$edra" help anonymize
grep -q -- "--threads" "$tmp/out" && ok || fail "help anonymize does not document --threads"
grep -q -- "--out" "$tmp/out" && ok || fail "help anonymize does not document --out"
expect_exit 2 "expected one SPEC" "$edra" anonymize
expect_exit 2 "--threads: '0' is not an integer in 1..256" "$edra" anonymize --threads 0 x.yaml
expect_exit 2 "--threads: 'two' is not an integer in 1..256" "$edra" anonymize --threads two x.yaml
expect_exit 2 "unknown" "$edra" anonymize --no-such-option x.yaml

if [ -z "$(shared_data)" ]; then
  echo "SKIP: ../shared/data not found" >&2
  if [ "$failed" -ne 0 ]; then finish; exit 1; fi
  exit 77
fi
d=$(shared_data)
cols="sex age race marital-status education native-country workclass occupation salary-class"
levels_of() { # the 9 levels of a --json result, in the file's column order
  jq -r '.search.levels | [.sex, .age, .race, ."marital-status", .education, ."native-country",
         .workclass, .occupation, ."salary-class"] | map(tostring) | join(",")' "$1"
}

# --- Adult, k = 5, no suppression: levels 0,4,1,1,3,2,2,1,0, loss 0.5731509655590044
adult_spec "$tmp/k5.yaml" "targets: {k: 5}"
expect_exit 0 "" "$edra" anonymize --json "$tmp/k5.json" --out "$tmp/k5.csv" "$tmp/k5.yaml"
expect_eq levels_s0 "$(levels_of "$tmp/k5.json")" "0,4,1,1,3,2,2,1,0"
expect_eq suppressed_s0 "$(jq .search.suppressed "$tmp/k5.json")" 0
expect_close loss_s0 "$(jq .search.loss "$tmp/k5.json")" 0.5731509655590044 1e-9
expect_eq proven_s0 "$(jq .search.proven_optimal "$tmp/k5.json")" true
expect_eq lattice_s0 "$(jq .search.lattice_nodes "$tmp/k5.json")" 12960
expect_eq targets_met_s0 "$(jq .targets_met "$tmp/k5.json")" true
expect_eq mode_s0 "$(stat -c %a "$tmp/k5.csv")" 600
expect_eq rows_s0 "$(($(wc -l <"$tmp/k5.csv") - 1))" 30162
# The summary names the optimum and the loss.
expect_exit 0 "" "$edra" anonymize "$tmp/k5.yaml"
grep -q "Optimal transformation sex=0,age=4,race=1,marital-status=1,education=3,native-country=2,workclass=2,occupation=1,salary-class=0" "$tmp/out" \
  && ok || fail "summary lacks the optimal levels"
grep -q "proven optimal" "$tmp/out" && ok || fail "summary lacks 'proven optimal'"
grep -q "Loss (loss) 0.5731509656" "$tmp/out" && ok || fail "summary lacks the loss"

# --- Adult with an identifier column, k = 5, 5% suppression: levels 0,3,0,0,2,1,1,2,0,
# 1,346 records suppressed, loss 0.2419323650662908
awk 'BEGIN { FS = OFS = ";" } NR == 1 { print "record_id", $0; next } { print "id" NR - 1, $0 }' \
  "$d/adult/adult.csv" >"$tmp/adult_id.csv"
{
  echo "data: {csv: $tmp/adult_id.csv, delimiter: \";\"}"
  echo "attributes:"
  echo "  record_id: {role: identifier}"
  for c in $cols; do echo "  $c: {role: quasi, hierarchy: $d/adult/adult_hierarchy_$c.csv}"; done
  echo "targets: {k: 5, suppression: 0.05}"
} >"$tmp/s5.yaml"
expect_exit 0 "" "$edra" anonymize --threads 2 --json "$tmp/s5.json" --out "$tmp/s5.csv" "$tmp/s5.yaml"
j=$tmp/s5.json
expect_eq levels_s5 "$(levels_of "$j")" "0,3,0,0,2,1,1,2,0"
expect_eq suppressed_s5 "$(jq .search.suppressed "$j")" 1346
expect_eq figures_suppressed_s5 "$(jq .figures.suppressed "$j")" 1346
expect_close loss_s5 "$(jq .search.loss "$j")" 0.2419323650662908 1e-9
expect_close arx_loss_s5 "$(jq .search.arx_loss "$j")" 0.2419323650662908 1e-9
expect_eq k_s5 "$(jq .figures.k "$j")" 5
expect_eq checked_listed "$(jq '.search.nodes | length' "$j")" "$(jq .search.nodes_checked "$j")"
expect_eq released_rows "$(jq .released.rows "$j")" 30162
out=$tmp/s5.csv
expect_eq mode_s5 "$(stat -c %a "$out")" 600
expect_eq header_s5 "$(head -1 "$out")" "sex;age;race;marital-status;education;native-country;workclass;occupation;salary-class"
if grep -q "record_id\|id12345" "$out"; then fail "an identifier reached the release"; else ok; fi
expect_eq rows_s5 "$(($(wc -l <"$out") - 1))" 30162
# Suppressed rows carry '*' in every QI; released rows keep sex (level 0) as it was.
expect_eq star_rows "$(awk -F';' 'NR > 1 { n = 0; for (i = 1; i <= NF; i++) n += $i == "*"; if (n == NF) s++ } END { print s + 0 }' "$out")" 1346
expect_eq partial_sex "$(awk -F';' 'NR > 1 && $1 == "*" && $2 != "*"' "$out" | wc -l)" 0
# Each released age is the age hierarchy's level-3 label of the input row's age.
expect_eq age_level3_mismatches "$(paste -d';' <(tail -n +2 "$tmp/adult_id.csv") <(tail -n +2 "$out") |
  awk -F';' -v h="$d/adult/adult_hierarchy_age.csv" '
    BEGIN { while ((getline line < h) > 0) { split(line, a, ";"); label[a[1]] = a[4] } }
    $11 != "*" && label[$3] != $12 { bad++ } END { print bad + 0 }')" 0

# --- SQLite output: a table 'released' with the same rows
expect_exit 0 "" "$edra" anonymize --quiet --out "$tmp/s5.sqlite" "$tmp/s5.yaml"
expect_eq mode_sqlite "$(stat -c %a "$tmp/s5.sqlite")" 600
expect_eq sqlite_rows "$(sqlite3 "$tmp/s5.sqlite" 'SELECT count(*) FROM released')" 30162
expect_eq sqlite_star "$(sqlite3 "$tmp/s5.sqlite" "SELECT count(*) FROM released WHERE sex = '*' AND age = '*' AND \"salary-class\" = '*'")" 1346
expect_eq sqlite_no_id "$(sqlite3 "$tmp/s5.sqlite" "SELECT count(*) FROM pragma_table_info('released') WHERE name = 'record_id'")" 0

# --- a SQLite source released as CSV (',' separated): same rows, same suppression
sqlite3 "$tmp/adult.db" -cmd ".separator ;" ".import $tmp/adult_id.csv adult"
sed "s|^data: .*|data: {sqlite: {db: $tmp/adult.db, table: adult}}|" "$tmp/s5.yaml" >"$tmp/db.yaml"
expect_exit 0 "" "$edra" anonymize --quiet --out "$tmp/db.csv" "$tmp/db.yaml"
expect_eq db_header "$(head -1 "$tmp/db.csv")" "sex,age,race,marital-status,education,native-country,workclass,occupation,salary-class"
expect_eq db_rows "$(($(wc -l <"$tmp/db.csv") - 1))" 30162
expect_eq db_star_rows "$(awk -F, 'NR > 1 && $1 == "*" && $9 == "*"' "$tmp/db.csv" | wc -l)" 1346

# --- JSON on stdout is JSON and nothing else
expect_exit 0 "" "$edra" anonymize --json - "$tmp/k5.yaml"
jq -e .search.found "$tmp/out" >/dev/null && ok || fail "--json - is not JSON"

# --- an output that cannot be written: exit 1, the path named, nothing left behind
expect_exit 1 "$tmp/no/such/dir/r.csv" "$edra" anonymize --quiet --out "$tmp/no/such/dir/r.csv" "$tmp/k5.yaml"
expect_exit 1 "$tmp/no/such/dir/r.sqlite" "$edra" anonymize --quiet --out "$tmp/no/such/dir/r.sqlite" "$tmp/k5.yaml"
# A SQLite output over an existing file replaces it whole.
echo "not a database" >"$tmp/over.sqlite"
expect_exit 0 "" "$edra" anonymize --quiet --out "$tmp/over.sqlite" "$tmp/k5.yaml"
expect_eq sqlite_replaced "$(sqlite3 "$tmp/over.sqlite" 'SELECT count(*) FROM released')" 30162
expect_eq no_temporaries "$(ls "$tmp" | grep -c '\.tmp\.')" 0

# --- no node meets: exit 3, the closest node named, nothing released
adult_spec "$tmp/huge.yaml" "targets: {k: 40000}"
expect_exit 3 "" "$edra" anonymize --json "$tmp/huge.json" --out "$tmp/huge.csv" "$tmp/huge.yaml"
grep -q "No transformation meets the targets. Closest: sex=" "$tmp/out" && ok || fail "exit 3 without naming the closest node"
expect_eq found_huge "$(jq .search.found "$tmp/huge.json")" false
expect_eq closest_listed "$(jq '.search.closest_levels | length' "$tmp/huge.json")" 9
[ ! -e "$tmp/huge.csv" ] && ok || fail "a release was written though no node meets the targets"

finish
