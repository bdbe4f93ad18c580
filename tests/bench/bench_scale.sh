#!/usr/bin/env bash
# The scale benchmark of `make bench` (never `make check`): one table of rows, QIs, load,
# assess (every model, the spec's transformation) and search times, nodes checked, peak RSS
# (getrusage, one process per row) and RSS bytes per row, on Adult and on the generated
# discharge data at 1M and 10M rows. The generated CSVs (seed 42) go to $EDRA_BENCH_DIR
# (default /tmp/edra-bench) once and are reused: 10M rows are 977 MB and take a minute.
# Usage: bench_scale.sh BUILDDIR SRCDIR  [EDRA_BENCH_ROWS="1000000 10000000"]
#        [EDRA_BENCH_THREADS=2] [EDRA_BENCH_TIME_LIMIT=60 seconds per search]
set -euo pipefail
build=${1:?usage: bench_scale.sh BUILDDIR SRCDIR}
src=${2:?usage: bench_scale.sh BUILDDIR SRCDIR}
dir=${EDRA_BENCH_DIR:-/tmp/edra-bench}
threads=${EDRA_BENCH_THREADS:-2}
limit=${EDRA_BENCH_TIME_LIMIT:-60}
rows_list=${EDRA_BENCH_ROWS:-1000000 10000000}
bench=$build/tests/bench/bench_scale
gen=$build/samples/gen_discharge
shared=${EDRA_SHARED_DATA:-$src/../shared/data}
mkdir -p "$dir"
cp "$src"/samples/hierarchy_*.csv "$dir"/

# gen8 ROWS FILE: the discharge spec with all 8 non-identifying columns as QIs (charges
# banded) and the diagnosis chapter as the SA; every model is a target. Lattice:
# 4 x 4 x 2 x 4 x 5 x 3 x 3 x 4 = 23,040 nodes (5,760 without charges).
gen8() {
  cat >"$2" <<EOF
data: {csv: gen_$1.csv, delimiter: ","}
attributes:
  patient_id: {role: identifier}
  name: {role: identifier}
  zip: {role: quasi, hierarchy: {mask: 2}}
  birth_date: {role: quasi, type: date, hierarchy: {date: [year, decade]}}
  sex: {role: quasi, hierarchy: hierarchy_sex.csv}
  admission_date: {role: quasi, type: date, hierarchy: {date: [quarter, year]}}
  length_of_stay: {role: quasi, type: integer, hierarchy: {intervals: [5, 10, 20], bottom: 1, top: 30}}
  discharge_status: {role: quasi, hierarchy: hierarchy_discharge_status.csv}
  payer: {role: quasi, hierarchy: hierarchy_payer.csv}
  charges: {role: quasi, type: decimal, hierarchy: {intervals: [5000, 20000], bottom: 0, top: 100000}}
  icd10_chapter: {role: sensitive, hierarchy: hierarchy_icd10_chapter.csv}
population: {region: USA}
targets:
  k: 5
  suppression: 0.05
  average_risk: 0.05
  l: [{model: distinct, l: 2, attribute: icd10_chapter}, {model: entropy, l: 1.5, attribute: icd10_chapter}]
  t: {model: hierarchical, t: 0.3, attribute: icd10_chapter}
transformation: {zip: 1, birth_date: 1, admission_date: 1, length_of_stay: 1, charges: 1}
EOF
}
# gen7: the same without charges (7 QIs + 1 SA): charges are nearly unique (3.6M distinct
# values in 10M rows), so their dictionary and hierarchy dominate the 8-QI memory.
gen7() {
  gen8 "$1" "$2"
  sed -i -e '/^  charges:/d' -e 's/, charges: 1//' "$2"
}

adult() {
  local cols="sex age race marital-status education native-country workclass occupation salary-class"
  {
    echo "data: {csv: $shared/adult/adult.csv, delimiter: \";\"}"
    echo "attributes:"
    for c in $cols; do echo "  $c: {role: quasi, hierarchy: $shared/adult/adult_hierarchy_$c.csv}"; done
    echo "targets: {k: 5, suppression: 0.05}"
  } >"$1"
}

printf '%-14s %10s %4s %10s %7s %6s %8s %9s %6s %9s %13s %9s\n' case rows QIs distinct "load s" "MB/s" \
  "assess s" "assess MB" "B/row" "search s" "nodes" "search MB"
row() {
  local name=$1 spec=$2
  shift 2
  local out
  if ! out=$(cd "$dir" && "$bench" "$spec" "$@"); then
    printf '%-14s failed\n' "$name"
    return
  fi
  # rows qis sas distinct file_mb load_s load_mb_s assess_s search_s checked lattice optimal
  # rss_assess_kb rss_kb bytes_per_row
  echo "$out" | awk -v name="$name" -F'\t' '{
    search = $9 < 0 ? "-" : sprintf("%.2f%s", $9, $12 ? "" : "*");
    nodes = $9 < 0 ? "-" : sprintf("%d/%d", $10, $11);
    smb = $9 < 0 ? "-" : sprintf("%.0f", $14 / 1024);
    printf "%-14s %10d %4d %10d %7.2f %6.0f %8.2f %9.0f %6.0f %9s %13s %9s\n", name, $1, $2 + $3, $4,
           $6, $7, $8, $13 / 1024, $15, search, nodes, smb }'
}

if [ -f "$shared/adult/adult.csv" ]; then
  adult "$dir/adult.yaml"
  row adult "$dir/adult.yaml" --search --threads "$threads"
else
  echo "adult: skipped (no $shared/adult/adult.csv)"
fi
for rows in $rows_list; do
  if [ ! -f "$dir/gen_$rows.csv" ] || [ "$(cat "$dir/gen_$rows.stamp" 2>/dev/null)" != "seed 42 rows $rows" ]; then
    echo "generating $rows rows into $dir/gen_$rows.csv ..." >&2
    "$gen" --seed 42 --rows "$rows" --out "$dir/gen_$rows.csv"
    echo "seed 42 rows $rows" >"$dir/gen_$rows.stamp"
  fi
  gen8 "$rows" "$dir/gen8_$rows.yaml"
  gen7 "$rows" "$dir/gen7_$rows.yaml"
  label=$((rows / 1000000))M
  row "gen $label 7QI" "$dir/gen7_$rows.yaml" --search --threads "$threads" --time-limit "$limit"
  if [ "$rows" -le 1000000 ]; then
    row "gen $label 8QI" "$dir/gen8_$rows.yaml" --search --threads "$threads" --time-limit "$limit"
  else
    row "gen $label 8QI" "$dir/gen8_$rows.yaml"
  fi
done
echo "QIs = quasi-identifiers + sensitive attributes; assess = every model on the spec's"
echo "transformation; assess MB = peak RSS (getrusage) of load + assess, B/row its bytes per record;"
echo "search = lattice search with $threads threads (* = time limit of ${limit}s reached, best node"
echo "found); nodes = checked / lattice; search MB = peak RSS of the whole process."
