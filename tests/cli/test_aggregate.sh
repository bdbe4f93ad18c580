#!/usr/bin/env bash
# Pre-aggregated input (data: {csv: counts.csv, count: n}) gives the record-level figures:
# the sample is aggregated with sqlite3 (GROUP BY its QIs and SA, COUNT(*) AS n), and
# assess (as the data stand, with the spec's levels and with suppression) and anonymize
# run on both; every number of the JSON figures must agree, and the search must pick the
# same node with the same loss. The same spec serves both: identifiers and insensitive
# columns may be absent from a counted table.
set -u
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not found"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not found"; exit 77; }

src=$EDRA_SRCDIR/samples
cp "$src"/hierarchy_*.csv "$tmp"/
sqlite3 "$tmp/sample.db" <<EOF
.mode csv
.import $src/discharge.csv discharge
EOF
# aggregate COLUMNS...: counts.csv, GROUP BY the columns, as any SQL engine writes it.
aggregate() {
  local cols
  cols=$(IFS=,; echo "$*")
  sqlite3 -header -csv "$tmp/sample.db" "SELECT $cols, COUNT(*) AS n FROM discharge GROUP BY $cols" \
    >"$tmp/counts.csv"
}

# The record-level spec and the aggregated one differ only in the data section. In the
# sample nearly every stay is its own combination (birth and admission dates), so the
# "coarse" variant declares both dates and the ZIP insensitive: then most combinations
# repeat and the counts carry the weight.
make_specs() {
  local variant=$1
  sed -e "s|^  csv: discharge.csv|  csv: $src/discharge.csv|" "$src/discharge.yaml" >"$tmp/record.yaml"
  sed -e "s|^  csv: discharge.csv|  csv: counts.csv|" -e 's|^  missing: \[""\]|&\n  count: n|' \
    "$src/discharge.yaml" >"$tmp/counts.yaml"
  grep -q '^  count: n' "$tmp/counts.yaml" || fail "counts.yaml lacks the count line"
  if [ "$variant" = coarse ]; then
    for f in "$tmp/record.yaml" "$tmp/counts.yaml"; do
      sed -i -e 's|^  birth_date: .*|  birth_date: {role: insensitive}|' \
        -e 's|^  zip: .*|  zip: {role: insensitive}|' \
        -e 's|^  admission_date: .*|  admission_date: {role: insensitive}|' \
        -e 's|^transformation:.*||' "$f"
    done
  fi
}

# flat FILE [FILTER]: every scalar of the JSON's figures (or FILTER) as "path<TAB>value", sorted.
flat() {
  jq -r "${2:-.figures}"' | paths(scalars) as $p | [($p | map(tostring) | join(".")), (getpath($p) | tostring)] | @tsv' "$1" | sort
}

# same_figures NAME A.json B.json [FILTER]: both have the same paths; numbers agree to 1e-12
# relative (the classes come in another order, so sums may differ in the last bit),
# everything else exactly.
same_figures() {
  local name=$1
  flat "$2" "${4:-}" >"$tmp/fa"
  flat "$3" "${4:-}" >"$tmp/fb"
  if ! cut -f1 "$tmp/fa" | cmp -s - <(cut -f1 "$tmp/fb"); then
    fail "$name: the figures have different fields: $(diff <(cut -f1 "$tmp/fa") <(cut -f1 "$tmp/fb") | head -5)"
    return
  fi
  local bad
  bad=$(paste "$tmp/fa" "$tmp/fb" | awk -F'\t' '
    function num(s) { return s ~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ }
    { if (num($2) && num($4)) { d = $2 - $4; if (d < 0) d = -d; s = $4 < 0 ? -$4 : $4;
                                if (d > 1e-12 * (s > 1 ? s : 1)) print $1 ": " $2 " vs " $4 }
      else if ($2 != $4) print $1 ": " $2 " vs " $4 }' | head -5)
  if [ -n "$bad" ]; then fail "$name: $bad"; else ok; fi
  # Enough was compared to mean something.
  if [ "$(wc -l <"$tmp/fa")" -gt 50 ]; then ok; else fail "$name: only $(wc -l <"$tmp/fa") figures"; fi
}

for variant in full coarse; do
  make_specs $variant
  if [ $variant = full ]; then
    aggregate zip birth_date sex admission_date length_of_stay discharge_status icd10_chapter
    more=",zip=2,birth_date=3,admission_date=2"
  else
    aggregate sex length_of_stay discharge_status icd10_chapter
    more=""
  fi
  rows=$(($(wc -l <"$tmp/counts.csv") - 1))
  expect_eq "$variant: counts sum" "$(awk -F, 'NR > 1 { s += $NF } END { print s }' "$tmp/counts.csv")" 5000
  # full: every stay is its own combination; coarse: the counts do the work.
  case $variant in
    full) expect_eq "$variant: rows" "$rows" 5000 ;;
    coarse) if [ "$rows" -gt 50 ] && [ "$rows" -lt 2000 ]; then ok; else fail "coarse: $rows rows"; fi ;;
  esac

  for mode in plain levels suppress; do
    case $mode in
      plain) extra=() ;;
      levels) extra=(--levels "length_of_stay=1$more") ;;
      suppress) extra=(--levels "length_of_stay=2,discharge_status=1${more/zip=2/zip=3}" --suppress) ;;
    esac
    for side in record counts; do
      "$EDRA_BIN" assess "$tmp/$side.yaml" "${extra[@]}" --json "$tmp/$side-$mode.json" -q \
        >/dev/null 2>"$tmp/err" || [ $? -eq 3 ] || fail "$variant: assess $side $mode: $(head -c 300 "$tmp/err")"
    done
    same_figures "$variant: assess $mode" "$tmp/record-$mode.json" "$tmp/counts-$mode.json"
    for key in records distinct_combinations population attributes; do
      expect_eq "$variant: assess $mode context.$key" "$(jq -c ".context.$key" "$tmp/counts-$mode.json")" \
        "$(jq -c ".context.$key" "$tmp/record-$mode.json")"
    done
  done
  expect_eq "$variant: counted source rows" "$(jq .context.source_rows "$tmp/counts-plain.json")" "$rows"
  expect_eq "$variant: record source rows" "$(jq .context.source_rows "$tmp/record-plain.json")" 5000

  for side in record counts; do
    "$EDRA_BIN" anonymize "$tmp/$side.yaml" --json "$tmp/$side-anon.json" -q --out "$tmp/$side-released.csv" \
      >/dev/null 2>"$tmp/err" || fail "$variant: anonymize $side: $(head -c 300 "$tmp/err")"
  done
  same_figures "$variant: anonymize" "$tmp/record-anon.json" "$tmp/counts-anon.json"
  # The search itself: same nodes checked in the same order, same losses, same result.
  same_figures "$variant: search" "$tmp/record-anon.json" "$tmp/counts-anon.json" '.search | del(.seconds)'
  for key in found levels loss suppressed nodes_checked proven_optimal; do
    a=$(jq -c ".search.$key" "$tmp/record-anon.json")
    [ "$a" != "null" ] || fail "$variant: anonymize JSON has no search.$key"
    expect_eq "$variant: search.$key" "$(jq -c ".search.$key" "$tmp/counts-anon.json")" "$a"
  done
  # The released counted table still adds up to the sample's records.
  expect_eq "$variant: released counts" \
    "$(awk -F, 'NR > 1 { s += $NF } END { print s }' "$tmp/counts-released.csv")" 5000
done

finish
