#!/bin/sh
# The nabla program end to end: train on the bundled iris data (classes, and
# a fit of one measurement from the others), predict, info, gradcheck and
# graph on the result, the Boston housing data when python3-sklearn's copy
# is there, and bad input: exit codes and messages.
set -u
nabla="${NB_BUILDDIR:-.}/tools/nabla"
data="${NB_TEST_DATA_DIR:-data}"
# boston_house_prices.csv, found as examples/sklearn_data.c finds
# scikit-learn's files: $NB_BOSTON_CSV (the file), $NB_SKLEARN_DATA (its
# folder), the folder python3 reports for sklearn.datasets, Debian's
# python3-sklearn folder
find_housing() {
    if [ -n "${NB_BOSTON_CSV:-}" ]; then echo "$NB_BOSTON_CSV"; return; fi
    py=$(python3 -c 'import os, sklearn.datasets as d; print(os.path.dirname(d.__file__))' \
        2>/dev/null)
    for dir in "${NB_SKLEARN_DATA:-}" "${py:+$py/data}" \
        /usr/lib/python3/dist-packages/sklearn/datasets/data; do
        if [ -n "$dir" ] && [ -f "$dir/boston_house_prices.csv" ]; then
            echo "$dir/boston_house_prices.csv"; return
        fi
    done
}
housing=$(find_housing)
skipped=""
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0

ok() { checks=$((checks + 1)); }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
# expect CODE TEXT CMD...: run CMD, check its exit code and that TEXT is in
# its standard output or error
expect() {
    code=$1 text=$2
    shift 2
    "$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    if [ "$rc" -ne "$code" ]; then
        bad "exit $rc (expected $code): $*"; sed 's/^/  | /' "$tmp/err" | head -5
    elif ! grep -qF -- "$text" "$tmp/out" "$tmp/err"; then
        bad "no '$text' in the output of: $*"; sed 's/^/  | /' "$tmp/out" "$tmp/err" | head -8
    else
        ok
    fi
}
# at_least VALUE MIN WHAT
at_least() {
    if awk -v v="$1" -v m="$2" 'BEGIN { exit !(v + 0 >= m + 0 && v != "") }'; then ok
    else bad "$3 is '$1', expected at least $2"; fi
}
at_most() {
    if awk -v v="$1" -v m="$2" 'BEGIN { exit !(v != "" && v + 0 <= m + 0) }'; then ok
    else bad "$3 is '$1', expected at most $2"; fi
}

# ---- help and usage
expect 0 "Usage: nabla COMMAND" "$nabla" --help
for c in train predict info gradcheck graph; do
    expect 0 "Usage: nabla $c" "$nabla" "$c" --help
done
expect 2 "Usage: nabla COMMAND" "$nabla"
expect 2 "unknown command 'frob'; valid commands: train, predict, info, gradcheck, graph" \
    "$nabla" frob

# ---- the man page describes what --help prints: the same subcommands, and
# for each the same options (--help aside, which the page gives once)
man="${NB_BUILDDIR:-.}/tools/nabla.1"
if [ -f "$man" ]; then
    ok
    # man_flags SECTION: the options named in ".SS SECTION" (or ".SH OPTIONS")
    man_flags() {
        awk -v s="$1" '/^\.S[SH] / { on = ($0 == ".SS " s || ($0 == ".SH OPTIONS" && s == "")) ; next }
            on' "$man" | grep -o '\\-\\-[a-z]*' | sed 's/\\-\\-/--/' | sort -u | grep -vx -- --help
    }
    "$nabla" --help > "$tmp/help"
    cmds=$(sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' "$tmp/help")
    man_cmds=$(sed -n 's/^\.SS //p' "$man")
    [ "$(echo $cmds)" = "$(echo $man_cmds)" ] && ok ||
        bad "subcommands: --help lists '$(echo $cmds)', the man page '$(echo $man_cmds)'"
    top=$(sed -n 's/^Options: //p' "$tmp/help" | grep -o -- '--[a-z]*' | sort -u)
    [ "$(echo $top)" = "$(echo --help $(man_flags "" | grep -vx -- --help))" ] && ok ||
        bad "nabla --help names '$(echo $top)', the man page's OPTIONS '$(echo $(man_flags ""))'"
    for c in $cmds; do
        "$nabla" "$c" --help > "$tmp/help"
        want=$(sed -n 's/^  \(--[a-z]*\).*/\1/p' "$tmp/help" | sort -u | grep -vx -- --help)
        got=$(man_flags "$c")
        [ "$(echo $want)" = "$(echo $got)" ] && ok ||
            bad "nabla $c: --help has '$(echo $want)', the man page '$(echo $got)'"
    done
else
    bad "no man page $man"
fi

# ---- iris, three classes (patternnet defaults: trainscg on crossentropy)
iris="$data/iris.csv"
expect 0 "Training with trainscg completed" \
    "$nabla" train "$iris" --target species --classes --net 4-10-3 --out "$tmp/iris.nbt" \
    --plot "$tmp/plot"
test_acc=$(sed -n 's/^test accuracy \([0-9.]*\).*/\1/p' "$tmp/out")
at_least "$test_acc" 0.9 "iris test accuracy"
grep -q "^Epoch [0-9]*/1000  perf" "$tmp/err" && ok || bad "no progress line"
# MATLAB's display starts with the untrained network, epoch 0
grep -q "^Epoch 0/1000  perf [0-9.]*  val [0-9.]* (checks 0/6)  gradient " "$tmp/err" && ok ||
    bad "no progress line for epoch 0"
[ -f "$tmp/iris.nbt" ] && ok || bad "no model file"
head -1 "$tmp/iris.record.csv" | grep -q '^epoch,perf,vperf,tperf' && ok || bad "record header"
rows=$(wc -l < "$tmp/iris.record.csv")
epochs=$(sed -n 's/^best epoch [0-9]* of \([0-9]*\).*/\1/p' "$tmp/out")
[ "$rows" -eq $((epochs + 2)) ] && ok || bad "record has $rows lines for $epochs epochs"
grep -q '<svg' "$tmp/plot/performance.svg" && ok || bad "no performance plot"
# three curves drawn where their values put them: none inside the legend's
# layout (a group moved the validation and test curves down once)
[ "$(grep -c '<polyline' "$tmp/plot/performance.svg")" -eq 3 ] && ok || bad "not 3 curves"
grep -q '<g' "$tmp/plot/performance.svg" && bad "the performance plot has a moved group" || ok
# MATLAB's plotperform and plotconfusion (CSV always; pictures with PLplot)
[ "$(wc -l < "$tmp/plot/plotperform.csv")" -eq $((epochs + 2)) ] && ok || bad "plotperform.csv rows"
head -1 "$tmp/plot/plotconfusion.csv" | grep -qx 'target\\output,0,1,2' && ok ||
    bad "plotconfusion.csv header: $(head -1 "$tmp/plot/plotconfusion.csv")"
# every row counted once, the diagonal as the accuracy of the predictions below
awk -F, 'NR > 1 { for (j = 2; j <= NF; j++) { n += $j; if (j == NR) d += $j } }
    END { exit !(n == 150 && d >= 135) }' "$tmp/plot/plotconfusion.csv" && ok ||
    bad "plotconfusion.csv counts"

expect 0 "accuracy" "$nabla" predict "$tmp/iris.nbt" "$iris" --out "$tmp/pred.csv"
head -1 "$tmp/pred.csv" | grep -qx 'species,p_setosa,p_versicolor,p_virginica' && ok ||
    bad "prediction header: $(head -1 "$tmp/pred.csv")"
[ "$(wc -l < "$tmp/pred.csv")" -eq 151 ] && ok || bad "prediction rows"
# accuracy worked out here from the two files, and the probabilities sum to 1
acc=$(paste -d, "$iris" "$tmp/pred.csv" | awk -F, 'NR > 1 { n++; h += ($5 == $6) }
    END { print h / n }')
at_least "$acc" 0.9 "accuracy of the predictions"
worst=$(awk -F, 'NR > 1 { d = $2 + $3 + $4 - 1; d = d < 0 ? -d : d; if (d > w) w = d }
    END { print w + 0 }' "$tmp/pred.csv")
at_most "$worst" 1e-5 "|sum of probabilities - 1|"
# without the target column, the same predictions
cut -d, -f1-4 "$iris" > "$tmp/iris_x.csv"
expect 0 "" "$nabla" predict "$tmp/iris.nbt" "$tmp/iris_x.csv"
cmp -s "$tmp/out" "$tmp/pred.csv" && ok || bad "predictions without the target column differ"

expect 0 "layer 1: 4 -> 10, tansig; layer1.weight 4x10, layer1.bias 10: 50 parameters" \
    "$nabla" info "$tmp/iris.nbt"
for t in "layer 2: 10 -> 3, softmax" "parameters: 83 in 4 tensors" \
    "loss: crossentropy of the softmax outputs" \
    "classes (3) of species: setosa versicolor virginica" "min 4.3          max 7.9" \
    "trained with trainscg on $iris (seed 1)" "rows: 104 train, 23 validation, 23 test"; do
    grep -qF -- "$t" "$tmp/out" && ok || bad "info lacks '$t'"
done
expect 0 "crossentropy of the softmax outputs on 4 rows of $iris: 83 entries (every parameter), passed" \
    "$nabla" gradcheck "$tmp/iris.nbt" "$iris"
expect 0 "wrote" "$nabla" graph "$tmp/iris.nbt" "$iris" --html "$tmp/g.html" --dot "$tmp/g.dot"
grep -q '<html' "$tmp/g.html" && ok || bad "no page"
grep -q '^digraph' "$tmp/g.dot" && ok || bad "no DOT graph"
grep -q 'layer2.weight' "$tmp/g.dot" && ok || bad "DOT graph lacks the parameters"
expect 0 "wrote" "$nabla" graph "$tmp/iris.nbt" --dot "$tmp/g2.dot"
expect 2 "give --html PAGE.html or --dot FILE.dot" "$nabla" graph "$tmp/iris.nbt"

# ---- a fit: petal width from the other measurements, by trainlm
cut -d, -f1-4 "$iris" > "$tmp/num.csv"
expect 0 "Training with trainlm completed" \
    "$nabla" train "$tmp/num.csv" --target petal_width --net 3-8-1 --out "$tmp/fit.nbt" \
    --epochs 200 --seed 3 --plot "$tmp/fitplot"
# plotregression: every row's target and output in the target's units (cm)
[ "$(wc -l < "$tmp/fitplot/plotregression.csv")" -eq 151 ] && ok || bad "plotregression.csv rows"
awk -F, 'NR > 1 { n++; s += ($1 - $2)^2; if ($1 < 0.1 || $1 > 2.5) out++ }
    END { exit !(out == 0 && sqrt(s / n) < 0.3) }' "$tmp/fitplot/plotregression.csv" && ok ||
    bad "plotregression.csv is not in cm or fits badly"
grep -q "  mu " "$tmp/err" && ok || bad "no mu in trainlm's progress"
expect 0 "target normalisation: mapminmax to [-1, 1]" "$nabla" info "$tmp/fit.nbt"
grep -qF "petal_width          min 0.1          max 2.5" "$tmp/out" && ok || bad "target range"
expect 0 "RMSE" "$nabla" predict "$tmp/fit.nbt" "$tmp/num.csv" --out "$tmp/fit.csv"
# in the targets' units (cm): RMSE against the file worked out here
rmse=$(paste -d, "$tmp/num.csv" "$tmp/fit.csv" | awk -F, 'NR > 1 { n++; s += ($4 - $5)^2 }
    END { print sqrt(s / n) }')
at_most "$rmse" 0.3 "petal width RMSE (cm)"
expect 0 "41 entries (every parameter), passed" "$nabla" gradcheck "$tmp/fit.nbt" "$tmp/num.csv"
# every training function of the library is offered (the issue's list and
# MATLAB's gd, gdm), each one trains a fit (column numbers instead of names)
# and the three classes, lowering its performance, and each class model's
# loss passes the gradient check (softmax and squared errors, softmax and
# crossentropy, logits and cross-entropy)
"$nabla" train --help > "$tmp/help" 2>&1
trainers=$(sed -n '/^Trainers/,/^$/s/^  \([a-z]*\)  *\(train[a-z]*\|[a-z]*\) .*/\1/p' "$tmp/help" | tr '\n' ' ')
for t in lm br scg gdx gd gdm rp adam sgd; do
    case " $trainers " in *" $t "*) ok ;; *) bad "--train $t is not offered (offered: $trainers)" ;; esac
done
for t in $trainers; do
    fn=$(sed -n "s/^  $t  *\([a-z]*\) .*/\1/p" "$tmp/help")
    expect 0 "Training with $fn completed" "$nabla" train "$tmp/num.csv" --target 4 --net 3-4-1 \
        --train "$t" --epochs 20 --out "$tmp/t_$t.nbt" --quiet
    # the record's perf: epoch 0 above the best epoch's
    awk -F, 'NR == 2 { p0 = $2 } NR > 2 && (m == "" || $2 < m) { m = $2 }
        END { exit !(m < p0) }' "$tmp/t_$t.record.csv" && ok || bad "$t did not lower perf"
    expect 0 "Training with $fn completed" "$nabla" train "$iris" --target species --classes \
        --net 4-5-3 --train "$t" --epochs 30 --out "$tmp/c_$t.nbt" --quiet
    expect 0 "passed" "$nabla" gradcheck "$tmp/c_$t.nbt" "$iris"
done
expect 0 "loss: mse of one-hot targets" "$nabla" info "$tmp/c_lm.nbt"
expect 0 "loss: cross-entropy of the logits" "$nabla" info "$tmp/c_adam.nbt"

# ---- the Boston housing data (MATLAB's house_dataset), when installed
if [ -n "$housing" ] && [ -f "$housing" ]; then
    echo "check_cli: the housing data: $housing"
    tail -n +2 "$housing" > "$tmp/housing.csv" # its first line holds counts
    expect 0 "Training with trainlm completed" \
        "$nabla" train "$tmp/housing.csv" --target MEDV --net 13-10-1 --out "$tmp/house.nbt" \
        --seed 11
    expect 0 "RMSE" "$nabla" predict "$tmp/house.nbt" "$tmp/housing.csv" --out "$tmp/house.csv"
    rmse=$(paste -d, "$tmp/housing.csv" "$tmp/house.csv" | awk -F, 'NR > 1 { n++; s += ($14 - $15)^2 }
        END { print sqrt(s / n) }')
    at_most "$rmse" 5 "housing RMSE (\$1000s)"
    expect 0 "passed" "$nabla" gradcheck "$tmp/house.nbt" "$tmp/housing.csv"
    expect 0 "inputs: 13 (CRIM, ZN, INDUS, CHAS, NOX, RM, AGE, DIS, RAD, TAX, PTRATIO, B, LSTAT)" \
        "$nabla" info "$tmp/house.nbt"
    grep -qF "MEDV                 min 5            max 50" "$tmp/out" && ok || bad "MEDV's range"
else
    skipped="the housing part (no boston_house_prices.csv: install python3-sklearn, or set NB_SKLEARN_DATA or NB_BOSTON_CSV)"
    echo "SKIP: check_cli: $skipped"
fi

# ---- bad input
expect 1 "cannot open $tmp/missing.csv" \
    "$nabla" train "$tmp/missing.csv" --target c --net 2-3-1 --out "$tmp/x.nbt"
# bad data: the message names the file, the line and the column(s), exactly
# (expect_line compares the whole line of standard error)
expect_line() {
    code=$1 line=$2
    shift 2
    "$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    if [ "$rc" -ne "$code" ]; then
        bad "exit $rc (expected $code): $*"; sed 's/^/  | /' "$tmp/err" | head -5
    elif ! grep -qxF -- "$line" "$tmp/err"; then
        bad "no line '$line' from: $*"; sed 's/^/  | /' "$tmp/err" | head -5
    else
        ok
    fi
}
printf 'a,b,c\n1,2,3\n4,5\n' > "$tmp/ragged.csv"
expect_line 1 "nabla train: $tmp/ragged.csv line 3 has 2 columns, expected 3 (ragged row): column 3 is missing" \
    "$nabla" train "$tmp/ragged.csv" --target c --net 2-3-1 --out "$tmp/x.nbt"
printf 'a,b,c\n1,2,3\n4,5,6,7\n' > "$tmp/long.csv"
expect_line 1 "nabla train: $tmp/long.csv line 3 has 4 columns, expected 3 (ragged row): column 4 is extra" \
    "$nabla" train "$tmp/long.csv" --target c --net 2-3-1 --out "$tmp/x.nbt"
# predict reads a ragged file of its own with the same message
expect_line 1 "nabla predict: $tmp/ragged.csv line 3 has 2 columns, expected 3 (ragged row): column 3 is missing" \
    "$nabla" predict "$tmp/fit.nbt" "$tmp/ragged.csv"
printf 'a,b,c\n1,2,3\n4,x5,6\n' > "$tmp/word.csv"
expect_line 1 "nabla train: $tmp/word.csv line 3, column 2: 'x5' is not a number" \
    "$nabla" train "$tmp/word.csv" --target c --net 2-3-1 --out "$tmp/x.nbt"
printf 'a,b,c\n1,,3\n' > "$tmp/hole.csv"
expect_line 1 "nabla train: $tmp/hole.csv line 2, column 2: empty cell" \
    "$nabla" train "$tmp/hole.csv" --target c --net 2-3-1 --out "$tmp/x.nbt"
expect_line 1 "nabla train: $iris has no column named 'Species' (its columns: 'sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species')" \
    "$nabla" train "$iris" --target Species --classes --net 4-10-3 --out "$tmp/x.nbt"
expect_line 1 "nabla train: --target 2,10: $iris has 5 columns, so a column number is 1 to 5 (or -1 to -5 from the end), not 10" \
    "$nabla" train "$iris" --target 2,10 --net 3-10-2 --out "$tmp/x.nbt"
expect_line 1 "nabla train: --target -6: $iris has 5 columns, so a column number is 1 to 5 (or -1 to -5 from the end), not -6" \
    "$nabla" train "$iris" --target -6 --net 4-10-1 --out "$tmp/x.nbt"
expect 1 "$iris line 2, column 5: 'setosa' is not a number" \
    "$nabla" train "$iris" --target petal_width --net 4-8-1 --out "$tmp/x.nbt"
expect 2 "unknown option '--bogus'; valid options: --target, --net, --out, --classes, --train" \
    "$nabla" train "$iris" --target species --classes --net 4-10-3 --out "$tmp/x.nbt" --bogus
expect 2 "--net '4-x-3' is not a list of layer sizes" \
    "$nabla" train "$iris" --target species --classes --net 4-x-3 --out "$tmp/x.nbt"
expect 2 "--net '4' needs at least the inputs and the outputs" \
    "$nabla" train "$iris" --target species --classes --net 4 --out "$tmp/x.nbt"
expect 2 "it has 4 input columns and 3 classes, so the network must be 4-...-3" \
    "$nabla" train "$iris" --target species --classes --net 4-10-2 --out "$tmp/x.nbt"
expect 2 "unknown training function 'xyz'; valid: lm, br, gd" \
    "$nabla" train "$iris" --target species --classes --net 4-10-3 --train xyz --out "$tmp/x.nbt"
expect 2 "--epochs expects a whole number" \
    "$nabla" train "$iris" --target species --classes --net 4-10-3 --epochs ten --out "$tmp/x.nbt"
expect 2 "--split '1,2' is not three ratios" \
    "$nabla" train "$iris" --target species --classes --net 4-10-3 --split 1,2 --out "$tmp/x.nbt"
expect 2 "--out MODEL.nbt is required" "$nabla" train "$iris" --target species --net 4-10-3
[ ! -e "$tmp/x.nbt" ] && ok || bad "a failed training left a model file"
expect 1 "not a nabla tensor file" "$nabla" info "$iris"
expect 1 "cannot open $tmp/none.nbt" "$nabla" predict "$tmp/none.nbt" "$iris"
cut -d, -f1-3 "$iris" > "$tmp/three.csv"
expect 1 "has 3 input columns, the model takes 4" "$nabla" predict "$tmp/iris.nbt" "$tmp/three.csv"
expect 2 "unexpected argument" "$nabla" info "$tmp/iris.nbt" extra

echo "check_cli: $checks checks, $fails failed${skipped:+; SKIP: $skipped}"
[ "$fails" -eq 0 ]
