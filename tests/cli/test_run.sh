#!/usr/bin/env bash
# CLI tests of `edra run`, `edra keygen` and `edra verify` on the bundled sample: the PDF
# says what result.json says, the page count is stable, charts and workbook are there, the
# folder verifies with edra and with the stock openssl/sha256sum, and every kind of
# tampering is caught.
set -u
. "$(dirname "$0")/lib.sh"
edra=$EDRA_BIN
spec=$EDRA_SRCDIR/samples/discharge.yaml
command -v pdftotext >/dev/null || { echo "SKIP: pdftotext not installed" >&2; exit 77; }
export SOURCE_DATE_EPOCH=1764374400

expect_exit 0 "" "$edra" keygen --out "$tmp/key"
[ "$(stat -c %a "$tmp/key.pem")" = 600 ] && ok || fail "private key mode is $(stat -c %a "$tmp/key.pem")"
expect_exit 2 "" "$edra" keygen --out "$tmp/key"           # never overwrites a key
chmod 644 "$tmp/key.pem"
expect_exit 2 "readable by others" "$edra" run "$spec" --out "$tmp/never" --sign "$tmp/key.pem"
[ ! -e "$tmp/never" ] && ok || fail "a refused key left an output folder"
chmod 600 "$tmp/key.pem"

out=$tmp/report
expect_exit 0 "" "$edra" run "$spec" --out "$out" --sign "$tmp/key.pem" -q
for f in report.pdf report.xlsx result.json released.csv MANIFEST.json MANIFEST.json.sig SHA256SUMS \
         charts/class_sizes.png charts/risk.svg charts/lattice.png; do
  [ -s "$out/$f" ] && ok || fail "$f missing from the report folder"
done
[ "$(stat -c %a "$out/released.csv")" = 600 ] && ok || fail "released.csv is not mode 0600"
ls -a "$tmp" | grep -q '\.tmp-' && fail "a temporary folder was left behind" || ok

# The PDF states the figures of result.json.
j=$out/result.json
text=$(pdftotext "$out/report.pdf" - | tr '\n' ' ' | tr -s ' ')
k=$(jq .figures.k "$j")
avg=$(printf '%.4g' "$(jq .figures.prosecutor.average "$j")")
levels=$(jq -r '.figures.transformation | to_entries | map("\(.key)=\(.value.level)") | .[]' "$j")
grep -q "the smallest of $k records" <<<"$text" && ok || fail "the PDF does not state k = $k"
grep -q "Average prosecutor risk [^ ]* $avg" <<<"$text" && ok || fail "the PDF does not state average risk $avg"
for l in $levels; do
  grep -q "$l" <<<"$text" && ok || fail "the PDF does not state level $l"
done
grep -q "$(jq -r .run_id "$j")" <<<"$text" && ok || fail "the PDF lacks the determination ID"
grep -q "$(jq -r .signer_fingerprint "$j")" <<<"$text" && ok || fail "the PDF lacks the signer fingerprint"
pages=$(pdfinfo "$out/report.pdf" | awk '/^Pages:/ {print $2}')
[ "$pages" -ge 8 ] && ok || fail "report.pdf has $pages pages"
# No identifier value reaches the report.
id=$(sed -n 2p "$EDRA_SRCDIR/samples/discharge.csv" | cut -d, -f1)
grep -q "$id" <<<"$text" && fail "a patient id reached the PDF" || ok
grep -q "$id" "$out/result.json" && fail "a patient id reached result.json" || ok

# A second run with the same clock: same page count, same PDF bytes except the run id and signature.
expect_exit 0 "" "$edra" run "$spec" --out "$tmp/report2" --no-data -q
pages2=$(pdfinfo "$tmp/report2/report.pdf" | awk '/^Pages:/ {print $2}')
expect_eq "stable page count" "$pages2" "$pages"
grep -q "UNSIGNED" <<<"$(pdftotext "$tmp/report2/report.pdf" - )" && ok || fail "an unsigned report does not say so"
[ ! -e "$tmp/report2/released.csv" ] && ok || fail "--no-data wrote released.csv"

# Chart PNGs: 1200 x 700 (IHDR width and height).
dims=$(od -An -tu1 -j16 -N8 "$out/charts/risk.png" | awk '{print $3*256+$4, $7*256+$8}')
expect_eq "risk.png size" "$dims" "1200 700"

# The workbook: its sheets and a figure.
wb=$(unzip -p "$out/report.xlsx" xl/workbook.xml)
for sheet in Summary Attributes Classes "Risk distribution" Lattice Hierarchies Run; do
  grep -q "name=\"$sheet\"" <<<"$wb" && ok || fail "report.xlsx lacks sheet $sheet"
done
unzip -p "$out/report.xlsx" xl/sharedStrings.xml xl/worksheets/sheet1.xml | grep -q "$(jq -r .run_id "$j")" \
  && ok || fail "report.xlsx lacks the run id"

# Verification: edra, then the stock tools as a third party would.
expect_exit 0 "" "$edra" verify "$out" --pubkey "$tmp/key.pub.pem"
grep -q "^Verified" "$tmp/out" && ok || fail "verify printed no summary"
expect_exit 0 "" "$edra" verify "$out" --pubkey "$tmp/key.pub.pem" --input data="$EDRA_SRCDIR/samples/discharge.csv" --input spec="$spec"
if command -v openssl >/dev/null; then
  (cd "$out" && openssl pkeyutl -verify -pubin -inkey "$tmp/key.pub.pem" -rawin -in MANIFEST.json \
     -sigfile MANIFEST.json.sig >/dev/null) && ok || fail "openssl does not verify the signature"
  (cd "$out" && sha256sum -c --quiet SHA256SUMS) && ok || fail "sha256sum -c fails"
fi

# Tampering: one byte in each kind of file, the manifest, the signature; another key.
tamper() {
  local file=$1
  rm -rf "$tmp/t"; cp -a "$out" "$tmp/t"
  local size byte; size=$(stat -c %s "$tmp/t/$file")
  # The byte flipped, not overwritten with a constant it may already hold.
  byte=$(od -An -tu1 -j $((size / 2)) -N1 "$tmp/t/$file" | tr -d ' ')
  printf "\\$(printf '%03o' $((byte ^ 255)))" | dd of="$tmp/t/$file" bs=1 seek=$((size / 2)) conv=notrunc status=none
  cmp -s "$out/$file" "$tmp/t/$file" && fail "tampering left $file unchanged"
  expect_exit 2 "$file" "$edra" verify "$tmp/t" --pubkey "$tmp/key.pub.pem"
}
for f in report.pdf report.xlsx result.json released.csv charts/risk.png charts/lattice.svg SHA256SUMS MANIFEST.json MANIFEST.json.sig; do
  tamper "$f"
done
if command -v openssl >/dev/null; then
  (cd "$tmp/t" && openssl pkeyutl -verify -pubin -inkey "$tmp/key.pub.pem" -rawin -in MANIFEST.json \
     -sigfile MANIFEST.json.sig >/dev/null 2>&1) && fail "openssl accepts a tampered signature" || ok
fi
# A signature from another run swapped in.
expect_exit 0 "" "$edra" run "$spec" --out "$tmp/report3" --no-data --sign "$tmp/key.pem" -q
rm -rf "$tmp/t"; cp -a "$out" "$tmp/t"; cp "$tmp/report3/MANIFEST.json.sig" "$tmp/t/"
expect_exit 2 "signature" "$edra" verify "$tmp/t" --pubkey "$tmp/key.pub.pem"
# Another key.
expect_exit 0 "" "$edra" keygen --out "$tmp/other"
expect_exit 2 "" "$edra" verify "$out" --pubkey "$tmp/other.pub.pem"
# A file removed; a file replaced by a symlink.
rm -rf "$tmp/t"; cp -a "$out" "$tmp/t"; rm "$tmp/t/report.xlsx"
expect_exit 2 "report.xlsx" "$edra" verify "$tmp/t" --pubkey "$tmp/key.pub.pem"
rm -rf "$tmp/t"; cp -a "$out" "$tmp/t"; mv "$tmp/t/result.json" "$tmp/result.json"; ln -s "$tmp/result.json" "$tmp/t/result.json"
expect_exit 2 "result.json" "$edra" verify "$tmp/t" --pubkey "$tmp/key.pub.pem"

# Re-running into an existing report folder replaces it; any other folder is refused.
expect_exit 0 "" "$edra" run "$spec" --out "$out" --sign "$tmp/key.pem" -q
expect_exit 0 "" "$edra" verify "$out" --pubkey "$tmp/key.pub.pem"
mkdir "$tmp/notes"; echo keep >"$tmp/notes/mine.txt"
expect_exit 2 "not an edra report folder" "$edra" run "$spec" --out "$tmp/notes" -q
expect_eq "foreign folder untouched" "$(cat "$tmp/notes/mine.txt")" keep

finish
