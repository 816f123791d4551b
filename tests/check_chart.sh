#!/bin/sh
# bench/chart.sh on a small table of known ratios: one bar per ratio cell,
# each as long as its log2 distance from 1 (2x and 0.5x equally long, on
# opposite sides), FAIL written where a peer failed, no bar for skipped or
# "-" cells, well-formed XML (checked with xmllint where it is installed),
# and status 1 for a file with no table.
set -u
top=${srcdir:-$(dirname "$0")/..}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nb-chart.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
bad() { echo "check_chart: $*"; status=1; }

cat >"$tmp/table.md" <<'EOF'
| workload | threads | unit | nabla | PyTorch | nabla/PyTorch | PyTorch AVX-512 | nabla/PyTorch AVX-512 | kann | nabla/kann | FANN | nabla/FANN | peak/plateau |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
| W1 | 1 | samples/s | 1000 | 500 | 2.00x [1.80-2.40] | skipped | skipped | 2000 | 0.50x [0.40-0.60] | - | - | 1.04 |
| W3 | 1 | samples/s | 1000 | FAIL | FAIL | skipped | skipped | - | - | 250 | 4.00x [4.00-4.00] | 1.01 |

Figures: medians.
EOF
sh "$top/bench/chart.sh" "$tmp/table.md" >"$tmp/chart.svg" 2>"$tmp/err" || bad "status $? on a good table: $(cat "$tmp/err")"
svg=$(cat "$tmp/chart.svg")
bars=$(grep -c '<title>' "$tmp/chart.svg")
[ "$bars" -eq 3 ] || bad "$bars bars for 3 ratio cells"
# the scale runs over 520 px from x=190, from 0.25x (kann's min 0.40 needs
# it) to 4x: 2^-2 .. 2^2, 130 px per doubling, 1x at 450
w=130.0
for t in "W1 vs PyTorch: 2x" "W1 vs kann: 0.5x"; do
    printf '%s\n' "$svg" | grep "<title>$t</title>" | grep -q "width=\"$w\"" ||
        bad "the bar '$t' is not $w px long: $(printf '%s\n' "$svg" | grep "<title>$t</title>")"
done
printf '%s\n' "$svg" | grep "<title>W3 vs FANN: 4x</title>" | grep -q 'x="450.0" y="[0-9]*" width="260.0"' ||
    bad "the 4x bar is not twice as long as the 2x one"
case $svg in *">FAIL (PyTorch)<"*) ;; *) bad "no FAIL mark for W3's failed PyTorch" ;; esac
case $svg in *"<svg "*"</svg>"*) ;; *) bad "not an SVG document" ;; esac
if command -v xmllint >/dev/null 2>&1; then
    xmllint --noout "$tmp/chart.svg" 2>"$tmp/err" || bad "not well-formed XML: $(cat "$tmp/err")"
fi
echo "no table here" >"$tmp/none.md"
sh "$top/bench/chart.sh" "$tmp/none.md" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 1 ] || bad "a file without a table gave status $rc, not 1"

[ "$status" -eq 0 ] && echo "check_chart: bars, scale, FAIL marks and XML as expected"
exit "$status"
