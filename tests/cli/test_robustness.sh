#!/usr/bin/env bash
# Keeps tests/ROBUSTNESS.md true: every count in its "Figures the suite checks" table must
# still hold in the tree -- rows of the malformed-input table, seeds per fuzz corpus, the
# kill test's default number of runs, the fuzz targets and replay drivers, and each input
# the fuzzers found, still in its corpus.
set -u
. "$(dirname "$0")/lib.sh"
src=$EDRA_SRCDIR
doc=$src/tests/ROBUSTNESS.md
[ -f "$doc" ] || { fail "$doc is missing"; finish; exit 1; }

# figure LABEL: the number in the table row whose first cell is LABEL.
figure() {
  awk -F'|' -v label="$1" '{ c = $2; gsub(/^ +| +$/, "", c) } c == label { v = $3; gsub(/[^0-9]/, "", v); print v; exit }' "$doc"
}
# at_least LABEL ACTUAL: the document's figure for LABEL is set and ACTUAL reaches it.
at_least() {
  local want
  want=$(figure "$1")
  if [ -z "$want" ]; then
    fail "ROBUSTNESS.md has no figure '$1'"
  elif [ "$2" -ge "$want" ]; then
    ok
  else
    fail "ROBUSTNESS.md says '$1' is $want; the tree has $2"
  fi
}

rows=$(grep -cE '^[[:space:]]*row(_cmd)? ' "$src/tests/cli/test_malformed.sh")
at_least "malformed inputs in tests/cli/test_malformed.sh" "$rows"
for t in csv spec hierarchy manifest; do
  n=$(find "$src/tests/fuzz/corpus/$t" -maxdepth 1 -type f | wc -l)
  at_least "corpus files in tests/fuzz/corpus/$t" "$n"
  [ -f "$src/tests/fuzz/fuzz_$t.c" ] && grep -q LLVMFuzzerTestOneInput "$src/tests/fuzz/fuzz_$t.c" && ok ||
    fail "tests/fuzz/fuzz_$t.c is not a fuzz target"
done
runs=$(sed -n 's/.*EDRA_KILL_RUNS:-\([0-9]*\).*/\1/p' "$src/tests/cli/test_kill.sh" | head -n 1)
expect_eq "kill-test runs stated and in test_kill.sh" "${runs:-none}" "$(figure "kill-test runs (SIGKILL at a random point of edra run)")"

# Each input a fuzzer found (named found_* in a corpus) is listed in the document and still
# replayed; each one the document lists still exists.
while IFS= read -r f; do
  grep -q "$(basename "$f")" "$doc" && ok || fail "$(basename "$f") is in a corpus but not in ROBUSTNESS.md"
done < <(find "$src/tests/fuzz/corpus" -name 'found_*' -type f)
for name in $(grep -o 'found_[A-Za-z0-9_.-]*' "$doc" | sort -u); do
  [ -n "$(find "$src/tests/fuzz/corpus" -name "$name" -type f)" ] && ok ||
    fail "ROBUSTNESS.md lists $name, which is in no corpus"
done
finish
