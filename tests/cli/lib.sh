# Shared helpers of the CLI tests (sourced). Each test counts its checks and exits non-zero
# when one fails; exit 77 tells automake's harness the test was skipped.
: "${EDRA_BIN:?EDRA_BIN must name the edra binary}"
: "${EDRA_SRCDIR:?EDRA_SRCDIR must name the source tree}"
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# assess, anonymize and run record in a history beside their spec: the tests' go to $tmp, not
# into the source tree (test_history.sh unsets this to test the default location)
export EDRA_HISTORY=$tmp/history.sqlite

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# expect_exit CODE PATTERN CMD...: runs CMD, checks its exit code and that stderr matches
# the extended regex PATTERN in one line (PATTERN may be empty).
expect_exit() {
  local want=$1 pattern=$2
  shift 2
  local got=0
  "$@" >"$tmp/out" 2>"$tmp/err" || got=$?
  if [ "$got" -ne "$want" ]; then
    fail "$* exited $got, expected $want; stderr: $(head -c 400 "$tmp/err")"
    return
  fi
  if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$tmp/err"; then
    fail "$* stderr does not match /$pattern/: $(head -c 400 "$tmp/err")"
    return
  fi
  if [ "$want" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
    fail "$* printed $(wc -l <"$tmp/err") lines on stderr, expected one"
    return
  fi
  ok
}

# expect_eq NAME GOT WANT
expect_eq() {
  if [ "$2" == "$3" ]; then ok; else fail "$1: got '$2', expected '$3'"; fi
}

# expect_close NAME GOT WANT [RELTOL]: numbers equal within a relative tolerance.
expect_close() {
  local tol=${4:-1e-9}
  if awk -v a="$2" -v b="$3" -v t="$tol" 'BEGIN { d = a - b; if (d < 0) d = -d; s = b < 0 ? -b : b; exit !(d <= t * (s > 1e-300 ? s : 1)) }'; then
    ok
  else
    fail "$1: got $2, expected $3 (relative tolerance $tol)"
  fi
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

shared_data() {
  local d=${EDRA_SHARED_DATA:-$EDRA_SRCDIR/../shared/data}
  if [ -f "$d/adult/adult.csv" ]; then echo "$d"; fi
}

# adult_spec FILE [EXTRA YAML...]: a spec over the Adult extract, all 9 columns QIs.
adult_spec() {
  local out=$1 d
  shift
  d=$(shared_data)
  {
    echo "data: {csv: $d/adult/adult.csv, delimiter: \";\"}"
    echo "attributes:"
    for c in sex age race marital-status education native-country workclass occupation salary-class; do
      echo "  $c: {role: quasi, hierarchy: $d/adult/adult_hierarchy_$c.csv}"
    done
    for line in "$@"; do echo "$line"; done
  } >"$out"
}
