#!/usr/bin/env bash
# CLI tests of `edra assess`: the Adult reference figures, the bundled sample, the help and
# version, and malformed inputs (exit 2 with one line naming file, line and column).
set -u
. "$(dirname "$0")/lib.sh"
edra=$EDRA_BIN

# --- help and version
expect_exit 0 "" "$edra" --help
grep -q "assess" "$tmp/out" && ok || fail "--help does not list assess"
expect_exit 0 "" "$edra" help assess
grep -q -- "--levels" "$tmp/out" && ok || fail "help assess does not document --levels"
expect_exit 0 "" "$edra" --version
grep -Eq "^edra [0-9]+\.[0-9]+\.[0-9]+$" "$tmp/out" && ok || fail "--version prints '$(cat "$tmp/out")'"
expect_exit 2 "not a command" "$edra" frobnicate
expect_exit 2 "unknown" "$edra" assess --no-such-option x.yaml
expect_exit 2 "expected one SPEC" "$edra" assess

# --- Adult: the reference figures of ../shared/data/REFERENCE.md (ARX 3.9.2)
if [ -n "$(shared_data)" ]; then
  adult_spec "$tmp/adult.yaml" "population: {region: USA}" "targets: {k: 5, risk_threshold: 0.2}"
  expect_exit 3 "" "$edra" assess --json "$tmp/adult.json" "$tmp/adult.yaml"
  j=$tmp/adult.json
  expect_eq records "$(jq .figures.records "$j")" 30162
  expect_eq classes "$(jq .figures.classes "$j")" 19502
  expect_eq sample_uniques "$(jq .figures.sample_uniques "$j")" 15512
  expect_eq smallest "$(jq .figures.prosecutor.smallest_class "$j")" 1
  expect_eq largest "$(jq .figures.prosecutor.largest_class "$j")" 45
  expect_close average_risk "$(jq .figures.prosecutor.average "$j")" 0.6465751607983555 1e-12
  expect_close records_at_risk "$(jq .figures.prosecutor.records_at_risk "$j")" 0.7781314236456468 1e-12
  expect_close uniques_fraction "$(jq .figures.sample_uniques_fraction "$j")" 0.5142895033485844 1e-12
  expect_close pitman "$(jq .figures.population.pitman.fraction "$j")" 0.038896188531360315 1e-6
  expect_close zayatz "$(jq .figures.population.zayatz.fraction "$j")" 0.2645647181504129 1e-6
  expect_eq dankar "$(jq -r .figures.population.dankar_choice "$j")" Pitman
  expect_eq k_target_met "$(jq '.figures.targets[] | select(.name == "k-anonymity") | .met' "$j")" false
  # The summary on stdout carries the same figures.
  expect_exit 3 "" "$edra" assess "$tmp/adult.yaml"
  grep -q "Records 30162 in 19502 equivalence classes" "$tmp/out" && ok || fail "summary lacks the class count"
  grep -q "average 0.6465751608" "$tmp/out" && ok || fail "summary lacks the average risk"
  # JSON on stdout is valid JSON and nothing else.
  expect_exit 3 "" "$edra" assess --json - "$tmp/adult.yaml"
  jq -e .figures.records "$tmp/out" >/dev/null && ok || fail "--json - is not JSON"
  # A generalization passes k = 5 only at a coarse node: the top node meets it.
  expect_exit 0 "" "$edra" assess --levels sex=1,age=4,race=1,marital-status=2,education=3,native-country=2,workclass=2,occupation=2,salary-class=1 "$tmp/adult.yaml"
else
  echo "SKIP: ../shared/data not found; Adult reference checks skipped" >&2
fi

# --- the bundled sample
spec=$EDRA_SRCDIR/samples/discharge.yaml
if [ -f "$spec" ]; then
  code=0
  "$edra" assess --json "$tmp/sample.json" "$spec" >"$tmp/out" 2>"$tmp/err" || code=$?
  if [ "$code" -eq 0 ] || [ "$code" -eq 3 ]; then ok; else fail "sample assess exited $code: $(cat "$tmp/err")"; fi
  expect_eq sample_records "$(jq .figures.records "$tmp/sample.json")" \
    "$(($(wc -l <"$EDRA_SRCDIR/samples/discharge.csv") - 1))"
  # No identifier value (patient ids, names) reaches the output.
  id=$(sed -n 2p "$EDRA_SRCDIR/samples/discharge.csv" | cut -d, -f1)
  if grep -q "$id" "$tmp/out" "$tmp/sample.json"; then fail "an identifier value reached the output"; else ok; fi
fi

# --- malformed inputs: exit 2, one line, naming file, line and column where there is one
mk() { printf '%b' "$2" >"$tmp/$1"; }
mk h_sex.csv 'M;*\nF;*\n'
mk good.csv 'id,sex,age\n1,M,30\n2,F,40\n'
base="data: {csv: good.csv}\nattributes:\n  id: {role: identifier}\n  sex: {role: quasi, hierarchy: h_sex.csv}\n"
mk ok.yaml "$base"
expect_exit 0 "" "$edra" assess -q "$tmp/ok.yaml"
expect_exit 2 "nope.yaml" "$edra" assess "$tmp/nope.yaml"
mk unknown_key.yaml "${base}targets: {k: 2, kk: 3}\n"
expect_exit 2 "unknown_key.yaml:5:[0-9]+: .*kk" "$edra" assess "$tmp/unknown_key.yaml"
mk unknown_col.yaml "data: {csv: good.csv}\nattributes:\n  sex: {role: quasi}\n  zip: {role: quasi}\n"
expect_exit 2 "unknown_col.yaml:4:3: column 'zip' is not in good.csv" "$edra" assess "$tmp/unknown_col.yaml"
mk bad_yaml.yaml "data: {csv: good.csv\nattributes: [\n"
expect_exit 2 "bad_yaml.yaml:[0-9]+:[0-9]+:" "$edra" assess "$tmp/bad_yaml.yaml"
mk k0.yaml "${base}targets: {k: 0}\n"
expect_exit 2 "k0.yaml:5:[0-9]+: .*k" "$edra" assess "$tmp/k0.yaml"
mk supp.yaml "${base}targets: {suppression: 1.5}\n"
expect_exit 2 "supp.yaml:5:[0-9]+: .*suppression" "$edra" assess "$tmp/supp.yaml"
mk ragged.csv 'id,sex\n1,M\n2,F,extra\n'
mk ragged.yaml "data: {csv: ragged.csv}\nattributes:\n  sex: {role: quasi}\n"
expect_exit 2 "ragged.csv:3: expected 2 fields, found 3" "$edra" assess "$tmp/ragged.yaml"
mk quote.csv 'id,sex\n1,M\n2,"F\n3,M\n'
mk quote.yaml "data: {csv: quote.csv}\nattributes:\n  sex: {role: quasi}\n"
expect_exit 2 "quote.csv:3:[0-9]+: unterminated quote" "$edra" assess "$tmp/quote.yaml"
mk utf8.csv 'id,sex\n1,M\n2,\xff\xfe\n'
mk utf8.yaml "data: {csv: utf8.csv}\nattributes:\n  sex: {role: quasi}\n"
expect_exit 2 "utf8.csv:3:[0-9]+: invalid UTF-8" "$edra" assess "$tmp/utf8.yaml"
mk empty.csv ''
mk empty.yaml "data: {csv: empty.csv}\nattributes:\n  sex: {role: quasi}\n"
expect_exit 2 "empty.csv" "$edra" assess "$tmp/empty.yaml"
mk header.csv 'id,sex\n'
mk header.yaml "data: {csv: header.csv}\nattributes:\n  sex: {role: quasi}\n"
expect_exit 2 "header.csv: no records" "$edra" assess "$tmp/header.yaml"
mk h_short.csv 'M;*\n'
mk notinh.yaml "data: {csv: good.csv}\nattributes:\n  sex: {role: quasi, hierarchy: h_short.csv}\n"
expect_exit 2 "good.csv:3: value 'F' of column 'sex' is not in .*h_short.csv" "$edra" assess "$tmp/notinh.yaml"
mk h_tree.csv '30;30-39;*\n40;30-39;x\n'
mk tree.yaml "data: {csv: good.csv}\nattributes:\n  age: {role: quasi, hierarchy: h_tree.csv}\n"
expect_exit 2 "h_tree.csv:2: not a tree" "$edra" assess "$tmp/tree.yaml"
mk h_dup.csv '30;*\n30;*\n40;*\n'
mk dup.yaml "data: {csv: good.csv}\nattributes:\n  age: {role: quasi, hierarchy: h_dup.csv}\n"
expect_exit 2 "h_dup.csv:2: .*repeats row 1" "$edra" assess "$tmp/dup.yaml"
expect_exit 2 "--levels: 'nosuch' is not a quasi-identifier" "$edra" assess --levels nosuch=1 "$tmp/ok.yaml"
expect_exit 2 "--levels: level of 'sex' must be an integer in 0..1" "$edra" assess --levels sex=5 "$tmp/ok.yaml"
mk dupcol.csv 'sex,sex\nM,F\n'
mk dupcol.yaml "data: {csv: dupcol.csv}\nattributes:\n  sex: {role: quasi}\n"
expect_exit 2 "dupcol.csv:1: column 'sex' appears twice" "$edra" assess "$tmp/dupcol.yaml"
mk pop.yaml "${base}population: {size: 1}\n"
expect_exit 2 "population .* smaller than the sample" "$edra" assess "$tmp/pop.yaml"

finish
