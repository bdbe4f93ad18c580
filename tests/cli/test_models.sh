#!/usr/bin/env bash
# CLI tests of the privacy models on the bundled sample (issue 3): `edra assess --levels` with
# l and t targets on two sensitive attributes, with and without suppression, the JSON's
# per-attribute figures and verdicts; journalist and marketer risk from a population table;
# `edra hierarchy` for a mask, intervals, dates, a file and the flat default.
# Expected figures were recounted independently (a Python script over the CSV and the
# hierarchy files, Li et al.'s closed form for the hierarchical EMD).
set -u
. "$(dirname "$0")/lib.sh"
edra=$EDRA_BIN
S=$EDRA_SRCDIR/samples
[ -f "$S/discharge.csv" ] || { echo "SKIP: samples/discharge.csv not found" >&2; exit 77; }

# The sample with discharge_status made a second sensitive attribute (its hierarchy:
# Home, Home health -> Community; SNF, Transferred -> Facility; AMA, Expired -> Other).
models_spec() {
  cat <<EOF
data: {csv: $S/discharge.csv, delimiter: ","}
attributes:
  patient_id: {role: identifier}
  name: {role: identifier}
  zip: {role: quasi, hierarchy: {mask: 5}}
  birth_date: {role: quasi, type: date, hierarchy: {date: [month, year, decade]}}
  sex: {role: quasi, hierarchy: $S/hierarchy_sex.csv}
  admission_date: {role: quasi, type: date, hierarchy: {date: [month, quarter, year]}}
  length_of_stay: {role: quasi, type: integer, hierarchy: {intervals: [5, 10, 20], bottom: 1, top: 30}}
  icd10_chapter: {role: sensitive, hierarchy: $S/hierarchy_icd10_chapter.csv}
  discharge_status: {role: sensitive, hierarchy: $S/hierarchy_discharge_status.csv}
  payer: {role: insensitive}
  charges: {role: insensitive, type: decimal}
EOF
}
models_spec >"$tmp/models.yaml"
cat >>"$tmp/models.yaml" <<'EOF'
population: {size: 7000000}
targets:
  k: 5
  suppression: 0.07
  l: [{model: distinct, l: 2, attribute: icd10_chapter},
      {model: entropy, l: 1.19, attribute: discharge_status},
      {model: recursive, l: 1, c: 3, attribute: discharge_status}]
  t: [{model: hierarchical, t: 0.7, attribute: icd10_chapter},
      {model: equal, t: 0.3, attribute: discharge_status},
      {model: ordered, t: 0.2, attribute: discharge_status}]
EOF
# Birth decade x admission year: 33 classes, the smallest of 24 records.
levels=zip=5,birth_date=3,sex=1,admission_date=3,length_of_stay=4
target() { jq ".figures.targets[] | select(.name == \"$2\") | .$3" "$1"; }

# --- without suppression: the 2020s births admitted in 2023 (140 records) are 0.723 from
# the whole sample's chapters (> 0.7); those admitted in 2024 (162) have entropy l 1.18 of
# discharge status (< 1.19).
expect_exit 3 "" "$edra" assess --json "$tmp/m.json" --levels "$levels" "$tmp/models.yaml"
j=$tmp/m.json
expect_eq classes "$(jq .figures.classes "$j")" 33
expect_eq k "$(jq .figures.k "$j")" 24
expect_eq icd_distinct_values "$(jq .figures.sensitive.icd10_chapter.distinct_values "$j")" 22
expect_eq icd_l_distinct "$(jq .figures.sensitive.icd10_chapter.l_distinct "$j")" 11
expect_close icd_l_entropy "$(jq .figures.sensitive.icd10_chapter.l_entropy "$j")" 2.9961968440246194
expect_eq icd_recursive_c "$(jq .figures.sensitive.icd10_chapter.recursive_c "$j")" 2
expect_eq icd_l_recursive "$(jq .figures.sensitive.icd10_chapter.l_recursive "$j")" 1
expect_close icd_t_equal "$(jq .figures.sensitive.icd10_chapter.t_equal "$j")" 0.7840285714285714
expect_close icd_t_ordered "$(jq .figures.sensitive.icd10_chapter.t_ordered "$j")" 0.39018367346938765
expect_close icd_t_hier "$(jq .figures.sensitive.icd10_chapter.t_hierarchical "$j")" 0.7234857142857142
expect_eq ds_l_distinct "$(jq .figures.sensitive.discharge_status.l_distinct "$j")" 2
expect_close ds_l_entropy "$(jq .figures.sensitive.discharge_status.l_entropy "$j")" 1.1818285139199227
expect_eq ds_recursive_c "$(jq .figures.sensitive.discharge_status.recursive_c "$j")" 3
expect_eq ds_l_recursive "$(jq .figures.sensitive.discharge_status.l_recursive "$j")" 1
expect_close ds_t_equal "$(jq .figures.sensitive.discharge_status.t_equal "$j")" 0.2969358024691358
expect_close ds_t_ordered "$(jq .figures.sensitive.discharge_status.t_ordered "$j")" 0.1227142857142857
expect_close ds_t_hier "$(jq .figures.sensitive.discharge_status.t_hierarchical "$j")" 0.268175
t_hier="t-closeness (hierarchical) on icd10_chapter"
l_entropy="l-diversity (entropy) on discharge_status"
expect_eq t_hier_met "$(target "$j" "$t_hier" met)" false
expect_eq t_hier_classes "$(target "$j" "$t_hier" violating_classes)" 1
expect_eq t_hier_records "$(target "$j" "$t_hier" violating_records)" 140
expect_eq l_entropy_met "$(target "$j" "$l_entropy" met)" false
expect_eq l_entropy_classes "$(target "$j" "$l_entropy" violating_classes)" 1
expect_eq l_entropy_records "$(target "$j" "$l_entropy" violating_records)" 162
expect_eq l_distinct_met "$(target "$j" "l-diversity (distinct) on icd10_chapter" met)" true
expect_eq l_recursive_met "$(target "$j" "l-diversity (recursive, c=3) on discharge_status" met)" true
expect_eq t_equal_met "$(target "$j" "t-closeness (equal) on discharge_status" met)" true
expect_eq t_ordered_met "$(target "$j" "t-closeness (ordered) on discharge_status" met)" true
expect_eq targets_met "$(jq .targets_met "$j")" false

# --- with --suppress: the 140 + 162 = 302 violating records are within 7% of 5,000 (350),
# so those two classes go and every target holds on the remaining 31 classes.
expect_exit 0 "" "$edra" assess --suppress --json "$tmp/s.json" --levels "$levels" "$tmp/models.yaml"
j=$tmp/s.json
expect_eq suppressed "$(jq .figures.suppressed "$j")" 302
expect_eq classes_left "$(jq .figures.classes "$j")" 31
expect_close icd_t_hier_left "$(jq .figures.sensitive.icd10_chapter.t_hierarchical "$j")" 0.6597366863905325
expect_close icd_l_entropy_left "$(jq .figures.sensitive.icd10_chapter.l_entropy "$j")" 4.0010631846854405
expect_eq icd_l_recursive_left "$(jq .figures.sensitive.icd10_chapter.l_recursive "$j")" 2
expect_close ds_l_entropy_left "$(jq .figures.sensitive.discharge_status.l_entropy "$j")" 1.1958190643787356
expect_close ds_t_equal_left "$(jq .figures.sensitive.discharge_status.t_equal "$j")" 0.2922970414201183
expect_eq t_hier_met_left "$(target "$j" "$t_hier" met)" true
expect_close suppressed_share "$(target "$j" "records suppressed" achieved)" 0.0604
expect_eq targets_met_left "$(jq .targets_met "$j")" true
# The context says how long loading and assessing took.
jq -e '.context.load_seconds >= 0 and .context.assess_seconds >= 0' "$j" >/dev/null && ok ||
  fail "context lacks load_seconds / assess_seconds"
# The text summary names both sensitive attributes.
expect_exit 0 "" "$edra" assess --suppress --levels "$levels" "$tmp/models.yaml"
grep -q "icd10_chapter" "$tmp/out" && grep -q "discharge_status" "$tmp/out" && ok ||
  fail "the summary does not name both sensitive attributes"

# --- a population table: every sample combination of the QIs with 3 people, so each class
# has F = 3 x its size: journalist risk 1/(3 x 24) = 1/72, marketer = average prosecutor / 3.
{
  echo "zip,birth_date,sex,admission_date,length_of_stay,count"
  # Dropping the quoted names keeps the comma count of every row; columns 3-7 are the QIs.
  sed -E '1d; s/"[^"]*"//g' "$S/discharge.csv" | cut -d, -f3-7 | sed 's/$/,3/'
} >"$tmp/pop.csv"
{ models_spec; echo "population: {size: 7000000, table: pop.csv}"; echo "targets: {k: 5, journalist_risk: 0.02, marketer_risk: 0.01, population_uniqueness: 0.5}"; } >"$tmp/pop.yaml"
expect_exit 0 "" "$edra" assess --json "$tmp/p.json" --levels "$levels" "$tmp/pop.yaml"
j=$tmp/p.json
expect_eq from_sample "$(jq .figures.journalist_from_sample "$j")" false
expect_close journalist "$(jq .figures.journalist.highest "$j")" "$(awk 'BEGIN { printf "%.17g", 1 / 72 }')"
expect_close marketer "$(jq .figures.marketer "$j")" "$(jq '.figures.prosecutor.average / 3' "$j")"
expect_close average_risk "$(jq .figures.prosecutor.average "$j")" 0.0066
expect_eq journalist_met "$(target "$j" "highest journalist risk" met)" true
expect_eq marketer_met "$(target "$j" "marketer risk" met)" true
# The population-uniqueness target is judged on the Dankar rule's estimate: on the data as
# they stand (sample uniques, so a positive estimate) and at $levels (none, so 0).
pu="population uniqueness (Dankar rule)"
expect_eq pop_uniqueness_none "$(target "$j" "$pu" achieved)" 0
expect_eq pop_uniqueness_met "$(target "$j" "$pu" met)" true
expect_exit 3 "" "$edra" assess --json "$tmp/p0.json" "$tmp/pop.yaml"
jq -e --arg pu "$pu" '.figures.population.dankar_fraction > 0 and
  ([.figures.targets[] | select(.name == $pu) | .achieved] == [.figures.population.dankar_fraction])' \
  "$tmp/p0.json" >/dev/null && ok || fail "the population-uniqueness target is not the Dankar estimate"
# The search's chosen node is evaluated with the table too.
expect_exit 0 "" "$edra" anonymize --json "$tmp/a.json" "$tmp/pop.yaml"
expect_eq anonymize_from_sample "$(jq .figures.journalist_from_sample "$tmp/a.json")" false
# A table covering only 100 of the records: some class has fewer people than records.
head -101 "$tmp/pop.csv" >"$tmp/pop_short.csv"
sed 's/table: pop.csv/table: pop_short.csv/' "$tmp/pop.yaml" >"$tmp/pop_short.yaml"
expect_exit 2 "pop_short.csv: the population table has fewer records than the sample for a class" \
  "$edra" assess --levels "$levels" "$tmp/pop_short.yaml"
printf 'zip,birth_date,sex,admission_date,length_of_stay,count\n01001,1955-01-05,F,2024-12-01,2,1.5\n' >"$tmp/pop_bad.csv"
sed 's/table: pop.csv/table: pop_bad.csv/' "$tmp/pop.yaml" >"$tmp/pop_bad.yaml"
expect_exit 2 "pop_bad.csv:2: count '1.5' is not a non-negative integer" "$edra" assess "$tmp/pop_bad.yaml"
printf 'zip,birth_date,sex,admission_date,count\n01001,1955-01-05,F,2024-12-01,2\n' >"$tmp/pop_cols.csv"
sed 's/table: pop.csv/table: pop_cols.csv/' "$tmp/pop.yaml" >"$tmp/pop_cols.yaml"
expect_exit 2 "pop_cols.csv:1: the population table has no column 'length_of_stay'" \
  "$edra" assess "$tmp/pop_cols.yaml"
printf 'zip,birth_date,sex,admission_date,length_of_stay,count\n01001,1955-01-05,X,2024-12-01,2,2\n' >"$tmp/pop_sex.csv"
sed 's/table: pop.csv/table: pop_sex.csv/' "$tmp/pop.yaml" >"$tmp/pop_sex.yaml"
expect_exit 2 "pop_sex.csv:2: value 'X' of column 'sex' is not in hierarchy_sex.csv" \
  "$edra" assess "$tmp/pop_sex.yaml"

# --- edra hierarchy: the hierarchy edra uses, in ARX's layout
spec=$S/discharge.yaml
expect_exit 0 "" "$edra" help hierarchy
grep -q -- "--delimiter" "$tmp/out" && ok || fail "help hierarchy does not document --delimiter"
expect_exit 0 "" "$edra" hierarchy "$spec" zip
expect_eq mask_first "$(head -1 "$tmp/out")" "01001;0100*;010**;01***;0****;*****"
expect_eq mask_rows "$(wc -l <"$tmp/out")" 1286
expect_exit 0 "" "$edra" hierarchy "$spec" length_of_stay
expect_eq intervals_first "$(head -1 "$tmp/out")" "1;[1, 6);[1, 11);[1, 21);*"
expect_eq intervals_top "$(sed -n 30p "$tmp/out")" "30;>=30;>=30;>=30;*"
expect_eq intervals_rows "$(wc -l <"$tmp/out")" 43
expect_exit 0 "" "$edra" hierarchy "$spec" birth_date
expect_eq date_first "$(head -1 "$tmp/out")" "1922-05-18;1922-05;1922;1920-1929;*"
expect_exit 0 "" "$edra" hierarchy "$spec" admission_date
expect_eq date_quarter "$(head -1 "$tmp/out")" "2023-01-01;2023-01;2023-Q1;2023;*"
expect_exit 0 "" "$edra" hierarchy "$spec" icd10_chapter
expect_eq file_first "$(head -1 "$tmp/out")" "I Infectious;Infections;*"
expect_eq file_rows "$(wc -l <"$tmp/out")" "$(wc -l <"$S/hierarchy_icd10_chapter.csv")"
# Another delimiter: cells holding it are quoted per RFC 4180.
expect_exit 0 "" "$edra" hierarchy --delimiter , "$spec" length_of_stay
expect_eq quoted "$(head -1 "$tmp/out")" '1,"[1, 6)","[1, 11)","[1, 21)",*'
expect_exit 0 "" "$edra" hierarchy -d tab "$spec" sex
expect_eq tab "$(head -1 "$tmp/out")" "$(printf 'F\t*')"
# The flat default of a QI without a hierarchy, in the order the values first appear.
printf 'data: {csv: %s/discharge.csv}\nattributes:\n  payer: {role: quasi}\n  charges: {role: sensitive, type: decimal}\n  sex: {role: insensitive}\n  name: {role: identifier}\n' "$S" >"$tmp/flat.yaml"
expect_exit 0 "" "$edra" hierarchy "$tmp/flat.yaml" payer
expect_eq flat "$(tr '\n' ' ' <"$tmp/out")" "Medicare;* Other;* Commercial;* Medicaid;* Self-pay;* "
# What has no hierarchy is refused, naming the attribute.
expect_exit 2 "'nope' is not an attribute of" "$edra" hierarchy "$tmp/flat.yaml" nope
expect_exit 2 "'name' is an identifier" "$edra" hierarchy "$tmp/flat.yaml" name
expect_exit 2 "'sex' is insensitive" "$edra" hierarchy "$tmp/flat.yaml" sex
expect_exit 2 "'charges' is sensitive and the spec gives it no hierarchy" "$edra" hierarchy "$tmp/flat.yaml" charges
expect_exit 2 "--delimiter: '::' is not one character" "$edra" hierarchy -d :: "$spec" zip
expect_exit 2 "expected SPEC and ATTRIBUTE" "$edra" hierarchy "$spec"
expect_exit 2 "nope.yaml" "$edra" hierarchy "$tmp/nope.yaml" zip
# Filed back as a hierarchy file, the printed hierarchy gives the same figures.
expect_exit 0 "" "$edra" hierarchy "$tmp/models.yaml" zip
cp "$tmp/out" "$tmp/zip.csv"
sed "s|zip: {role: quasi, hierarchy: {mask: 5}}|zip: {role: quasi, hierarchy: zip.csv}|" "$tmp/models.yaml" >"$tmp/filed.yaml"
grep -q "hierarchy: zip.csv" "$tmp/filed.yaml" && ok || fail "the spec was not rewritten"
for l in zip=2,birth_date=2 zip=4,sex=1,admission_date=2; do
  code=0
  "$edra" assess --json "$tmp/built.json" --levels "$l" "$tmp/models.yaml" >/dev/null 2>&1 || code=$?
  "$edra" assess --json "$tmp/filed.json" --levels "$l" "$tmp/filed.yaml" >/dev/null 2>&1 || code=$?
  expect_eq "filed hierarchy at $l" "$(jq -c .figures "$tmp/filed.json")" "$(jq -c .figures "$tmp/built.json")"
done

finish
