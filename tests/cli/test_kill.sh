#!/usr/bin/env bash
# Crash safety of `edra run`: the run on the bundled sample is killed with SIGKILL after a
# random delay (between 0 and 1.1 times the length of a whole run), EDRA_KILL_RUNS times
# (50 by default). After each kill the output folder must be either absent or a complete
# report that `edra verify` accepts -- half of the runs replace an earlier report, so the
# swap of the old folder for the new one is killed too -- and any history database left
# under the run's HOME must pass SQLite's integrity check. The temporary folders killed runs
# leave (.report.tmp-XXXXXX) are not removed here: each run removes those whose lock no live
# run holds, so a last, unkilled run must succeed and leave none behind. Then a run in
# progress (stopped with SIGSTOP while its temporary folder exists) must keep its folder
# through another run's sweep, as must a folder whose lock another process holds, while
# an unlocked one and one without a lock file older than 10 minutes are removed.
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

# notes FILE: the N of "edra: note: removed N temporary folder(s) ..." in FILE, else 0.
notes() {
  sed -n 's/^edra: note: removed \([0-9]*\) temporary folder.*/\1/p' "$1" | awk '{ n += $1 } END { print n + 0 }'
}

killed=0 finished=0 absent=0 complete=0 lost=0 removed_by_runs=0
declare -A tmp_seen=()
for i in $(seq 1 "$runs"); do
  out=$work/report
  rm -rf "$out"
  # Even runs replace an earlier complete report.
  if [ $((i % 2)) -eq 0 ]; then cp -a "$tmp/reference" "$out"; fi
  delay_ms=$(((RANDOM * 32768 + RANDOM) % span_ms))
  "$edra" run "$spec" --out "$out" --sign "$tmp/key.pem" -q >/dev/null 2>"$tmp/run.err" &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -KILL "$pid" 2>/dev/null; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
  wait "$pid" 2>/dev/null
  removed_by_runs=$((removed_by_runs + $(notes "$tmp/run.err")))
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
  # What a killed run may leave: its temporary folder (left for the next runs to remove), or
  # the earlier report set aside (removed here).
  for d in "$work"/.report.tmp-*; do [ -d "$d" ] && tmp_seen[$(basename "$d")]=1; done
  find "$work" -mindepth 1 -maxdepth 1 -name 'report.old-*' -exec rm -rf {} +
  other=$(find "$work" -mindepth 1 -maxdepth 1 ! -name report ! -name '.report.tmp-*' | head -n 3)
  [ -z "$other" ] || fail "run $i left unexpected files: $other"
done
leftovers=${#tmp_seen[@]}
echo "kill test: $runs runs, $killed killed mid-run, $finished finished first;" \
  "output folder absent $absent, complete and verified $complete, torn $lost;" \
  "temporary folders left by killed runs $leftovers"
expect_eq "runs accounted for" "$((absent + complete))" "$runs"
expect_eq "torn outputs" "$lost" 0
# The delays are random and the machine's load varies: most, not all, kills land mid-run.
[ "$killed" -ge $((runs / 3)) ] && ok || fail "only $killed of $runs runs were killed mid-run"

# A run after all that still works and verifies, and removes every temporary folder the
# killed runs left. The one exception by design: a run killed in the instant between
# mkdtemp() and taking its lock, or between removing its lock file and publishing, leaves a
# folder without a lock file, removed only once it is 10 minutes old.
rm -rf "$work/report"
code=0
"$edra" run "$spec" --out "$work/report" --sign "$tmp/key.pem" -q >/dev/null 2>"$tmp/err" || code=$?
if [ "$code" -eq 0 ] || [ "$code" -eq 3 ]; then ok; else fail "run after the kills exited $code: $(cat "$tmp/err")"; fi
removed_by_runs=$((removed_by_runs + $(notes "$tmp/err")))
expect_exit 0 "" "$edra" verify --pubkey "$tmp/key.pub.pem" "$work/report"
check_history && ok
remaining=0 lockless=0
for d in "$work"/.*.tmp-*; do
  [ -d "$d" ] || continue
  if [ -e "$d/edra.lock" ]; then remaining=$((remaining + 1)); else lockless=$((lockless + 1)); fi
done
expect_eq "temporary folders with a lock file left after the last run" "$remaining" 0
echo "temporary folders: $leftovers left by killed runs, $((leftovers - remaining - lockless)) of them" \
  "removed by later runs ($removed_by_runs in notes: a run killed in its sweep removes without" \
  "saying so), $remaining left with a lock file, $lockless without one"
# Each note counts folders that are gone, and none goes unnoticed by this loop.
[ "$removed_by_runs" -le "$leftovers" ] && ok || fail "runs noted $removed_by_runs removals of $leftovers folders"

# --- The sweep spares a run in progress. A run is started, stopped with SIGSTOP as soon as
# its temporary folder holds its lock, and another run is made to the same --out meanwhile.
conc=$tmp/concurrent
mkdir -p "$conc"
stopped=""
for attempt in 1 2 3 4 5 6 7 8; do
  rm -rf "$conc/report" "$conc"/.report.tmp-*
  "$edra" run "$spec" --out "$conc/report" -q >/dev/null 2>"$tmp/a.err" &
  pid=$!
  # Polled until the run ends, however slow the build (a sanitizer build reaches its
  # temporary folder seconds later than a fixed number of polls allowed for).
  deadline=$((SECONDS + 120))
  while [ "$SECONDS" -lt "$deadline" ]; do
    locks=("$conc"/.report.tmp-*/edra.lock)
    if [ -e "${locks[0]}" ]; then kill -STOP "$pid"; break; fi
    kill -0 "$pid" 2>/dev/null || break
  done
  locks=("$conc"/.report.tmp-*/edra.lock)
  if [ -e "${locks[0]}" ]; then
    stopped=$(dirname "${locks[0]}")
    break
  fi
  kill -CONT "$pid" 2>/dev/null
  wait "$pid"
done
if [ -z "$stopped" ]; then
  fail "could not stop a run while its temporary folder existed (8 attempts)"
else
  code=0
  "$edra" run "$spec" --out "$conc/report" -q >/dev/null 2>"$tmp/b.err" || code=$?
  { [ "$code" -eq 0 ] || [ "$code" -eq 3 ]; } && ok || fail "run beside a stopped one exited $code: $(cat "$tmp/b.err")"
  [ -d "$stopped" ] && ok || fail "a run's sweep removed $stopped, the folder of a run in progress"
  expect_eq "notes of the run beside a stopped one" "$(notes "$tmp/b.err")" 0
  kill -CONT "$pid"
  code=0
  wait "$pid" || code=$?
  { [ "$code" -eq 0 ] || [ "$code" -eq 3 ]; } && ok || fail "the stopped run exited $code once continued: $(cat "$tmp/a.err")"
  expect_exit 0 "" "$edra" verify "$conc/report"
  [ ! -e "$stopped" ] && ok || fail "the continued run left $stopped"
fi

# --- The rules on folders made by hand: one whose lock another process holds (flock(1)) and
# one without a lock file younger than 10 minutes stay; an unlocked one, one without a lock
# file older than 10 minutes and the lock-holder's once it lets go are removed. Look-alikes
# (a file, a longer suffix, another output's folder) are never touched.
if command -v flock >/dev/null 2>&1; then
  hand=$tmp/hand
  mkdir -p "$hand/.report.tmp-Held01" "$hand/.report.tmp-Young1" "$hand/.report.tmp-Old001" \
    "$hand/.report.tmp-Free01" "$hand/.report.tmp-TooLong1" "$hand/.other.tmp-Free02"
  touch "$hand/.report.tmp-Held01/edra.lock" "$hand/.report.tmp-Free01/edra.lock" \
    "$hand/.other.tmp-Free02/edra.lock" "$hand/.report.tmp-TooLong1/edra.lock" "$hand/.report.tmp-File01"
  touch -d '11 minutes ago' "$hand/.report.tmp-Old001"
  # -F: flock(1) execs sleep, so killing $holder releases the lock.
  flock -F "$hand/.report.tmp-Held01/edra.lock" sleep 60 2>/dev/null &
  holder=$!
  held=0
  for _ in $(seq 1 100); do
    if ! flock -n "$hand/.report.tmp-Held01/edra.lock" true 2>/dev/null; then held=1; break; fi
    sleep 0.05
  done
fi
if [ "${held:-0}" -eq 1 ]; then
  expect_exit 0 "^edra: note: removed 2 temporary folders left by interrupted runs$" \
    "$edra" run "$spec" --out "$hand/report" -q
  left=$(cd "$hand" && ls -A | LC_ALL=C sort | tr '\n' ' ')
  expect_eq "folders left by the sweep" "$left" \
    ".other.tmp-Free02 .report.tmp-File01 .report.tmp-Held01 .report.tmp-TooLong1 .report.tmp-Young1 report "
  kill "$holder" 2>/dev/null
  wait "$holder" 2>/dev/null
  expect_exit 0 "^edra: note: removed 1 temporary folder left by interrupted runs$" \
    "$edra" run "$spec" --out "$hand/report" -q
  [ ! -e "$hand/.report.tmp-Held01" ] && ok || fail "the released lock's folder was not removed"
else
  echo "note: flock(1) is missing or lacks -F; the hand-made lock checks are skipped"
fi
finish
