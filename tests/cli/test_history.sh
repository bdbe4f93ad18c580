#!/usr/bin/env bash
# CLI tests of the run history: runs recorded beside the spec, listed newest first and diffed
# (a tightened k: the spec's unified diff, the target, every figure with its direction, the
# transformation), `rerun` reproducing every figure and catching a changed data file, the
# report's history section, clear errors for a damaged, foreign or newer history, parallel
# runs that all land, runs killed with SIGKILL that leave no partial row, and two identical
# runs whose outputs differ only in the run id and the measured durations.
set -u
. "$(dirname "$0")/lib.sh"
edra=$EDRA_BIN
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not installed" >&2; exit 77; }
command -v pdftotext >/dev/null || { echo "SKIP: pdftotext not installed" >&2; exit 77; }
unset EDRA_HISTORY # this test exercises the default location beside the spec
export SOURCE_DATE_EPOCH=1764374400

w=$tmp/w
mkdir "$w"
cp "$EDRA_SRCDIR"/samples/discharge.yaml "$EDRA_SRCDIR"/samples/discharge.csv "$EDRA_SRCDIR"/samples/hierarchy_*.csv "$w"/
spec=$w/discharge.yaml
hist=$w/.edra/history.sqlite
count() { "$edra" history --history "${1:-$hist}" --json | jq length; }
# rows whose artifacts are not all there (a half-recorded run)
partial() { sqlite3 "${1:-$hist}" "SELECT count(*) FROM runs r WHERE n_artifacts <> (SELECT count(*) FROM artifacts a WHERE a.run_seq = r.seq)"; }

# ---- the default location; recording does not change exit codes ----
expect_exit 3 "" "$edra" assess "$spec"
[ -f "$hist" ] && ok || fail "no history created at $hist"
grep -q "^Recorded as ED-20251129-[0-9a-f]\{16\} in $w/.edra/history.sqlite" "$tmp/out" && ok || fail "assess did not say where it recorded the run"
expect_eq "schema version" "$(sqlite3 "$hist" 'PRAGMA user_version')" 1
expect_eq "application id" "$(sqlite3 "$hist" 'PRAGMA application_id')" 1701081697
expect_eq "journal mode" "$(sqlite3 "$hist" 'PRAGMA journal_mode')" wal
expect_exit 3 "" "$edra" assess -q --no-history "$spec"
expect_eq "--no-history records nothing" "$(count)" 1
expect_exit 3 "" "$edra" assess -q --levels zip=2,birth_date=1 --suppress "$spec"
assess_id=$("$edra" history --spec "$spec" --json | jq -r '.[0].id')
expect_eq "assess exit code recorded" "$("$edra" history --spec "$spec" --json | jq '.[0].exit_code')" 3
expect_eq "assess options recorded" "$("$edra" history show "$assess_id" --spec "$spec" --json | jq -c .options)" '{"levels":"zip=2,birth_date=1","suppress":true}'

# ---- three identical runs, then a tightened k ----
for r in a b c; do
  expect_exit 0 "" "$edra" run "$spec" --out "$w/r$r" -q
done
cp "$spec" "$tmp/k5.yaml"
sed -i 's/^  k: 5$/  k: 20/' "$spec"
expect_exit 0 "" "$edra" run "$spec" --out "$w/rd" -q
id() { jq -r .run_id "$w/r$1/result.json"; }
list=$("$edra" history --spec "$spec" --json)
expect_eq "newest first" "$(jq -r '.[0:4] | map(.id) | join(" ")' <<<"$list")" "$(id d) $(id c) $(id b) $(id a)"
expect_eq "six runs listed" "$(jq length <<<"$list")" 6
for r in c d; do
  expect_eq "k of run $r" "$(jq --arg id "$(id $r)" '.[] | select(.id == $id) | .k' <<<"$list")" "$(jq .figures.k "$w/r$r/result.json")"
  expect_close "average risk of run $r" "$(jq --arg id "$(id $r)" '.[] | select(.id == $id) | .average_risk' <<<"$list")" \
    "$(jq .figures.prosecutor.average "$w/r$r/result.json")"
done
k_c=$(jq .figures.k "$w/rc/result.json")
k_d=$(jq .figures.k "$w/rd/result.json")
[ "$k_d" -gt "$k_c" ] && ok || fail "k 20 did not raise k ($k_c -> $k_d)"
EDRA_HISTORY=$tmp/elsewhere.sqlite expect_exit 0 "" "$edra" history --spec "$spec" # --spec over the variable
grep -q "^$(id d)  .*  run .*  $k_d  .*met" "$tmp/out" && ok || fail "the table lacks run d: $(head -3 "$tmp/out")"

# the artifacts of a run are those of its manifest, with the same hashes
show=$("$edra" history show "$(id d)" --spec "$spec" --json)
expect_eq "artifacts = manifest files + manifest" "$(jq '.artifacts | length' <<<"$show")" "$(($(jq '.files | length' "$w/rd/MANIFEST.json") + 1))"
expect_eq "report.pdf hash" "$(jq -r '.artifacts[] | select(.path == "report.pdf") | .sha256' <<<"$show")" "$(sha256sum "$w/rd/report.pdf" | cut -c1-64)"
expect_eq "MANIFEST.json hash" "$(jq -r '.artifacts[] | select(.path == "MANIFEST.json") | .sha256' <<<"$show")" "$(sha256sum "$w/rd/MANIFEST.json" | cut -c1-64)"
expect_eq "stored spec text" "$(jq -r .spec_text <<<"$show")" "$(cat "$spec")"
expect_eq "stored spec hash" "$(jq -r .spec_sha256 <<<"$show")" "$(sha256sum "$spec" | cut -c1-64)"
expect_eq "stored data hash" "$(jq -r .data_sha256 <<<"$show")" "$(sha256sum "$w/discharge.csv" | cut -c1-64)"
expect_eq "rows" "$(jq .rows <<<"$show")" "$(($(wc -l <"$w/discharge.csv") - 1))"
expect_eq "out dir" "$(jq -r .out_dir <<<"$show")" "$w/rd"
# aggregates only: no patient id reaches the history
pid=$(sed -n 2p "$w/discharge.csv" | cut -d, -f1)
if grep -qa -- "$pid" "$hist"* ; then fail "a patient id reached the history"; else ok; fi
expect_exit 0 "" "$edra" history show "$(id d)" --spec "$spec"
grep -q "^  k: 20$" "$tmp/out" && ok || fail "history show lacks the spec text"
grep -q "^Exit code *0$" "$tmp/out" && ok || fail "history show lacks the exit code"

# ---- diff c -> d: the right changes ----
d=$("$edra" diff "$(id c)" "$(id d)" --spec "$spec" --json)
expect_eq "spec changed" "$(jq .spec.same <<<"$d")" false
grep -q -- "-  k: 5" <<<"$(jq -r .spec.unified_diff <<<"$d")" && ok || fail "the spec diff lacks -k: 5"
grep -q -- "+  k: 20" <<<"$(jq -r .spec.unified_diff <<<"$d")" && ok || fail "the spec diff lacks +k: 20"
expect_eq "data same" "$(jq .data.same <<<"$d")" true
expect_eq "row change" "$(jq .data.rows_change <<<"$d")" 0
expect_eq "k target" "$(jq -c '.targets[] | select(.name == "k-anonymity") | [.status, .target_a, .target_b]' <<<"$d")" '["changed",5,20]'
expect_eq "other targets same" "$(jq '[.targets[] | select(.name != "k-anonymity") | .status] | unique | join(",")' <<<"$d")" '"same"'
expect_eq "k figure" "$(jq -c '.figures[] | select(.name == "k") | [.a, .b, .direction, .judgement]' <<<"$d")" "[$k_c,$k_d,\"up\",\"better\"]"
avg_c=$(jq .figures.prosecutor.average "$w/rc/result.json")
avg_d=$(jq .figures.prosecutor.average "$w/rd/result.json")
expect_eq "average risk direction" "$(jq -r '.figures[] | select(.name == "prosecutor risk (average)") | .direction' <<<"$d")" \
  "$(awk -v a="$avg_c" -v b="$avg_d" 'BEGIN { print (b < a ? "down" : (b > a ? "up" : "same")) }')"
for qi in $(jq -r '.figures.transformation | keys[]' "$w/rd/result.json"); do
  la=$(jq ".figures.transformation[\"$qi\"].level" "$w/rc/result.json")
  lb=$(jq ".figures.transformation[\"$qi\"].level" "$w/rd/result.json")
  expect_eq "level of $qi" "$(jq -c --arg q "$qi" '.transformation[] | select(.qi == $q) | [.a, .b]' <<<"$d")" "[$la,$lb]"
done
expect_eq "figures differ" "$(jq .identical_figures <<<"$d")" false
expect_exit 0 "" "$edra" diff "$(id c)" "$(id d)" --spec "$spec"
grep -Eq "^  k +$k_c +$k_d +up \(better\)$" "$tmp/out" && ok || fail "human diff lacks the k line"
grep -q "^Spec: changed" "$tmp/out" && ok || fail "human diff does not say the spec changed"
# b and c: identical runs
expect_eq "identical runs" "$("$edra" diff "$(id b)" "$(id c)" --spec "$spec" --json | jq -c '[.spec.same, .data.same, .identical_figures]')" '[true,true,true]'

# ---- the report's history section ----
text=$(pdftotext "$w/rd/report.pdf" - | tr '\n' ' ' | tr -s ' ')
grep -q "History Previous run on the same spec or data: $(id c) (edra run" <<<"$text" && ok || fail "report d does not name run c as the previous one"
grep -q "Targets: k-anonymity 5 (met) then 20 (met)" <<<"$text" && ok || fail "report d does not state the k target change"
grep -q "Figures: k $k_c then $k_d (better)" <<<"$text" && ok || fail "report d does not state k $k_c -> $k_d"
text=$(pdftotext "$w/rc/report.pdf" - | tr '\n' ' ' | tr -s ' ')
grep -q "Figures: every headline figure identical" <<<"$text" && ok || fail "report c does not say nothing changed"

# ---- rerun: every figure reproduced; a changed data file is caught ----
expect_exit 0 "" "$edra" rerun "$(id d)" --spec "$spec"
grep -q "^Reproduced: yes" "$tmp/out" && ok || fail "rerun did not reproduce run d"
expect_exit 0 "" "$edra" rerun "$(id a)" --spec "$spec" # the spec file has changed since: its stored text is used
expect_exit 0 "" "$edra" rerun "$assess_id" --spec "$spec" # assess with --levels and --suppress
cd "$tmp" && expect_exit 0 "" "$edra" rerun last --history "$hist" # from another folder
cd - >/dev/null
cp "$w/discharge.csv" "$tmp/discharge.csv"
sed -i '$d' "$w/discharge.csv" # one row less
expect_exit 3 "" "$edra" rerun "$(id d)" --spec "$spec"
grep -q "SHA-256 DIFFERS" "$tmp/out" && ok || fail "rerun did not report the changed data"
grep -q "^Reproduced: NO" "$tmp/out" && ok || fail "rerun claims a reproduction"
r=$("$edra" rerun "$(id d)" --spec "$spec" --json)
expect_eq "rerun json" "$(jq -c '[.data_same, .figures_identical, .reproduced]' <<<"$r")" '[false,false,false]'
grep -q '"figures.records: 5000 -> 4999"' <<<"$r" && ok || fail "rerun does not name the record count: $(jq -c '.differences[0:3]' <<<"$r")"
expect_exit 3 "" "$edra" assess -q "$spec"
expect_eq "diff sees the new extract" "$("$edra" diff "$(id d)" last --spec "$spec" --json | jq -c '[.data.same, .data.rows_change]')" '[false,-1]'
cp "$tmp/discharge.csv" "$w/discharge.csv"
expect_exit 0 "" "$edra" rerun "$(id d)" --spec "$spec"
# a stored spec edited by hand is refused
cp "$hist" "$tmp/edited.sqlite"
sqlite3 "$tmp/edited.sqlite" "UPDATE runs SET spec_text = spec_text || '#' WHERE id = '$(id d)'"
expect_exit 1 "the recorded spec text does not match its recorded SHA-256" "$edra" rerun "$(id d)" --history "$tmp/edited.sqlite"

# ---- unusable histories: clear errors, no crash, nothing changed ----
printf 'meeting notes, not a database\n%.0s' $(seq 8) >"$tmp/notes.txt"
cp "$tmp/notes.txt" "$tmp/notes.orig"
expect_exit 1 "notes.txt: not an edra history: file is not a database" "$edra" assess -q --history "$tmp/notes.txt" "$spec"
cmp -s "$tmp/notes.txt" "$tmp/notes.orig" && ok || fail "a foreign file was modified"
expect_exit 1 "not an edra history: file is not a database" "$edra" history --history "$tmp/notes.txt"
sqlite3 "$tmp/crm.sqlite" "CREATE TABLE customers(id INTEGER, name TEXT)"
expect_exit 1 "crm.sqlite: not an edra history: an SQLite database of another application" "$edra" run "$spec" --out "$tmp/never" --history "$tmp/crm.sqlite" -q
[ ! -e "$tmp/never" ] && ok || fail "a run with an unusable history wrote its report"
expect_eq "foreign database untouched" "$(sqlite3 "$tmp/crm.sqlite" 'SELECT count(*) FROM sqlite_master')" 1
cp "$hist" "$tmp/newer.sqlite"
sqlite3 "$tmp/newer.sqlite" "PRAGMA user_version = 9"
expect_exit 1 "schema version 9 is newer than this edra reads \(1\)" "$edra" history --history "$tmp/newer.sqlite"
expect_exit 1 "schema version 9 is newer" "$edra" assess -q --history "$tmp/newer.sqlite" "$spec"
cp "$hist" "$tmp/damaged.sqlite"
dd if=/dev/urandom of="$tmp/damaged.sqlite" bs=1 seek=100 count=3000 conv=notrunc status=none
expect_exit 1 "damaged.sqlite: " "$edra" history --history "$tmp/damaged.sqlite"
expect_exit 2 "no history there" "$edra" history --history "$tmp/none.sqlite"
expect_exit 2 "no run 'ED-19990101' recorded" "$edra" history show ED-19990101 --spec "$spec"
expect_exit 2 "is the start of more than one run id" "$edra" diff ED-2025 last --spec "$spec"
# a history that cannot be written fails the run (exit 1) before any work; --no-history opts out
: >"$tmp/plainfile"
expect_exit 1 "cannot create the history's folder" "$edra" assess -q --history "$tmp/plainfile/h/history.sqlite" "$spec"
EDRA_HISTORY=$tmp/plainfile/h/history.sqlite expect_exit 3 "" "$edra" assess -q --no-history "$spec"
expect_exit 0 "" "$edra" run "$spec" --out "$tmp/unrecorded" --no-history -q
grep -q "Not recorded: this run was made with --no-history" <<<"$(pdftotext "$tmp/unrecorded/report.pdf" - | tr '\n' ' ')" \
  && ok || fail "an unrecorded report does not say so"

# ---- concurrency: runs at the same time on one history all land ----
par=$tmp/par/history.sqlite
pids=()
for i in 1 2; do "$edra" run "$spec" --out "$tmp/par_r$i" --history "$par" -q >/dev/null 2>"$tmp/par_err$i" & pids+=($!); done
for i in 1 2 3 4; do "$edra" assess "$spec" -q --history "$par" >/dev/null 2>"$tmp/par_err_a$i" & pids+=($!); done
codes=""
for p in "${pids[@]}"; do wait "$p"; codes="$codes $?"; done
expect_eq "parallel exit codes" "$codes" " 0 0 3 3 3 3"
expect_eq "parallel runs recorded" "$(count "$par")" 6
expect_eq "no partial row" "$(partial "$par")" 0

# ---- SIGKILL: a killed run leaves the history readable and without a partial row ----
before=$(count)
"$edra" run "$spec" --out "$tmp/killed" -q >/dev/null 2>&1 &
pid=$!
sleep 0.3
kill -KILL "$pid"
wait "$pid" 2>/dev/null
expect_eq "killed by SIGKILL" "$?" 137
expect_eq "integrity after the kill" "$(sqlite3 "$hist" 'PRAGMA integrity_check')" ok
expect_eq "no row for the killed run" "$(count)" "$before"
expect_eq "no partial row" "$(partial)" 0
# then at every point of a run, recording included: each run is there whole or not at all
t0=$(date +%s%N)
expect_exit 0 "" "$edra" run "$spec" --out "$tmp/timed" -q
ms=$((($(date +%s%N) - t0) / 1000000))
for pct in 50 80 90 94 97 99 100 103; do
  n=$(count)
  "$edra" run "$spec" --out "$tmp/k$pct" -q >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v ms="$ms" -v p="$pct" 'BEGIN { printf "%.3f", ms * p / 100000 }')"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  m=$(count)
  { [ "$m" -eq "$n" ] || [ "$m" -eq $((n + 1)) ]; } && ok || fail "runs went from $n to $m after a kill at $pct%"
  expect_eq "integrity after a kill at $pct%" "$(sqlite3 "$hist" 'PRAGMA integrity_check')" ok
  expect_eq "no partial row after a kill at $pct%" "$(partial)" 0
done

# ---- two identical runs: the same bytes but for the run id and the measured durations ----
cp "$tmp/k5.yaml" "$spec"
b=$w/rb c=$w/rc
idb=$(jq -r .run_id "$b/result.json") idc=$(jq -r .run_id "$c/result.json") ida=$(jq -r .run_id "$w/ra/result.json")
expect_eq "same files" "$(cd "$b" && find . -type f | sort)" "$(cd "$c" && find . -type f | sort)"
for f in released.csv $(cd "$b" && echo charts/*); do
  cmp -s "$b/$f" "$c/$f" && ok || fail "$f differs between identical runs"
done
drop='del(.run_id, .context.load_seconds, .context.assess_seconds, .search.seconds)'
expect_eq "result.json apart from the id and durations" "$(jq -S "$drop" "$b/result.json")" "$(jq -S "$drop" "$c/result.json")"
expect_eq "manifest apart from the id and the files holding it" \
  "$(jq -S 'del(.run_id) | .files |= map(select(.path | test("^(charts/|released)")))' "$b/MANIFEST.json")" \
  "$(jq -S 'del(.run_id) | .files |= map(select(.path | test("^(charts/|released)")))' "$c/MANIFEST.json")"
# the PDF's text, its previous run (a for b, b for c) and its one duration ("in 0.69 s")
# (lines joined: a duration one digit shorter may wrap a paragraph differently)
norm() { pdftotext "$1/report.pdf" - | tr '\n' ' ' | tr -s ' ' | sed -e "s/$2/RUN/g" -e "s/$3/PREVIOUS/g" -E -e 's/in [0-9.e+-]+ s,/in S s,/g'; }
expect_eq "report.pdf text" "$(norm "$b" "$idb" "$ida")" "$(norm "$c" "$idc" "$idb")"
expect_eq "report.pdf metadata" "$(pdfinfo "$b/report.pdf" | grep -v -e '^Subject' -e '^File size')" "$(pdfinfo "$c/report.pdf" | grep -v -e '^Subject' -e '^File size')"
mkdir "$tmp/xb" "$tmp/xc"
(cd "$tmp/xb" && unzip -q "$b/report.xlsx") && (cd "$tmp/xc" && unzip -q "$c/report.xlsx")
# every member alike once the id is replaced, but for one cell: the search's seconds
: >"$tmp/xdiff"
for f in $(cd "$tmp/xb" && find . -type f | sort); do
  diff <(sed -e 's/></>\n</g' -e "s/$idb/RUN/g" "$tmp/xb/$f") <(sed -e 's/></>\n</g' -e "s/$idc/RUN/g" "$tmp/xc/$f") \
    | sed -n 's/^< //p' >>"$tmp/xdiff"
done
expect_eq "report.xlsx beyond the id: one cell" "$(wc -l <"$tmp/xdiff")" 1
grep -Eq '^<v>[0-9.e-]+</v>$' "$tmp/xdiff" && ok || fail "report.xlsx differs in $(head -c 200 "$tmp/xdiff")"
finish
