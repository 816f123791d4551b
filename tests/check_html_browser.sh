#!/bin/sh
# The backward-pass page (nabla/html.h) in a real browser: Debian's headless
# chromium opens the page examples/bp_page writes at three steps given by
# the URL fragment (#step=N), and the DOM it dumps after the page's script
# ran must show that step's section (and only it) with the expected numbers,
# the status line, the current node highlighted in the graph, a box per
# model layer, and the BP layer view lit up to the step (the tutorial's
# three steps, with the sums written out).  Screenshots of four steps are
# kept in tests/check_html_browser.d/ to look at.
# Skipped (77) when chromium is not installed.
#
# The expected numbers were worked out apart from nabla, in plain
# arithmetic, for the example's fixed 2-2-1 network:
#   A1 = tanh(X W1 + b1)          = [[-0.5005, -0.537], [0.6351, -0.7913]]
#   tanh' = 1 - A1^2              = [[0.7495, 0.7116], [0.5966, 0.3738]]
#   D1 = dE/dZ1                   = [[-0.1216, 0.08249], [0.5388, -0.2411]]
#   dE/dW1 = X^T D1               = [[0.7474, -0.3205], [0.2563, -0.1428]]
#   dE/dW2 = A1^T D2              = [0.9356, -0.8965]
#   Y = A1 W2 + b2                = [-0.03185, 0.8902]
#   D2 = dE/dY = 2 (Y - T) / 2    = [-0.2318, 1.29]
#   dE/db2 = sum D2               = 1.058
#   dE/dA1 = D2 W2^T              = [[-0.1623, 0.1159], [0.9032, -0.6451]]
#   dE/db1 = column sums of D1    = [0.4172, -0.1587]
# (A1 is the tanh node "#3 tanh", the output of layer1; Z1 is "#2 add".)
set -u

browser=
for b in chromium chromium-browser; do
    if command -v "$b" >/dev/null 2>&1; then
        browser=$b
        break
    fi
done
if [ -z "$browser" ]; then
    echo "SKIP: chromium is not installed (apt-get install chromium)"
    exit 77
fi
prog=./examples/bp_page
if [ ! -x "$prog" ]; then
    echo "FAIL: $prog is not built"
    exit 1
fi

dir=tests/check_html_browser.d
rm -rf "$dir"
mkdir -p "$dir" || exit 1
page=$(cd "$dir" && pwd)/bp_page.html
"$prog" "$page" >"$dir/bp_page.log" 2>&1 || {
    echo "FAIL: $prog failed:"
    cat "$dir/bp_page.log"
    exit 1
}

sandbox=
[ "$(id -u)" = 0 ] && sandbox=--no-sandbox
run_browser() {
    timeout 60 "$browser" --headless $sandbox --disable-gpu --no-first-run \
        --user-data-dir="$dir/profile" --window-size=1300,1000 "$@" 2>>"$dir/browser.log"
}

fail=0
check() { # what, command...
    what=$1
    shift
    if "$@"; then
        echo "ok   $what"
    else
        echo "FAIL $what"
        fail=1
    fi
}

# The page writes each section on one line: the line of section N, as the
# browser serialises it after the script ran.
section() { grep "<section class=\"step\" id=\"s$2\"" "$1"; }
shown() { section "$1" "$2" | grep -q "id=\"s$2\" data-cur=\"[^\"]*\">"; }
has() { section "$1" "$2" | grep -qF -- "$3"; }
hidden() { section "$1" "$2" | grep -q "id=\"s$2\" data-cur=\"[^\"]*\" hidden=\"\">"; }

at_step() { # step, then the texts its section must show
    step=$1
    shift
    dom="$dir/dom-$step.html"
    run_browser --dump-dom "file://$page#step=$step" >"$dom"
    check "step $step: the DOM was dumped" test -s "$dom"
    check "step $step: the script selected it" grep -q "<body data-step=\"$step\">" "$dom"
    check "step $step: its section is shown" shown "$dom" "$step"
    check "step $step: step 0 is hidden" hidden "$dom" 0
    hidden_count=$(grep -c '<section class="step" id="s[0-9]*" data-cur="[^"]*" hidden' "$dom")
    check "step $step: 17 of 18 sections hidden (got $hidden_count)" test "$hidden_count" = 17
    check "step $step: status line" grep -q "<span id=\"status\">step $step of 17: " "$dom"
    for text in "$@"; do
        check "step $step shows '$text'" has "$dom" "$step" "$text"
    done
}

# The BP layer view's rows (one line each once split), as the script left
# them at the step of file $1: "class data-bwd" per row.
bp_rows() { sed 's/<div class="bprow/\n&/g' "$1" | grep -o '^<div class="bprow[^"]*" data-bwd="[0-9]*"'; }
bp_row_now() { sed 's/<div class="bprow/\n&/g' "$1" | grep '^<div class="bprow flowed now"'; }

at_step 3 "forward 3 of 8: node #3 tanh" "#3 tanh = tanh(#2 add)" \
    "<td>-0.5005</td><td>-0.537</td>" "<td>0.6351</td><td>-0.7913</td>"
check "step 3: only A1 is current" test "$(grep -o 'class="v[a-z ]* cur"' "$dir/dom-3.html" | wc -l)" = 1

at_step 14 "backward 6 of 8: node #3 tanh" "tanh: ∂t/∂e = 1 − t²" \
    "<td>0.7495</td><td>0.7116</td>" "<td>0.5966</td><td>0.3738</td>" \
    "to input 1, #2 add: ∂E/∂#2 add ←" "<td>-0.1216</td><td>0.08249</td>" "<td>0.5388</td><td>-0.2411</td>"
# W2 and b2 are final by now, W1 and b1 are not
check "step 14: W2 and b2 marked final, W1 and b1 not" \
    test "$(grep -o 'class="v param known graddone"' "$dir/dom-14.html" | wc -l)" = 2

check "step 3: a box per layer" grep -q '<g class="layer">.*>layer1</text></g>' "$dir/dom-3.html"
check "step 3: layer2's box" grep -q '>layer2</text></g>' "$dir/dom-3.html"
check "step 3: no row of the BP view lit yet" test "$(bp_rows "$dir/dom-3.html" | grep -c flowed)" = 0
# step 14: step 1 (D2), layer2's b and W (step 3), and now layer1's node
# gradients from layer2's (step 2); layer1's parameters still to come
check "step 14: 4 rows of the BP view lit" test "$(bp_rows "$dir/dom-14.html" | grep -c flowed)" = 4
check "step 14: 2 rows still dark" test "$(bp_rows "$dir/dom-14.html" | grep -c 'bprow"')" = 2
now14=$(bp_row_now "$dir/dom-14.html")
for text in "<b>Step 2.</b>" "n=1, j=1: (-0.2318)·1·0.7 = <b>-0.1623</b>" \
    "n=2, j=2: 1.29·1·(-0.5) = <b>-0.6451</b>"; do
    check "step 14: the current BP row shows '$text'" sh -c 'printf "%s" "$1" | grep -qF -- "$2"' _ "$now14" "$text"
done
check "step 14: step 1's sum for D2" grep -qF "n=2, i=1: 2 · (0.8903 − (-0.4)) / 2 = <b>1.29</b>" "$dir/dom-14.html"
check "step 14: dE/db2 summed over the samples" grep -qF "i=1: (-0.2318)·1 + 1.29·1 = <b>1.058</b>" "$dir/dom-14.html"

at_step 17 "the pass is complete" "<td>0.7474</td><td>-0.3205</td>" \
    "<td>0.2563</td><td>-0.1428</td>" "<td>0.9356</td></tr><tr><td>-0.8965</td>"
check "step 17: all four parameters final" \
    test "$(grep -o 'class="v param known graddone"' "$dir/dom-17.html" | wc -l)" = 4
check "step 17: every row of the BP view lit" test "$(bp_rows "$dir/dom-17.html" | grep -c flowed)" = 6
check "step 17: dE/db1 in the BP view" grep -qF "= <b>0.4172</b>" "$dir/dom-17.html"
check "step 17: dE/db1[2]" grep -qF "= <b>-0.1587</b>" "$dir/dom-17.html"

for step in 3 12 14 17; do
    run_browser --screenshot="$(cd "$dir" && pwd)/step-$step.png" "file://$page#step=$step" >/dev/null
    check "a screenshot of step $step" test -s "$dir/step-$step.png"
done
# the whole page at step 14, the BP layer view below the step
run_browser --window-size=1300,2400 --screenshot="$(cd "$dir" && pwd)/step-14-tall.png" \
    "file://$page#step=14" >/dev/null
check "a tall screenshot of step 14" test -s "$dir/step-14-tall.png"

rm -rf "$dir/profile"
if [ "$fail" != 0 ]; then
    echo "browser messages:"
    cat "$dir/browser.log"
fi
exit "$fail"
