#!/usr/bin/env bash
# Hostile and malformed inputs, one table row each: the input files, the command (mostly
# `edra run SPEC --out DIR`, so that every row also proves no partial output is left), the
# expected exit code (2 bad input, 1 environment fault) and a regex for the single line on
# stderr. Every row also checks: exactly one line on stderr (or the expected note lines),
# no report folder and no temporary file left behind on failure, and no identifier or
# sensitive value of the data (they all start with QQ) quoted in any message.
set -u
. "$(dirname "$0")/lib.sh"
edra=$EDRA_BIN
in=$tmp/in
# Runs are recorded in a history; keep it out of the source tree (samples/.edra).
export EDRA_HISTORY=$tmp/history.sqlite
mkdir -p "$in"
rows=0

mk() { printf '%b' "$2" >"$in/$1"; }
# spec NAME.yaml CSV [YAML LINES...]: a spec over CSV with id/name identifiers, sex (file
# hierarchy) and age quasi-identifiers and dx sensitive, plus the lines given.
spec() {
  local name=$1 csv=$2
  shift 2
  {
    echo "data: {csv: $csv}"
    echo "attributes:"
    echo "  id: {role: identifier}"
    echo "  name: {role: identifier}"
    echo "  sex: {role: quasi, hierarchy: h_sex.csv}"
    echo "  age: {role: quasi, type: integer, hierarchy: {intervals: [10, 20]}}"
    echo "  dx: {role: sensitive}"
    for line in "$@"; do echo "$line"; done
  } >"$in/$name"
}

# check NAME WANT PATTERN NOTES: the common checks on $w after a command ran.
check() {
  local name=$1 want=$2 pattern=$3 notes=$4 got=$5
  if [ "$got" -ne "$want" ]; then
    fail "$name: exited $got, expected $want; stderr: $(head -c 300 "$w.err")"
    return
  fi
  local lines
  lines=$(grep -vc "^edra: \(note\|warning\): " "$w.err")
  if [ "$want" -ne 0 ] && [ "$lines" -ne 1 ]; then
    fail "$name: $lines lines on stderr, expected one: $(head -c 300 "$w.err")"
    return
  fi
  if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$w.err"; then
    fail "$name: stderr does not match /$pattern/: $(head -c 300 "$w.err")"
    return
  fi
  if [ "$(grep -c "^edra: note: " "$w.err")" -ne "$notes" ]; then
    fail "$name: expected $notes note lines: $(head -c 300 "$w.err")"
    return
  fi
  if [ "$(wc -c <"$w.err")" -gt 2000 ]; then
    fail "$name: a message of $(wc -c <"$w.err") bytes"
    return
  fi
  if grep -q "QQ" "$w.err" "$w.out"; then
    fail "$name: an identifier or sensitive value reached the output: $(grep -h QQ "$w.err" "$w.out" | head -c 200)"
    return
  fi
  if [ "$want" -ne 0 ] && [ -n "$(ls -A "$w")" ]; then
    fail "$name: left output behind: $(ls -A "$w" | tr '\n' ' ')"
    return
  fi
  ok
}

# row NAME WANT PATTERN SPEC [EXTRA ARGS...]: edra run SPEC --out $w/report.
row() {
  local name=$1 want=$2 pattern=$3 spec_file=$4
  shift 4
  rows=$((rows + 1))
  w=$tmp/w_$name
  mkdir -p "$w"
  local got=0
  "$edra" run "$in/$spec_file" --out "$w/report" -q "$@" >"$w.out" 2>"$w.err" || got=$?
  check "$name" "$want" "$pattern" 0 "$got"
}

# row_cmd NAME WANT PATTERN NOTES CMD...: any command; $w is its (empty) output folder.
row_cmd() {
  local name=$1 want=$2 pattern=$3 notes=$4
  shift 4
  rows=$((rows + 1))
  w=$tmp/w_$name
  mkdir -p "$w"
  local got=0
  "$@" >"$w.out" 2>"$w.err" || got=$?
  check "$name" "$want" "$pattern" "$notes" "$got"
}

# --- fixtures
mk h_sex.csv 'M;*\nF;*\n'
good='id,name,sex,age,dx\n1,QQNAME1,M,30,QQDX1\n2,QQNAME2,F,40,QQDX2\n3,QQNAME3,M,30,QQDX1\n4,QQNAME4,F,40,QQDX2\n'
mk good.csv "$good"
spec ok.yaml good.csv
w=$tmp/w_ok
mkdir -p "$w"
got=0
"$edra" run "$in/ok.yaml" --out "$w/report" -q >"$w.out" 2>"$w.err" || got=$?
expect_eq "control run exits 0" "$got" 0
[ -f "$w/report/MANIFEST.json" ] && ok || fail "control run wrote no report"

# --- the data file
mk empty.csv ''
spec csv_empty.yaml empty.csv
row csv_empty 2 "empty.csv" csv_empty.yaml
mk header.csv 'id,name,sex,age,dx\n'
spec csv_header_only.yaml header.csv
row csv_header_only 2 "header.csv: no records" csv_header_only.yaml
mk bom_only.csv '\xef\xbb\xbf'
spec csv_bom_only.yaml bom_only.csv
row csv_bom_only 2 "bom_only.csv" csv_bom_only.yaml
{ printf 'id,name,sex,age,dx\n1,QQNAME1,'; head -c 1048576 /dev/zero | tr '\0' 'x'; printf ',30,QQDX1\n'; } >"$in/big_qi.csv"
spec csv_1mb_field_qi.yaml big_qi.csv
row csv_1mb_field_qi 2 "big_qi.csv:2: value 'x{1,40}' of column 'sex' is not in .*h_sex.csv" csv_1mb_field_qi.yaml
{ printf 'id,name,sex,age,dx\n1,QQNAME1,M,30,QQ'; head -c 1048576 /dev/zero | tr '\0' 'y'; printf '\n'; } >"$in/big_sa.csv"
spec csv_1mb_field_sa.yaml big_sa.csv "targets: {t: {model: ordered, t: 0.5, attribute: dx}}"
sed -i 's/dx: {role: sensitive}/dx: {role: sensitive, type: decimal}/' "$in/csv_1mb_field_sa.yaml"
row csv_1mb_field_sa 2 "big_sa.csv:2: column 'dx' is declared decimal but holds a non-number" csv_1mb_field_sa.yaml
{ printf 'id,name,sex,age,dx\n1,"QQ'; head -c 1048576 /dev/zero | tr '\0' 'z'; printf ',M,30,QQDX1\n'; } >"$in/big_quote.csv"
spec csv_1mb_unterminated.yaml big_quote.csv
row csv_1mb_unterminated 2 "big_quote.csv:2:[0-9]+: unterminated quote" csv_1mb_unterminated.yaml
mk nul.csv 'id,name,sex,age,dx\n1,QQNAME1,M,30,QQ\0DX\n'
spec csv_nul.yaml nul.csv
row csv_nul 2 "nul.csv:2:[0-9]+: .*NUL" csv_nul.yaml
mk utf8.csv 'id,name,sex,age,dx\n1,QQNAME1,M,30,QQ\xff\xfe\n'
spec csv_invalid_utf8.yaml utf8.csv
row csv_invalid_utf8 2 "utf8.csv:2:[0-9]+: invalid UTF-8" csv_invalid_utf8.yaml
mk overlong.csv 'id,name,sex,age,dx\n1,QQNAME1,M,30,\xc0\xaf\n'
spec csv_overlong_utf8.yaml overlong.csv
row csv_overlong_utf8 2 "overlong.csv:2:[0-9]+: invalid UTF-8" csv_overlong_utf8.yaml
mk surrogate.csv 'id,name,sex,age,dx\n1,QQNAME1,M,30,\xed\xa0\x80\n'
spec csv_surrogate.yaml surrogate.csv
row csv_surrogate 2 "surrogate.csv:2:[0-9]+: invalid UTF-8" csv_surrogate.yaml
mk truncated.csv 'id,name,sex,age,dx\n1,QQNAME1,M,30,\xe2\x82'
spec csv_truncated_utf8.yaml truncated.csv
row csv_truncated_utf8 2 "truncated.csv:2:[0-9]+: invalid UTF-8" csv_truncated_utf8.yaml
mk mixed_ragged.csv 'id,name,sex,age,dx\r\n1,QQNAME1,M,30,QQDX1\n2,QQNAME2\r,F,40,QQDX2\r\n'
spec csv_mixed_endings_ragged.yaml mixed_ragged.csv
row csv_mixed_endings_ragged 2 "mixed_ragged.csv:3: expected 5 fields, found 2" csv_mixed_endings_ragged.yaml
mk ragged_long.csv 'id,name,sex,age,dx\n1,QQNAME1,M,30,QQDX1\n2,QQNAME2,F,40,QQDX2,extra\n'
spec csv_ragged_long.yaml ragged_long.csv
row csv_ragged_long 2 "ragged_long.csv:3: expected 5 fields, found 6" csv_ragged_long.yaml
mk ragged_short.csv 'id,name,sex,age,dx\n1,QQNAME1,M,30,QQDX1\n2,QQNAME2,F\n'
spec csv_ragged_short.yaml ragged_short.csv
row csv_ragged_short 2 "ragged_short.csv:3: expected 5 fields, found 3" csv_ragged_short.yaml
mk dupcol.csv 'id,name,sex,age,dx,sex\n1,QQNAME1,M,30,QQDX1,F\n'
spec csv_duplicate_columns.yaml dupcol.csv
row csv_duplicate_columns 2 "dupcol.csv:1: column 'sex' appears twice" csv_duplicate_columns.yaml
mk quote.csv 'id,name,sex,age,dx\n1,QQNAME1,M,30,"QQDX1\n2,QQNAME2,F,40,QQDX2\n'
spec csv_unterminated_quote.yaml quote.csv
row csv_unterminated_quote 2 "quote.csv:2:[0-9]+: unterminated quote" csv_unterminated_quote.yaml
mk stray_quote.csv 'id,name,sex,age,dx\n1,QQNAME1,M,30,QQ"DX1\n'
spec csv_quote_in_field.yaml stray_quote.csv
row csv_quote_in_field 2 "stray_quote.csv:2:[0-9]+: quote in unquoted field" csv_quote_in_field.yaml
mk after_quote.csv 'id,name,sex,age,dx\n1,QQNAME1,M,30,"QQDX1"x\n'
spec csv_text_after_quote.yaml after_quote.csv
row csv_text_after_quote 2 "after_quote.csv:2:[0-9]+: unexpected character after closing quote" csv_text_after_quote.yaml
spec csv_missing_file.yaml nosuch.csv
row csv_missing_file 2 "nosuch.csv: No such file or directory" csv_missing_file.yaml
mkdir -p "$in/folder.csv"
spec csv_is_a_folder.yaml folder.csv
row csv_is_a_folder 2 "folder.csv" csv_is_a_folder.yaml
mk nozip.csv 'id,name,sex,age\n1,QQNAME1,M,30\n'
spec csv_missing_column.yaml nozip.csv
row csv_missing_column 2 "csv_missing_column.yaml:7:3: column 'dx' is not in nozip.csv" csv_missing_column.yaml
mk newline_value.csv 'id,name,sex,age,dx\n1,QQNAME1,"M\nX",30,QQDX1\n'
spec csv_value_with_line_break.yaml newline_value.csv
row csv_value_with_line_break 2 "newline_value.csv:2: value 'M.X' of column 'sex' is not in" csv_value_with_line_break.yaml
# The same files with their rows parsed on a thread of their own (analyzer/rowpipe, which
# files of 8 MB and more take): the same one-line messages, an encoding error (a value not in
# its hierarchy) as well as the parse's own, and one found after many batches of rows.
awk 'BEGIN { print "id,name,sex,age,dx"; for (i = 1; i <= 20000; i++) print i ",QQNAME" i "," (i % 2 ? "M" : "F") ",30,QQDX1"; print "20001,QQNAME,M" }' >"$in/late_ragged.csv"
spec csv_late_ragged.yaml late_ragged.csv
export EDRA_LOAD_PIPELINE=1
row piped_csv_1mb_field_qi 2 "big_qi.csv:2: value 'x{1,40}' of column 'sex' is not in .*h_sex.csv" csv_1mb_field_qi.yaml
row piped_csv_1mb_unterminated 2 "big_quote.csv:2:[0-9]+: unterminated quote" csv_1mb_unterminated.yaml
row piped_csv_invalid_utf8 2 "utf8.csv:2:[0-9]+: invalid UTF-8" csv_invalid_utf8.yaml
row piped_csv_mixed_endings_ragged 2 "mixed_ragged.csv:3: expected 5 fields, found 2" csv_mixed_endings_ragged.yaml
row piped_csv_value_with_line_break 2 "newline_value.csv:2: value 'M.X' of column 'sex' is not in" csv_value_with_line_break.yaml
row piped_csv_late_ragged 2 "late_ragged.csv:20002: expected 5 fields, found 3" csv_late_ragged.yaml
unset EDRA_LOAD_PIPELINE
row csv_late_ragged 2 "late_ragged.csv:20002: expected 5 fields, found 3" csv_late_ragged.yaml
mk escape_value.csv 'id,name,sex,age,dx\n1,QQNAME1,\x1b[2J,30,QQDX1\n'
spec csv_value_with_escape.yaml escape_value.csv
row csv_value_with_escape 2 "escape_value.csv:2: value '.\\[2J' of column 'sex' is not in" csv_value_with_escape.yaml
mk sa_value.csv 'id,name,sex,age,dx\n1,QQNAME1,M,30,QQDX1\n2,QQNAME2,F,40,QQDX9\n'
mk h_dx.csv 'QQDX1;*\n'
spec csv_sa_not_in_hierarchy.yaml sa_value.csv
sed -i 's/dx: {role: sensitive}/dx: {role: sensitive, hierarchy: h_dx.csv}/' "$in/csv_sa_not_in_hierarchy.yaml"
row csv_sa_not_in_hierarchy 2 "sa_value.csv:3: a value of column 'dx' is not in .*h_dx.csv" csv_sa_not_in_hierarchy.yaml

# --- the spec
row spec_missing 2 "nosuch.yaml: No such file or directory" nosuch.yaml
mk spec_empty.yaml ''
row spec_empty 2 "spec_empty.yaml:1:1: the spec is empty" spec_empty.yaml
mk spec_not_yaml.yaml 'data: {csv: good.csv\nattributes: [\n'
row spec_not_yaml 2 "spec_not_yaml.yaml:[0-9]+:[0-9]+:" spec_not_yaml.yaml
mk spec_is_a_list.yaml '- 1\n- 2\n'
row spec_is_a_list 2 "spec_is_a_list.yaml:1:1:" spec_is_a_list.yaml
mk spec_anchor_alias.yaml 'data: {csv: good.csv}\nattributes:\n  sex: &q {role: quasi}\n  age: *q\n'
row spec_anchor_alias 2 "spec_anchor_alias.yaml:3:[0-9]+: anchors are not supported" spec_anchor_alias.yaml
mk spec_billion_laughs.yaml 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
data: {csv: good.csv}
attributes: {sex: {role: quasi}}
'
row spec_billion_laughs 2 "spec_billion_laughs.yaml:1:[0-9]+: anchors are not supported" spec_billion_laughs.yaml
head -c 1100000 /dev/zero | tr '\0' '#' >"$in/spec_too_big.yaml"
row spec_too_big 2 "spec_too_big.yaml: the spec is larger than 1 MiB" spec_too_big.yaml
{ printf 'a: '; for _ in $(seq 100); do printf '['; done; for _ in $(seq 100); do printf ']'; done; echo; } >"$in/spec_deep.yaml"
row spec_deep_nesting 2 "spec_deep.yaml:1:[0-9]+: nesting deeper than" spec_deep.yaml
spec spec_unknown_key.yaml good.csv "targets: {k: 2, kk: 3}"
row spec_unknown_key 2 "spec_unknown_key.yaml:8:[0-9]+: .*kk" spec_unknown_key.yaml
spec spec_duplicate_key.yaml good.csv "targets: {k: 2}" "targets: {k: 3}"
row spec_duplicate_key 2 "spec_duplicate_key.yaml:9:[0-9]+: .*targets" spec_duplicate_key.yaml
mk spec_nul.yaml 'data: {csv: good.csv}\0\nattributes: {sex: {role: quasi}}\n'
row spec_nul 2 "spec_nul.yaml:1:[0-9]+: control characters are not allowed" spec_nul.yaml
mk spec_invalid_utf8.yaml 'data: {csv: good.csv}\nattributes: {s\xffx: {role: quasi}}\n'
row spec_invalid_utf8 2 "spec_invalid_utf8.yaml:2:[0-9]+: .*UTF-8" spec_invalid_utf8.yaml
mkdir -p "$in/spec_folder.yaml"
row spec_is_a_folder 2 "spec_folder.yaml: Is a directory" spec_folder.yaml
spec spec_unknown_role.yaml good.csv
sed -i 's/role: identifier}/role: identifer}/' "$in/spec_unknown_role.yaml"
row spec_unknown_role 2 "spec_unknown_role.yaml:3:[0-9]+: 'role' must be one of" spec_unknown_role.yaml

# --- targets and population out of range
spec k_zero.yaml good.csv "targets: {k: 0}"
row k_zero 2 "k_zero.yaml:8:[0-9]+: .*k" k_zero.yaml
spec k_negative.yaml good.csv "targets: {k: -3}"
row k_negative 2 "k_negative.yaml:8:[0-9]+: .*k" k_negative.yaml
spec k_fraction.yaml good.csv "targets: {k: 2.5}"
row k_fraction 2 "k_fraction.yaml:8:[0-9]+: .*k" k_fraction.yaml
spec l_too_large.yaml good.csv "targets: {l: {l: 3, attribute: dx}}"
row l_too_large 2 "l_too_large.yaml:8: l = 3 but 'dx' has only 2 distinct values" l_too_large.yaml
spec l_not_sensitive.yaml good.csv "targets: {l: {l: 2, attribute: sex}}"
row l_not_sensitive 2 "l_not_sensitive.yaml:8:[0-9]+: .*sex" l_not_sensitive.yaml
spec t_above_one.yaml good.csv "targets: {t: {t: 1.5, attribute: dx}}"
row t_above_one 2 "t_above_one.yaml:8:[0-9]+: .*t" t_above_one.yaml
spec t_negative.yaml good.csv "targets: {t: {t: -0.1, attribute: dx}}"
row t_negative 2 "t_negative.yaml:8:[0-9]+: .*t" t_negative.yaml
spec t_nan.yaml good.csv "targets: {t: {t: .nan, attribute: dx}}"
row t_nan 2 "t_nan.yaml:8:[0-9]+: .*t" t_nan.yaml
spec suppression_above_one.yaml good.csv "targets: {suppression: 1.5}"
row suppression_above_one 2 "suppression_above_one.yaml:8:[0-9]+: .*suppression" suppression_above_one.yaml
spec suppression_negative.yaml good.csv "targets: {suppression: -0.5}"
row suppression_negative 2 "suppression_negative.yaml:8:[0-9]+: .*suppression" suppression_negative.yaml
spec risk_threshold_zero.yaml good.csv "targets: {risk_threshold: 0}"
row risk_threshold_zero 2 "risk_threshold_zero.yaml:8:[0-9]+: .*risk_threshold" risk_threshold_zero.yaml
spec population_too_small.yaml good.csv "population: {size: 3}"
row population_too_small 2 "population .*3.* is smaller than the sample .*4 records" population_too_small.yaml
spec fraction_zero.yaml good.csv "population: {sampling_fraction: 0}"
row sampling_fraction_zero 2 "fraction_zero.yaml:8:[0-9]+: .*sampling_fraction" fraction_zero.yaml
spec level_out_of_range.yaml good.csv "transformation: {sex: 7}"
row level_out_of_range 2 "level_out_of_range.yaml:8:[0-9]+: .*sex" level_out_of_range.yaml

# --- hierarchies
mk h_cycle.csv 'M;F;*\nF;M;*\n'
spec hierarchy_cycle.yaml good.csv
sed -i 's/h_sex.csv/h_cycle.csv/' "$in/hierarchy_cycle.yaml"
row hierarchy_cycle 2 "h_cycle.csv:1: cycle" hierarchy_cycle.yaml
mk h_cycle3.csv 'M;a;b;*\nF;b;c;*\nc;c;a;*\n'
spec hierarchy_cycle_long.yaml good.csv
sed -i 's/h_sex.csv/h_cycle3.csv/' "$in/hierarchy_cycle_long.yaml"
row hierarchy_cycle_long 2 "h_cycle3.csv:[0-9]+: cycle" hierarchy_cycle_long.yaml
mk h_not_tree.csv 'M;x;*\nF;x;y\n'
spec hierarchy_not_a_tree.yaml good.csv
sed -i 's/h_sex.csv/h_not_tree.csv/' "$in/hierarchy_not_a_tree.yaml"
row hierarchy_not_a_tree 2 "h_not_tree.csv:2: not a tree" hierarchy_not_a_tree.yaml
mk h_dup.csv 'M;*\nF;*\nM;*\n'
spec hierarchy_duplicate_leaf.yaml good.csv
sed -i 's/h_sex.csv/h_dup.csv/' "$in/hierarchy_duplicate_leaf.yaml"
row hierarchy_duplicate_leaf 2 "h_dup.csv:3: value at level 0 repeats row 1" hierarchy_duplicate_leaf.yaml
mk h_ragged.csv 'M;*\nF;x;*\n'
spec hierarchy_ragged.yaml good.csv
sed -i 's/h_sex.csv/h_ragged.csv/' "$in/hierarchy_ragged.yaml"
row hierarchy_ragged 2 "h_ragged.csv:2: expected 2 fields, found 3" hierarchy_ragged.yaml
mk h_empty.csv ''
spec hierarchy_empty.yaml good.csv
sed -i 's/h_sex.csv/h_empty.csv/' "$in/hierarchy_empty.yaml"
row hierarchy_empty 2 "h_empty.csv" hierarchy_empty.yaml
mk h_empty_cell.csv 'M;;*\nF;x;*\n'
spec hierarchy_empty_cell.yaml good.csv
sed -i 's/h_sex.csv/h_empty_cell.csv/' "$in/hierarchy_empty_cell.yaml"
row hierarchy_empty_cell 2 "h_empty_cell.csv:1: empty value at level 1" hierarchy_empty_cell.yaml
spec hierarchy_missing.yaml good.csv
sed -i 's/h_sex.csv/h_nosuch.csv/' "$in/hierarchy_missing.yaml"
row hierarchy_missing 2 "h_nosuch.csv: No such file or directory" hierarchy_missing.yaml
mk h_short.csv 'M;*\n'
spec hierarchy_value_missing.yaml good.csv
sed -i 's/h_sex.csv/h_short.csv/' "$in/hierarchy_value_missing.yaml"
row hierarchy_value_missing 2 "good.csv:3: value 'F' of column 'sex' is not in .*h_short.csv" hierarchy_value_missing.yaml

# --- paths outside the spec's folder: allowed, but each is reported on a note line
mkdir -p "$in/sub" "$in/elsewhere"
cp "$in/good.csv" "$in/h_sex.csv" "$in/elsewhere/"
spec sub/outside_dotdot.yaml ../elsewhere/good.csv
sed -i 's|h_sex.csv|../elsewhere/h_sex.csv|' "$in/sub/outside_dotdot.yaml"
row_cmd outside_dotdot 0 "outside_dotdot.yaml: hierarchy '../elsewhere/h_sex.csv' is outside the spec's folder \(through '..'\)" 2 \
  "$edra" assess -q "$in/sub/outside_dotdot.yaml"
ln -s ../elsewhere/good.csv "$in/sub/linked.csv"
cp "$in/h_sex.csv" "$in/sub/"
spec sub/outside_symlink.yaml linked.csv
row_cmd outside_symlink 0 "outside_symlink.yaml: data 'linked.csv' is outside the spec's folder \(through a symbolic link\); it resolves to .*elsewhere/good.csv" 1 \
  "$edra" assess -q "$in/sub/outside_symlink.yaml"

# --- the command line and the environment
row_cmd unknown_option 2 "option '--frobnicate' is unknown" 0 "$edra" run --frobnicate "$in/ok.yaml"
row threads_zero 2 "threads" ok.yaml --threads 0
row paper_a3 2 "--paper: 'a3' is neither a4 nor letter" ok.yaml --paper a3
row_cmd source_date_epoch 2 "SOURCE_DATE_EPOCH='x1' is not a time in seconds" 0 \
  env SOURCE_DATE_EPOCH=x1 "$edra" run "$in/ok.yaml" --out "$tmp/w_source_date_epoch/report" -q
row key_missing 2 "nokey.pem: No such file or directory" ok.yaml --sign "$in/nokey.pem"
"$edra" keygen --out "$in/key" >/dev/null 2>&1
cp "$in/key.pem" "$in/key_open.pem"
chmod 644 "$in/key_open.pem"
row key_readable_by_others 2 "key_open.pem: private key is readable by others" ok.yaml --sign "$in/key_open.pem"
cp "$in/good.csv" "$in/not_a_key.pem"
chmod 600 "$in/not_a_key.pem"
row key_not_a_key 2 "not_a_key.pem: not a PEM private key" ok.yaml --sign "$in/not_a_key.pem"
row_cmd out_parent_is_a_file 1 "cannot create a folder beside it: Not a directory" 0 \
  "$edra" run "$in/ok.yaml" --out "$in/good.csv/report" -q
row_cmd out_under_proc 1 "edra-report: cannot create a folder beside it" 0 \
  "$edra" run "$in/ok.yaml" --out /proc/edra-report -q
mkdir -p "$tmp/existing"
: >"$tmp/existing/notes.txt"
row_cmd out_not_a_report 2 "existing exists and is not an edra report folder" 0 \
  "$edra" run "$in/ok.yaml" --out "$tmp/existing" -q
expect_eq "a folder that is not a report is left alone" "$(ls -A "$tmp/existing")" notes.txt
row_cmd json_parent_is_a_file 1 "good.csv/result.json: Not a directory" 0 \
  "$edra" anonymize -q --json "$in/good.csv/result.json" "$in/ok.yaml"
row_cmd release_parent_is_a_file 1 "good.csv/released.csv: Not a directory" 0 \
  "$edra" anonymize -q --out "$in/good.csv/released.csv" "$in/ok.yaml"
# A full disk: a file size limit (SIGXFSZ is ignored by edra, so the write fails with EFBIG).
row_cmd full_disk_ulimit 1 "File too large" 0 \
  bash -c 'ulimit -f 64 && exec "$0" run "$1" --out "$2" -q' "$edra" "$EDRA_SRCDIR/samples/discharge.yaml" \
  "$tmp/w_full_disk_ulimit/report"
# A full file system: a 256 KiB tmpfs, where mounting is allowed (root outside a container).
fs=$tmp/w_full_disk_tmpfs
mkdir -p "$fs"
if mount -t tmpfs -o size=256k tmpfs "$fs" 2>/dev/null; then
  row_cmd full_disk_tmpfs 1 "No space left on device" 0 \
    "$edra" run "$EDRA_SRCDIR/samples/discharge.yaml" --out "$fs/report" -q
  umount "$fs"
else
  echo "SKIP: cannot mount a tmpfs here; the full-disk case runs through ulimit -f only" >&2
fi
# verify on a hostile manifest (the fuzzer's first find): a path holding a line break is
# printed on one line and cannot forge an "OK" line.
mkdir -p "$tmp/hostile"
cp "$EDRA_SRCDIR/tests/fuzz/corpus/manifest/found_multiline_message.json" "$tmp/hostile/MANIFEST.json"
row_cmd verify_line_break_in_path 2 "outside" 0 "$edra" verify "$tmp/hostile"
if grep -vqE '^(OK|FAILED|SKIPPED) ' "$tmp/w_verify_line_break_in_path.out"; then
  fail "verify printed a line that is not a check: $(head -c 300 "$tmp/w_verify_line_break_in_path.out")"
else
  ok
fi

echo "malformed-input rows run: $rows"
finish
