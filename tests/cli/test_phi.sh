#!/usr/bin/env bash
# PHI never leaks: a generated sample carries marker values in its identifier columns
# (patient ids, names, SSNs) and its sensitive column (diagnoses). assess, anonymize and run
# (signed) on it, and malformed variants of it, must never show an identifier marker
# anywhere -- stdout, stderr, result JSON, report.pdf (through pdftotext), report.xlsx (every
# part, unzipped), the charts' SVG and PNG bytes, the manifest, SHA256SUMS, the released
# data, any history database (sqlite3 .dump) -- and sensitive markers only in the released
# data. Record-level outputs are mode 0600.
set -u
. "$(dirname "$0")/lib.sh"
edra=$EDRA_BIN
for tool in pdftotext unzip; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed" >&2; exit 77; }
done
export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/.local/share EDRA_HISTORY=$tmp/home/history.db
mkdir -p "$HOME"
d=$tmp/data
mkdir -p "$d"

# 400 records: identifiers ZZMARKID####, ZZMARKNAME####, SSN 9ZZ-##-####; QIs sex, age, zip;
# diagnosis ZZMARKDX_A..E (sensitive). Deterministic (awk's srand with a seed).
awk 'BEGIN {
  srand(20240611)
  print "patient_id,name,ssn,sex,age,zip,diagnosis"
  for (i = 1; i <= 400; i++) {
    sex = rand() < 0.5 ? "F" : "M"
    age = 20 + int(rand() * 60)
    zip = sprintf("0%d%03d", 2 + int(rand() * 3), int(rand() * 40))
    dx = substr("ABCDE", 1 + int(rand() * 5), 1)
    printf "ZZMARKID%04d,\"ZZMARKNAME%04d, Pat\",9ZZ-%02d-%04d,%s,%d,%s,ZZMARKDX_%s\n", i, i, i % 100, i, sex, age, zip, dx
  }
}' >"$d/phi.csv"
printf 'F;*\nM;*\n' >"$d/h_sex.csv"
cat >"$d/phi.yaml" <<'EOF'
data: {csv: phi.csv}
attributes:
  patient_id: {role: identifier}
  name: {role: identifier}
  ssn: {role: identifier}
  sex: {role: quasi, hierarchy: h_sex.csv}
  age: {role: quasi, type: integer, hierarchy: {intervals: [5, 10, 20, 40], bottom: 20, top: 80}}
  zip: {role: quasi, hierarchy: {mask: 5}}
  diagnosis: {role: sensitive}
population: {size: 100000}
targets:
  k: 3
  suppression: 0.1
  l: {model: distinct, l: 2, attribute: diagnosis}
  t: {model: equal, t: 0.6, attribute: diagnosis}
report:
  title: PHI leak test
EOF
ids='ZZMARKID|ZZMARKNAME|9ZZ-'
sens='ZZMARKDX'

# scan LABEL FILE...: no identifier marker, no sensitive marker.
scan() {
  local label=$1
  shift
  if grep -aEq "$ids" "$@" 2>/dev/null; then
    fail "$label: an identifier value leaked: $(grep -aEoh "$ids[^,\" ]*" "$@" | head -n 3 | tr '\n' ' ')"
  elif grep -aq "$sens" "$@" 2>/dev/null; then
    fail "$label: a sensitive value leaked: $(grep -aoh "$sens[^,\" ]*" "$@" | head -n 3 | tr '\n' ' ')"
  else
    ok
  fi
}
files_scanned=0
# scan_dir LABEL DIR: every file of a report folder, each in its readable form.
scan_dir() {
  local label=$1 dir=$2 f
  while IFS= read -r f; do
    files_scanned=$((files_scanned + 1))
    case "$f" in
    */released.csv)
      # The released data may keep the sensitive column, never an identifier.
      if grep -aEq "$ids" "$f"; then fail "$label: an identifier reached $f"; else ok; fi
      grep -q "$sens" "$f" && ok || fail "$label: the released data lost the sensitive column"
      expect_eq "$label: mode of $(basename "$f")" "$(stat -c %a "$f")" 600
      ;;
    *.pdf)
      pdftotext -q "$f" "$tmp/pdf.txt" || fail "$label: pdftotext failed on $f"
      [ -s "$tmp/pdf.txt" ] && ok || fail "$label: no text extracted from $f"
      scan "$label: $(basename "$f") (text)" "$tmp/pdf.txt" "$f"
      ;;
    *.xlsx)
      unzip -p "$f" >"$tmp/xlsx.xml" 2>/dev/null || fail "$label: cannot unzip $f"
      grep -q "PHI leak test" "$tmp/xlsx.xml" && ok || fail "$label: $f unzipped to nothing readable"
      scan "$label: $(basename "$f") (parts)" "$tmp/xlsx.xml"
      ;;
    *) scan "$label: ${f#"$dir"/}" "$f" ;;
    esac
  done < <(find "$dir" -type f | sort)
}
# scan_history LABEL: every SQLite database under HOME, dumped.
scan_history() {
  local db found=0
  while IFS= read -r db; do
    found=1
    sqlite3 "$db" .dump >"$tmp/history.sql" 2>&1 || fail "$1: cannot dump $db"
    scan "$1: history $(basename "$db")" "$tmp/history.sql"
  done < <(find "$HOME" -type f \( -name '*.db' -o -name '*.sqlite' -o -name '*.sqlite3' \) 2>/dev/null)
  [ "$found" -eq 1 ] && echo "history databases scanned under $HOME" || true
}

# --- assess
code=0
"$edra" assess --json "$tmp/assess.json" "$d/phi.yaml" >"$tmp/assess.out" 2>"$tmp/assess.err" || code=$?
if [ "$code" -eq 0 ] || [ "$code" -eq 3 ]; then ok; else fail "assess exited $code: $(cat "$tmp/assess.err")"; fi
scan "assess stdout/stderr/json" "$tmp/assess.out" "$tmp/assess.err" "$tmp/assess.json"

# --- anonymize
mkdir -p "$tmp/anon"
code=0
"$edra" anonymize --json "$tmp/anon.json" --out "$tmp/anon/released.csv" "$d/phi.yaml" \
  >"$tmp/anon.out" 2>"$tmp/anon.err" || code=$?
expect_eq "anonymize exit" "$code" 0
scan "anonymize stdout/stderr/json" "$tmp/anon.out" "$tmp/anon.err" "$tmp/anon.json"
scan_dir anonymize "$tmp/anon"

# --- run, signed
"$edra" keygen --out "$tmp/key" >/dev/null 2>&1
code=0
"$edra" run "$d/phi.yaml" --out "$tmp/report" --sign "$tmp/key.pem" --json "$tmp/run.json" \
  >"$tmp/run.out" 2>"$tmp/run.err" || code=$?
expect_eq "run exit" "$code" 0
scan "run stdout/stderr/json" "$tmp/run.out" "$tmp/run.err" "$tmp/run.json"
[ -f "$tmp/report/released.csv" ] && ok || fail "run wrote no released.csv"
scan_dir run "$tmp/report"
expect_exit 0 "" "$edra" verify --pubkey "$tmp/key.pub.pem" "$tmp/report"
scan "verify output" "$tmp/out" "$tmp/err"
# The identifier columns are named in the report as dropped; their values never are.
pdftotext -q "$tmp/report/report.pdf" "$tmp/pdf.txt"
grep -q "patient_id" "$tmp/pdf.txt" && ok || fail "report.pdf does not name the dropped identifier column"
scan_history "after the runs"

# --- malformed variants: the messages name lines and columns, never PHI
bad() { # NAME CSV-CONTENT-FILTER (a sed script applied to phi.csv)
  sed "$2" "$d/phi.csv" >"$d/$1.csv"
  sed "s/phi.csv/$1.csv/" "$d/phi.yaml" >"$d/$1.yaml"
  "$edra" run "$d/$1.yaml" --out "$tmp/bad_$1" -q >"$tmp/bad.out" 2>"$tmp/bad.err"
  local c=$?
  [ "$c" -eq 2 ] && ok || fail "$1: exit $c, expected 2: $(head -c 300 "$tmp/bad.err")"
  [ -e "$tmp/bad_$1" ] && fail "$1: left $tmp/bad_$1" || ok
  scan "$1: stdout/stderr" "$tmp/bad.out" "$tmp/bad.err"
}
bad ragged_identifier '5s/^ZZMARKID0004,/ZZMARKID0004,ZZMARKID0004,/'
bad quote_in_identifier '7s/^ZZMARKID0006/ZZMARK"ID0006/'
bad invalid_utf8_in_name '9s/ZZMARKNAME0008/ZZMARKNAME\xff0008/'
bad nul_in_ssn '11s/9ZZ-/9ZZ\x00-/'
bad unterminated_name '13s/"ZZMARKNAME0012, Pat"/"ZZMARKNAME0012, Pat/'
# A sensitive value absent from the attribute's hierarchy: the column is named, not the value.
printf 'ZZMARKDX_A;x;*\nZZMARKDX_B;x;*\nZZMARKDX_C;y;*\nZZMARKDX_D;y;*\n' >"$d/h_dx.csv"
sed 's/diagnosis: {role: sensitive}/diagnosis: {role: sensitive, hierarchy: h_dx.csv}/' "$d/phi.yaml" >"$d/sa_hier.yaml"
expect_exit 2 "phi.csv:[0-9]+: a value of column 'diagnosis' is not in" "$edra" run "$d/sa_hier.yaml" --out "$tmp/bad_sa" -q
scan "sensitive value outside its hierarchy" "$tmp/out" "$tmp/err"
# A sensitive column declared numeric holding text: named by line and column only.
sed 's/diagnosis: {role: sensitive}/diagnosis: {role: sensitive, type: integer}/; s/t: {model: equal/t: {model: ordered/' \
  "$d/phi.yaml" >"$d/sa_int.yaml"
expect_exit 2 "phi.csv:2: column 'diagnosis' is declared integer but holds a non-number" \
  "$edra" run "$d/sa_int.yaml" --out "$tmp/bad_int" -q
scan "sensitive column of the wrong type" "$tmp/out" "$tmp/err"
scan_history "after the malformed runs"
echo "PHI scan: $files_scanned output files, stdout and stderr of every command"
finish
