#!/bin/sh
# Run nabla and PyTorch side by side on the standard workloads W1 (1 and 2
# threads), W2, W3, W5, W6 (a LeNet-style CNN) and W7, one after the other,
# with the same thread settings, and print a table of figures and ratios.  W6
# and W7 (a 1-layer LSTM training step) run both sides alternately 5 times:
# each side's median in the table, and the per-repetition ratios as median
# [min - max] below it.  W8 (trainlm epochs/s on the housing data, two nets)
# alternates too, through bench/bench_lm_compare.sh, with each median's
# (min-max).
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
#   NB_REPS       alternating repetitions of W6 and W7 (default 5)
#   NB_ONLY_W67   1 = run W6 and W7 only
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
    [ -f "$peers/$f" ] || [ "${NB_ONLY_W67:-0}" = 1 ] ||
        { echo "compare.sh: no $peers/$f (set NB_PEER_DIR)" >&2; exit 2; }
done
py=
# candidates: $PYTHON, the interpreter the peer script names on its #! line
# (the system Python, which has Debian's python3-torch), python3 on PATH
shebang=$(sed -n '1s/^#![ ]*//p' "$peers/torch_mlp.py" 2>/dev/null || sed -n '1s/^#![ ]*//p' "$here/torch_lstm.py")
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
if [ "${NB_ONLY_W67:-0}" != 1 ]; then
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
fi

# W6 (a LeNet-style CNN's training step, batch 64: bench/bench_cnn.c and
# bench/bench_cnn_torch.py) and W7 (a 1-layer LSTM's: bench/bench_lstm.c and
# bench/torch_lstm.py), both peers in this folder: the two sides alternate
# NB_REPS times (default 5; the machine's load drifts), the table gets each
# side's median, and one line per workload gives the median of the
# per-repetition ratios with their min-max.
reps=${NB_REPS:-5}
med() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
spread=
alternate() { # id nabla-program peer-script
    id=$1 prog=$2 peer=$3
    if [ ! -x "$prog" ]; then
        echo "compare.sh: $prog not built, $id skipped (make bench/$(basename "$prog"))" >&2
        return 0
    fi
    va= vb= vc= ratios=
    rep=0
    while [ "$rep" -lt "$reps" ]; do
        rep=$((rep + 1))
        a=$(with 1 "$prog" --threads 1) || { echo "compare.sh: $prog failed" >&2; exit 1; }
        echo "  $a" >&2
        b=$(with 1 "$py" "$peer" --threads 1)
        echo "  $b" >&2
        fa=$(field samples_per_s "$a") fb=$(field samples_per_s "$b")
        va="$va $fa" vb="$vb $fb"
        ratios="$ratios $(awk -v a="$fa" -v b="$fb" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
        if [ "$skx" = 1 ]; then
            c=$(OPENBLAS_CORETYPE=SkylakeX with 1 "$py" "$peer" --threads 1)
            echo "  $c (OPENBLAS_CORETYPE=SkylakeX)" >&2
            vc="$vc $(field samples_per_s "$c")"
        fi
    done
    c=-
    [ "$skx" = 1 ] && c=$(printf '%s\n' $vc | med)
    rows="${rows}$id 1 $(printf '%s\n' $va | med) $(printf '%s\n' $vb | med) $c samples/s
"
    spread="${spread}$id nabla/PyTorch, $reps alternating repetitions: median $(printf '%s\n' $ratios | med)x [min $(printf '%s\n' $ratios | sort -g | head -n 1)x - max $(printf '%s\n' $ratios | sort -g | tail -n 1)x]
"
}
alternate W6 "$build/bench/bench_cnn" "$here/bench_cnn_torch.py"
alternate W7 "$lstm" "$here/torch_lstm.py"
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
printf '\n%s' "$spread"
