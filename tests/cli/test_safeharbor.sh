#!/usr/bin/env bash
# CLI tests of issue 9: `edra safeharbor` on the bundled sample (figures recomputed here with
# awk from the CSV), the identifier warnings of `edra assess`, individual/global/household
# risk from sampling weights, the new targets, SUDA2 and subset figures on Adult, and the
# malformed inputs (exit 2 with one line).
set -u
. "$(dirname "$0")/lib.sh"
edra=$EDRA_BIN

# --- help
expect_exit 0 "" "$edra" --help
grep -q "safeharbor" "$tmp/out" && ok || fail "--help does not list safeharbor"
expect_exit 0 "" "$edra" help safeharbor
grep -q "000" "$tmp/out" && ok || fail "help safeharbor does not mention 000"
expect_exit 0 "" "$edra" help assess
grep -q -- "--msu-max" "$tmp/out" && ok || fail "help assess does not document --msu-max"
expect_exit 2 "expected one SPEC" "$edra" safeharbor

# --- the bundled sample: Safe Harbor version recomputed with awk. The names hold one comma
# inside quotes, so with -F, the columns are: 4 zip, 5 birth_date, 6 sex, 7 admission_date,
# 8 length_of_stay, 12 discharge_status.
spec=$EDRA_SRCDIR/samples/discharge.yaml
csv=$EDRA_SRCDIR/samples/discharge.csv
if [ -f "$spec" ]; then
  cp "$EDRA_SRCDIR"/samples/*.yaml "$EDRA_SRCDIR"/samples/*.csv "$tmp/"
  read -r classes uniques to000 < <(awk -F, '
    BEGIN { split("036 059 063 102 203 556 692 790 821 823 830 831 878 879 884 890 893", r, " ")
            for (i in r) R[r[i]] = 1 }
    NR > 1 { z = substr($4, 1, 3); if (z !~ /^[0-9][0-9][0-9]$/ || (z in R)) { z = "000"; n++ }
             c[z "|" substr($5, 1, 4) "|" $6 "|" substr($7, 1, 4) "|" $8 "|" $12]++ }
    END { for (k in c) { cl++; if (c[k] == 1) u++ }; print cl, u, n }' "$csv")
  expect_exit 3 "" "$edra" safeharbor --json "$tmp/sh.json" "$tmp/discharge.yaml"
  j=$tmp/sh.json
  expect_eq sh_classes "$(jq .figures.classes "$j")" "$classes"
  expect_eq sh_uniques "$(jq .figures.sample_uniques "$j")" "$uniques"
  expect_eq zip_to_000 "$(jq .safe_harbor.quasi_identifiers.zip.records_to_000 "$j")" "$to000"
  expect_eq zip_kind "$(jq -r .safe_harbor.quasi_identifiers.zip.kind "$j")" "ZIP code"
  expect_eq birth_changed "$(jq .safe_harbor.quasi_identifiers.birth_date.records_changed "$j")" 5000
  expect_eq sex_kept "$(jq -r .safe_harbor.quasi_identifiers.sex.kind "$j")" kept
  expect_eq ids_removed "$(jq -c .safe_harbor.identifiers_removed "$j")" '["patient_id","name"]'
  # The spec's own figures (no transformation: the data as they stand) sit beside them.
  expect_eq spec_classes "$(jq .spec_figures.classes "$j")" 5000
  expect_close sh_average "$(jq .figures.prosecutor.average "$j")" "$(awk -v c="$classes" 'BEGIN { print c / 5000 }')" 1e-12
  jq -e '.figures.special_uniques.records_with_msu == .figures.sample_uniques' "$j" >/dev/null && ok ||
    fail "every sample unique has an MSU when all sizes are searched"
  expect_exit 3 "" "$edra" safeharbor "$tmp/discharge.yaml"
  grep -q "Risk beside Safe Harbor" "$tmp/out" && ok || fail "summary lacks the comparison"
  grep -q "ZIP code -> first 3 digits: 5000 records changed, $to000 to 000" "$tmp/out" && ok ||
    fail "summary lacks the ZIP transform"

  # --- identifier warnings: by values, never quoting a value
  expect_exit 3 "" "$edra" assess --no-history -q "$tmp/discharge.yaml"
  grep -q "^edra: warning: column 'zip' looks like a ZIP code (by values) but is not marked identifier$" "$tmp/err" &&
    ok || fail "no ZIP warning: $(cat "$tmp/err")"
  grep -q "column 'birth_date' looks like a full date (by values)" "$tmp/err" && ok || fail "no date warning"
  if grep -q "patient_id\|'name'" "$tmp/err"; then fail "identifier columns were flagged"; else ok; fi
  zip1=$(sed -n 2p "$csv" | awk -F, '{ print $4 }')
  if grep -q "$zip1" "$tmp/err"; then fail "a value reached the warnings"; else ok; fi
fi

# --- weights and households (the hand-computed table of tests/check_indrisk.c)
mk() { printf '%b' "$2" >"$tmp/$1"; }
mk w.csv 'g,w,hh\nA,4,h0\nB,2,h0\nB,3,h1\nC,3,h1\nC,3,h1\nC,4,h1\n'
wbase="data: {csv: w.csv, weight: w, household: hh}\nattributes:\n  g: {role: quasi}\n"
mk w.yaml "$wbase"
expect_exit 0 "" "$edra" assess --no-history --json "$tmp/w.json" "$tmp/w.yaml"
expect_eq weighted "$(jq .figures.individual.weighted "$tmp/w.json")" true
expect_close expected "$(jq .figures.individual.expected_reidentifications "$tmp/w.json")" 1.3722551509779126 1e-12
expect_close global "$(jq .figures.individual.global_risk "$tmp/w.json")" 0.2287091918296521 1e-12
expect_close share_above "$(jq .figures.individual.share_above "$tmp/w.json")" 0.5 1e-12
expect_eq households "$(jq .figures.individual.household.households "$tmp/w.json")" 2
expect_close household "$(jq .figures.individual.household.expected_reidentifications "$tmp/w.json")" 3.2555312666701 1e-12
expect_exit 0 "" "$edra" assess --no-history "$tmp/w.yaml"
grep -q "Individual risk (Benedetti-Franconi, from the sampling weights)" "$tmp/out" && ok ||
  fail "summary lacks the weighted individual risk"
mk wt_met.yaml "${wbase}targets: {global_risk: 0.3, individual_risk: 0.5}\n"
expect_exit 0 "" "$edra" assess --no-history -q "$tmp/wt_met.yaml"
mk wt_global.yaml "${wbase}targets: {global_risk: 0.2}\n"
expect_exit 3 "" "$edra" assess --no-history -q "$tmp/wt_global.yaml"
mk wt_indiv.yaml "${wbase}targets: {individual_risk: 0.4}\n"
expect_exit 3 "" "$edra" assess --no-history --json "$tmp/wt.json" "$tmp/wt_indiv.yaml"
expect_eq indiv_target "$(jq -r '.figures.targets[] | select(.name | startswith("individual risk")) | .met' "$tmp/wt.json")" false
# Without weights the sample is the population: r = 1/f, expected = classes = 3.
mk nw.yaml "data: {csv: w.csv}\nattributes:\n  g: {role: quasi}\n"
expect_exit 0 "" "$edra" assess --no-history --json "$tmp/nw.json" "$tmp/nw.yaml"
expect_eq unweighted "$(jq .figures.individual.weighted "$tmp/nw.json")" false
expect_close unweighted_expected "$(jq .figures.individual.expected_reidentifications "$tmp/nw.json")" 3 1e-12
expect_exit 0 "" "$edra" assess --no-history "$tmp/nw.yaml"
grep -q "the sample is taken as the population" "$tmp/out" && ok || fail "summary does not say the sample is the population"

# --- malformed inputs: exit 2, one line
mk badw.csv 'g,w\nA,4\nB,x\n'
mk badw.yaml "data: {csv: badw.csv, weight: w}\nattributes:\n  g: {role: quasi}\n"
expect_exit 2 "badw.csv:3: weight column 'w' is not a number > 0" "$edra" assess --no-history "$tmp/badw.yaml"
mk zerow.csv 'g,w\nA,0\n'
mk zerow.yaml "data: {csv: zerow.csv, weight: w}\nattributes:\n  g: {role: quasi}\n"
expect_exit 2 "zerow.csv:2: weight column 'w' is not a number > 0" "$edra" assess --no-history "$tmp/zerow.yaml"
mk now.yaml "data: {csv: w.csv, weight: nope}\nattributes:\n  g: {role: quasi}\n"
expect_exit 2 "now.yaml:1:7: weight column 'nope' is not in w.csv" "$edra" assess --no-history "$tmp/now.yaml"
mk nohh.yaml "data: {csv: w.csv, household: nope}\nattributes:\n  g: {role: quasi}\n"
expect_exit 2 "nohh.yaml:1:7: household column 'nope' is not in w.csv" "$edra" assess --no-history "$tmp/nohh.yaml"
mk badt.yaml "${wbase}targets: {global_risk: 1.5}\n"
expect_exit 2 "badt.yaml:4:[0-9]+: .*global_risk" "$edra" assess --no-history "$tmp/badt.yaml"
mk badsh.yaml "data: {csv: w.csv}\nattributes:\n  g: {role: quasi, safe_harbor: maybe}\n"
expect_exit 2 "badsh.yaml:3:[0-9]+: 'safe_harbor' must be one of none, date, age, zip" "$edra" safeharbor "$tmp/badsh.yaml"
expect_exit 2 "--msu-max must be an integer in 0..64" "$edra" assess --no-history --msu-max 65 "$tmp/w.yaml"
expect_exit 2 "--subsets-max must be an integer in 0..64" "$edra" safeharbor --subsets-max x "$tmp/w.yaml"

# --- Adult: SUDA2 and subsets on the 9 QIs, the age warning, Safe Harbor with the age flag
if [ -n "$(shared_data)" ]; then
  d=$(shared_data)
  adult_spec "$tmp/adult.yaml"
  expect_exit 0 "" "$edra" assess --no-history --json "$tmp/adult.json" "$tmp/adult.yaml"
  j=$tmp/adult.json
  # Every one of the 15,512 sample uniques (REFERENCE.md) has an MSU.
  expect_eq adult_records_with_msu "$(jq .figures.special_uniques.records_with_msu "$j")" 15512
  expect_eq adult_msus "$(jq '[.figures.special_uniques.by_size[].msus] | add' "$j")" "$(jq .figures.special_uniques.msus "$j")"
  expect_eq adult_subsets "$(jq '.figures.subsets.subsets | length' "$j")" 511
  expect_eq adult_all_classes "$(jq .figures.subsets.all.classes "$j")" 19502
  grep -q "column 'age' looks like an age over 89 (by values) but is not marked identifier" "$tmp/err" &&
    ok || fail "no age warning on Adult: $(cat "$tmp/err")"
  expect_exit 0 "" "$edra" assess --no-history --msu-max 2 --subsets-max 0 --json "$tmp/adult2.json" "$tmp/adult.yaml"
  expect_eq adult_max2 "$(jq .figures.special_uniques.max_size "$tmp/adult2.json")" 2
  jq -e '.figures.special_uniques.records_with_msu < 15512 and .figures.subsets == null' "$tmp/adult2.json" >/dev/null &&
    ok || fail "--msu-max 2 --subsets-max 0 not applied"
  # Safe Harbor with age flagged: ages over 89 (awk) become 90+; the rest is as it stands.
  sed 's|^  age: {role: quasi, hierarchy: \(.*\)}$|  age: {role: quasi, hierarchy: \1, safe_harbor: age}|' "$tmp/adult.yaml" >"$tmp/adult_sh.yaml"
  over89=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "age") a = i; next } $a + 0 > 89 { n++ } END { print n + 0 }' "$d/adult/adult.csv")
  expect_exit 0 "" "$edra" safeharbor --msu-max 0 --subsets-max 0 --json "$tmp/adult_sh.json" "$tmp/adult_sh.yaml"
  expect_eq adult_age_changed "$(jq .safe_harbor.quasi_identifiers.age.records_changed "$tmp/adult_sh.json")" "$over89"
  expect_eq adult_spec_classes "$(jq .spec_figures.classes "$tmp/adult_sh.json")" 19502
else
  echo "SKIP: ../shared/data not found; Adult checks skipped" >&2
fi

finish
