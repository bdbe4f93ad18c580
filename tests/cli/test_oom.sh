#!/usr/bin/env bash
# Out of memory: address-space limits (ulimit -v) swept upward in steps from the smallest
# at which edra starts at all to one where the command succeeds. At every limit `edra
# assess`, `edra anonymize --out` and `edra run --out` on the bundled sample must either
# succeed or exit 1 with exactly one line on stderr (warnings and notes aside), never die
# from a signal, and leave no partial output. Pango, GLib and Fontconfig abort (or crash)
# on allocation failure by design: `edra run` renders through them in a child process
# (analyzer/subproc.c), so such a death is the child's, reported by edra in one line --
# counted here -- and never edra's own. The parent must not load Fontconfig's
# configuration at all (checked with strace when it is there).
# Then every allocation edra's own code makes is failed in turn (tests/fuzz/failmalloc.c).
# ulimit -v and LD_PRELOAD do not mix with AddressSanitizer or valgrind: those builds skip.
set -u
. "$(dirname "$0")/lib.sh"
edra=$EDRA_BIN
spec=$EDRA_SRCDIR/samples/discharge.yaml
# Runs are recorded in a history; keep it out of the source tree (samples/.edra).
export EDRA_HISTORY=$tmp/history.sqlite
[ -f "$spec" ] || { echo "SKIP: $spec not found" >&2; exit 77; }
if [ "$(head -c 2 "$edra")" = "#!" ] || ldd "$edra" 2>/dev/null | grep -q libasan ||
  nm "$edra" 2>/dev/null | grep -q __asan_init; then
  echo "SKIP: $edra is a wrapper or a sanitizer build; ulimit -v cannot apply" >&2
  exit 77
fi

# limited KB CMD...: runs CMD under ulimit -v KB; sets $code, stderr in $tmp/err.
limited() {
  local kb=$1
  shift
  code=0
  # The outer redirection swallows the shell's own "Segmentation fault" report.
  { (ulimit -v "$kb" && exec "$@") >"$tmp/out" 2>"$tmp/err" || code=$?; } 2>/dev/null
}

# The smallest limit (to 1 MB) at which `edra --version` runs: below it the loader fails.
lo=8192 hi=1048576
while [ $((hi - lo)) -gt 1024 ]; do
  mid=$(((lo + hi) / 2))
  limited "$mid" "$edra" --version
  if [ "$code" -eq 0 ]; then hi=$mid; else lo=$mid; fi
done
start_kb=$hi
echo "edra starts from $start_kb KB of address space"

# errors: lines on stderr other than warnings and notes (the sample draws identifier warnings).
errors() {
  grep -vc '^edra: \(warning\|note\):' "$tmp/err"
}

limits_tried=0 oom_lines=0 renderer_deaths=0
# sweep NAME STEP_KB CHECK_OUTPUT CMD...: from start_kb up to the first success.
sweep() {
  local name=$1 step=$2 check_output=$3 kb=$start_kb succeeded=0
  shift 3
  while [ "$kb" -le $((start_kb + 1048576)) ]; do
    rm -rf "$tmp/w"
    mkdir -p "$tmp/w"
    limited "$kb" "$@"
    limits_tried=$((limits_tried + 1))
    if [ "$code" -eq 0 ] || [ "$code" -eq 3 ]; then
      succeeded=1
      break
    elif [ "$code" -eq 1 ] && [ "$(errors)" -eq 1 ]; then
      # One line; it says "out of memory" unless a library only reported its own failure
      # (OpenSSL's fetch of SHA-256: "SHA-256 failed (...)").
      oom_lines=$((oom_lines + 1))
      grep -q "out of memory" "$tmp/err" || echo "at $kb KB: $(grep -v '^edra: \(warning\|note\):' "$tmp/err")"
      # g_error's trap (GLib cannot create Pango's font thread), an abort, or Fontconfig's
      # crash in FcFontSetMatch, now confined to the renderer child.
      grep -q "renderer killed by signal" "$tmp/err" && renderer_deaths=$((renderer_deaths + 1))
    else
      # A death by a signal (exit 128 + N) included: edra itself must never die.
      fail "$name at $kb KB: exit $code, stderr: $(head -c 300 "$tmp/err")"
      return
    fi
    # Failed runs leave nothing in the output folder but the temporary folders of runs
    # killed by a signal, which never bear the output's name.
    if [ "$check_output" = 1 ] && [ -e "$tmp/w/out" ]; then
      fail "$name at $kb KB failed but left $tmp/w/out"
      return
    fi
    kb=$((kb + step))
  done
  if [ "$succeeded" -eq 1 ]; then ok; else fail "$name never succeeded up to $kb KB"; fi
  echo "$name: succeeds from about $kb KB"
}

sweep assess 2048 0 "$edra" assess -q "$spec"
sweep anonymize 2048 1 "$edra" anonymize -q --out "$tmp/w/out" "$spec"
sweep run 4096 1 "$edra" run -q --out "$tmp/w/out" "$spec"
if [ -d "$tmp/w/out" ]; then
  expect_exit 0 "" "$edra" verify "$tmp/w/out"
fi
echo "out-of-memory sweep: $limits_tried limits tried; $oom_lines ended in exit 1 with one line" \
  "($renderer_deaths of them a renderer child killed by a signal in Pango/GLib/Fontconfig);" \
  "0 deaths of edra by a signal"
[ "$oom_lines" -gt 0 ] && ok || fail "no limit produced an out-of-memory message"

# The parent process never opens Fontconfig's configuration or a font: only the renderer
# child does (a library initialised before fork() would be shared with the child).
if command -v strace >/dev/null 2>&1 &&
  strace -f -qq -e trace=open,openat -o "$tmp/strace" "$edra" run -q --out "$tmp/w/strace" "$spec" \
    >/dev/null 2>&1; then
  parent=$(head -n 1 "$tmp/strace" | awk '{print $1}')
  font_re='/etc/fonts|fontconfig/|\.(ttf|otf|pfb)"'
  in_parent=$(awk -v p="$parent" '$1 == p' "$tmp/strace" | grep -cE "$font_re")
  in_child=$(awk -v p="$parent" '$1 != p' "$tmp/strace" | grep -cE "$font_re")
  expect_eq "font files opened by edra's own process" "$in_parent" 0
  [ "$in_child" -gt 0 ] && ok || fail "strace saw no font file opened by the renderer: the check is blind"
else
  echo "note: strace is missing or not permitted; the parent's font check is skipped"
fi

# --- Every allocation edra's own code makes, failed in turn (tests/fuzz/failmalloc.c through
# LD_PRELOAD; calls from the shared libraries are left alone). Each must end in success or in
# exit 1 with one line on stderr -- for run, the one exception is a failure after the report
# was published, which adds a line saying the run was not recorded in the history -- and
# never in a signal, a hang or a report folder that does not verify.
if ! cc -shared -fPIC -O1 -o "$tmp/failmalloc.so" "$EDRA_SRCDIR/tests/fuzz/failmalloc.c" -ldl 2>"$tmp/cc.err"; then
  echo "SKIP: cannot build the allocation-failure shim: $(head -c 200 "$tmp/cc.err")" >&2
  finish
  exit $?
fi
d=$tmp/tiny
mkdir -p "$d"
printf 'id,sex,age,dx\n1,M,30,a\n2,F,40,b\n3,M,30,b\n4,F,40,a\n5,M,31,a\n6,F,41,b\n' >"$d/tiny.csv"
printf 'M;*\nF;*\n' >"$d/h_sex.csv"
cat >"$d/tiny.yaml" <<'EOF'
data: {csv: tiny.csv}
attributes:
  id: {role: identifier}
  sex: {role: quasi, hierarchy: h_sex.csv}
  age: {role: quasi, type: integer, hierarchy: {intervals: [5, 10]}}
  dx: {role: sensitive}
targets: {k: 2, l: {l: 2, attribute: dx}}
EOF
injected=0 handled=0 tolerated=0
# inject NAME STRIDE CMD...: counts edra's allocations for CMD, then fails every STRIDE-th.
inject() {
  local name=$1 stride=$2 total n
  shift 2
  rm -rf "$tmp/w" && mkdir -p "$tmp/w"
  EDRA_FAIL_ALLOC=0 EDRA_FAIL_ALLOC_COUNT=$tmp/count LD_PRELOAD=$tmp/failmalloc.so "$@" >/dev/null 2>&1
  total=$(cat "$tmp/count" 2>/dev/null || echo 0)
  [ "$total" -gt 0 ] && ok || { fail "$name: no allocation counted"; return; }
  for ((n = 1; n <= total; n += stride)); do
    rm -rf "$tmp/w" && mkdir -p "$tmp/w"
    code=0
    { timeout 60 env EDRA_FAIL_ALLOC=$n LD_PRELOAD="$tmp/failmalloc.so" "$@" >"$tmp/out" 2>"$tmp/err" || code=$?; } 2>/dev/null
    injected=$((injected + 1))
    local lines
    lines=$(errors)
    if [ "$code" -eq 0 ] || [ "$code" -eq 3 ]; then
      tolerated=$((tolerated + 1))
    elif [ "$code" -eq 1 ] && { [ "$lines" -eq 1 ] ||
      { [ "$lines" -eq 2 ] && head -n 1 "$tmp/err" | grep -q "but the run was not recorded"; }; }; then
      handled=$((handled + 1))
    else
      fail "$name, allocation $n of $total failed: exit $code, $lines lines: $(head -c 300 "$tmp/err")"
      continue
    fi
    if [ -e "$tmp/w/out" ] && [ "$name" = run ] && ! "$edra" verify "$tmp/w/out" >/dev/null 2>&1; then
      fail "$name, allocation $n: $tmp/w/out exists but does not verify"
    fi
  done
  echo "$name: $total allocations in edra's code; failed one at a time with a stride of $stride"
}
inject assess "${EDRA_FAIL_ALLOC_STRIDE:-2}" "$edra" assess -q "$d/tiny.yaml"
inject anonymize "${EDRA_FAIL_ALLOC_STRIDE:-3}" "$edra" anonymize -q --out "$tmp/w/out" "$d/tiny.yaml"
inject run "${EDRA_FAIL_ALLOC_STRIDE:-6}" "$edra" run -q --out "$tmp/w/out" "$d/tiny.yaml"
echo "allocation-failure injection: $injected runs; $handled ended in exit 1 with one line" \
  "(two after a published report), $tolerated succeeded without that allocation"
[ "$handled" -gt 0 ] && ok || fail "no injected failure was reported"
finish
