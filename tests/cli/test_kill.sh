#!/usr/bin/env bash
# Crash safety of `edra run`: the run on the bundled sample is killed with SIGKILL after a
# random delay (between 0 and 1.1 times the length of a whole run), EDRA_KILL_RUNS times
# (50 by default). After each kill the output folder must be either absent or a complete
# report that `edra verify` accepts -- half of the runs replace an earlier report, so the
# swap of the old folder for the new one is killed too -- and any history database left
# under the run's HOME must pass SQLite's integrity check. A last, unkilled run must still
# succeed beside whatever temporary folders the killed runs left.
set -u
. "$(dirname "$0")/lib.sh"
edra=$EDRA_BIN
spec=$EDRA_SRCDIR/samples/discharge.yaml
runs=${EDRA_KILL_RUNS:-50}
[ -f "$spec" ] || { echo "SKIP: $spec not found" >&2; exit 77; }

export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/.local/share EDRA_HISTORY=$tmp/home/history.db
mkdir -p "$HOME"
"$edra" keygen --out "$tmp/key" >/dev/null 2>&1 || { fail "keygen failed"; finish; exit 1; }
work=$tmp/work
mkdir -p "$work"

# A reference run (after a warm-up run), timed: the kills are spread over its length.
for pass in warm-up reference; do
  rm -rf "$tmp/reference"
  start=$(date +%s%N)
  code=0
  "$edra" run "$spec" --out "$tmp/reference" --sign "$tmp/key.pem" -q >/dev/null 2>"$tmp/err" || code=$?
  end=$(date +%s%N)
  if [ "$code" -ne 0 ] && [ "$code" -ne 3 ]; then
    fail "$pass run exited $code: $(cat "$tmp/err")"
    finish
    exit 1
  fi
done
run_ms=$(((end - start) / 1000000))
span_ms=$((run_ms * 11 / 10 + 1))
echo "reference run: $run_ms ms; kills spread over 0..$span_ms ms"

# check_history: every SQLite file under HOME opens and passes PRAGMA integrity_check.
check_history() {
  local db
  while IFS= read -r db; do
    if [ "$(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1)" != "ok" ]; then
      fail "history $db is not readable after a kill"
      return 1
    fi
  done < <(find "$HOME" -type f \( -name '*.db' -o -name '*.sqlite' -o -name '*.sqlite3' \) 2>/dev/null)
  return 0
}

killed=0 finished=0 absent=0 complete=0 lost=0 leftovers=0
for i in $(seq 1 "$runs"); do
  out=$work/report
  rm -rf "$out"
  # Even runs replace an earlier complete report.
  if [ $((i % 2)) -eq 0 ]; then cp -a "$tmp/reference" "$out"; fi
  delay_ms=$(((RANDOM * 32768 + RANDOM) % span_ms))
  "$edra" run "$spec" --out "$out" --sign "$tmp/key.pem" -q >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -KILL "$pid" 2>/dev/null; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
  wait "$pid" 2>/dev/null
  if [ -e "$out" ]; then
    if "$edra" verify "$out" >"$tmp/verify.out" 2>&1; then
      complete=$((complete + 1))
    else
      lost=$((lost + 1))
      fail "run $i (killed at $delay_ms ms): $out exists but does not verify: $(tail -n 2 "$tmp/verify.out")"
    fi
  else
    absent=$((absent + 1))
  fi
  check_history || lost=$((lost + 1))
  # What a killed run may leave: its temporary folder, or the earlier report set aside.
  n=$(find "$work" -mindepth 1 -maxdepth 1 \( -name '.report.tmp-*' -o -name 'report.old-*' \) | wc -l)
  leftovers=$((leftovers + n))
  find "$work" -mindepth 1 -maxdepth 1 \( -name '.report.tmp-*' -o -name 'report.old-*' \) -exec rm -rf {} +
  other=$(find "$work" -mindepth 1 -maxdepth 1 ! -name report | head -n 3)
  [ -z "$other" ] || fail "run $i left unexpected files: $other"
done
echo "kill test: $runs runs, $killed killed mid-run, $finished finished first;" \
  "output folder absent $absent, complete and verified $complete, torn $lost;" \
  "temporary folders left by killed runs $leftovers"
expect_eq "runs accounted for" "$((absent + complete))" "$runs"
expect_eq "torn outputs" "$lost" 0
# The delays are random and the machine's load varies: most, not all, kills land mid-run.
[ "$killed" -ge $((runs / 3)) ] && ok || fail "only $killed of $runs runs were killed mid-run"

# A run after all that still works and verifies.
rm -rf "$work/report"
code=0
"$edra" run "$spec" --out "$work/report" --sign "$tmp/key.pem" -q >/dev/null 2>"$tmp/err" || code=$?
if [ "$code" -eq 0 ] || [ "$code" -eq 3 ]; then ok; else fail "run after the kills exited $code: $(cat "$tmp/err")"; fi
expect_exit 0 "" "$edra" verify --pubkey "$tmp/key.pub.pem" "$work/report"
check_history && ok
finish
