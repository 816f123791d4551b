#!/bin/sh
# Run nabla and PyTorch side by side on the standard workloads W1 (1 and 2
# threads), W2, W3, W5, W6 (a LeNet-style CNN) and W7, one after the other,
# with the same thread settings, and print a table of figures and ratios.  W7 (a 1-layer LSTM
# training step) runs both sides alternately 5 times and reports each
# side's median.  W8 (trainlm epochs/s on the housing data, two nets) does
# the same through bench/bench_lm_compare.sh, with each median's (min-max).
#
# Usage: bench/compare.sh [BUILD_DIR]
#   BUILD_DIR     the (out-of-tree) build folder holding bench/bench_mlp,
#                 bench/bench_overhead and bench/bench_lstm; default: the
#                 current folder
# Environment:
#   NB_PEER_DIR   folder of the peer scripts torch_mlp.py / torch_overhead.py
#                 (default: ../shared/bench beside the repository)
#   PYTHON        a Python that can import torch (default: the first that
#                 can of the one on the peer script's #! line and python3)
#   NB_FASHION_MNIST_DIR  where the Fashion-MNIST files are (both sides)
#   NB_SKYLAKEX   1 = also run PyTorch with OPENBLAS_CORETYPE=SkylakeX (the
#                 default), 0 = skip that column
#
# Ratios are nabla / PyTorch in speed, so above 1 means nabla is faster; for
# W5 (ns per op, lower is better) the ratio is PyTorch ns / nabla ns.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-.}
peers=${NB_PEER_DIR:-$here/../../shared/bench}
mlp=$build/bench/bench_mlp
ovh=$build/bench/bench_overhead
lstm=$build/bench/bench_lstm
for f in "$mlp" "$ovh" "$lstm"; do
    [ -x "$f" ] || { echo "compare.sh: $f not built (make bench/bench_mlp bench/bench_overhead bench/bench_lstm in the build folder, or pass it)" >&2; exit 2; }
done
for f in torch_mlp.py torch_overhead.py; do
    [ -f "$peers/$f" ] || { echo "compare.sh: no $peers/$f (set NB_PEER_DIR)" >&2; exit 2; }
done
py=
# candidates: $PYTHON, the interpreter the peer script names on its #! line
# (the system Python, which has Debian's python3-torch), python3 on PATH
shebang=$(sed -n '1s/^#![ ]*//p' "$peers/torch_mlp.py")
for c in ${PYTHON:-} $shebang python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import torch' >/dev/null 2>&1; then py=$c; break; fi
done
[ -n "$py" ] || { echo "compare.sh: no Python with torch found (install python3-torch or set PYTHON)" >&2; exit 2; }
data=
[ -n "${NB_FASHION_MNIST_DIR:-}" ] && data="--data $NB_FASHION_MNIST_DIR"
skx=${NB_SKYLAKEX:-1}

# field NAME LINE: the value of NAME=... in LINE
field() { printf '%s\n' "$2" | sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p"; }
# with T CMD...: run CMD with T threads everywhere
with() { t=$1; shift; OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t "$@"; }

rows=
run_mlp() { # id threads args...
    id=$1; t=$2; shift 2
    a=$(with "$t" "$mlp" --threads "$t" "$@" $data) || { echo "compare.sh: bench_mlp failed" >&2; exit 1; }
    echo "  $a" >&2
    b=$(with "$t" "$py" "$peers/torch_mlp.py" --threads "$t" "$@" $data)
    echo "  $b" >&2
    c=-
    if [ "$skx" = 1 ]; then
        c=$(OPENBLAS_CORETYPE=SkylakeX with "$t" "$py" "$peers/torch_mlp.py" --threads "$t" "$@" $data)
        echo "  $c (OPENBLAS_CORETYPE=SkylakeX)" >&2
        c=$(field samples_per_s "$c")
    fi
    rows="$rows$id $t $(field samples_per_s "$a") $(field samples_per_s "$b") $c samples/s
"
}

echo "running (each line is one program's own report):" >&2
run_mlp W1 1 --hidden 256 --batch 64
run_mlp W1 2 --hidden 256 --batch 64
run_mlp W2 1 --hidden 1024 --layers 2 --batch 256
run_mlp W3 1 --hidden 32 --batch 1

a=$(with 1 "$ovh" 100000) || exit 1
echo "  $a" >&2
b=$(with 1 "$py" "$peers/torch_overhead.py" 100000)
echo "  $b" >&2
c=-
if [ "$skx" = 1 ]; then
    c=$(OPENBLAS_CORETYPE=SkylakeX with 1 "$py" "$peers/torch_overhead.py" 100000)
    echo "  $c (OPENBLAS_CORETYPE=SkylakeX)" >&2
    c=$(printf '%s\n' "$c" | sed -n 's/.*: \([0-9.]*\) ns per op.*/\1/p')
fi
na=$(printf '%s\n' "$a" | sed -n 's/.*: \([0-9.]*\) ns per op.*/\1/p')
nb=$(printf '%s\n' "$b" | sed -n 's/.*: \([0-9.]*\) ns per op.*/\1/p')
rows="${rows}W5 1 $na $nb $c ns/op
"

# W6: a LeNet-style CNN's training step, batch 64 (bench/bench_cnn.c and
# its PyTorch side bench/bench_cnn_torch.py, which lives in this folder)
cnn=$build/bench/bench_cnn
if [ -x "$cnn" ]; then
    a=$(with 1 "$cnn" --threads 1 --batch 64) || { echo "compare.sh: bench_cnn failed" >&2; exit 1; }
    echo "  $a" >&2
    b=$(with 1 "$py" "$here/bench_cnn_torch.py" --threads 1 --batch 64)
    echo "  $b" >&2
    c=-
    if [ "$skx" = 1 ]; then
        c=$(OPENBLAS_CORETYPE=SkylakeX with 1 "$py" "$here/bench_cnn_torch.py" --threads 1 --batch 64)
        echo "  $c (OPENBLAS_CORETYPE=SkylakeX)" >&2
        c=$(field samples_per_s "$c")
    fi
    rows="${rows}W6 1 $(field samples_per_s "$a") $(field samples_per_s "$b") $c samples/s
"
else
    echo "compare.sh: $cnn not built, W6 skipped (make bench/bench_cnn)" >&2
fi
# W7: alternate the two sides 5 times (the machine's load drifts), medians
med() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
w7a= w7b= w7c=
for rep in 1 2 3 4 5; do
    a=$(with 1 "$lstm" --threads 1) || { echo "compare.sh: bench_lstm failed" >&2; exit 1; }
    echo "  $a" >&2
    b=$(with 1 "$py" "$here/torch_lstm.py" --threads 1)
    echo "  $b" >&2
    w7a="$w7a $(field samples_per_s "$a")" w7b="$w7b $(field samples_per_s "$b")"
    if [ "$skx" = 1 ]; then
        c=$(OPENBLAS_CORETYPE=SkylakeX with 1 "$py" "$here/torch_lstm.py" --threads 1)
        echo "  $c (OPENBLAS_CORETYPE=SkylakeX)" >&2
        w7c="$w7c $(field samples_per_s "$c")"
    fi
done
c=-
[ "$skx" = 1 ] && c=$(printf '%s\n' $w7c | med)
rows="${rows}W7 1 $(printf '%s\n' $w7a | med) $(printf '%s\n' $w7b | med) $c samples/s
"
# W8: trainlm epochs/s on the housing data, 13-10-1 and 13-50-50-1, both
# sides alternating (bench/bench_lm_compare.sh): medians with (min-max)
if [ -x "$build/bench/bench_lm" ]; then
    w8=$("$here/bench_lm_compare.sh" "$build") || { echo "compare.sh: W8 failed" >&2; exit 1; }
    rows="$rows$w8
"
else
    echo "compare.sh: $build/bench/bench_lm not built, W8 skipped (make bench/bench_lm)" >&2
fi

echo
printf '%s' "$rows" | awk '
BEGIN {
    printf "| workload | threads | unit | nabla | PyTorch | PyTorch SkylakeX | nabla/PyTorch | nabla/PyTorch SkylakeX |\n"
    printf "|---|---|---|---|---|---|---|---|\n"
}
function ratio(n, p, lower) {
    if (p == "-" || p + 0 == 0 || n + 0 == 0) return "-"
    return sprintf("%.2fx", lower ? p / n : n / p)
}
NF >= 6 {
    lower = ($6 == "ns/op")
    printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $6, $3, $4, $5,
           ratio($3, $4, lower), ratio($3, $5, lower)
}'
