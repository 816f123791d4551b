#!/bin/sh
# Run nabla and its peers side by side on the standard workloads and print
# one markdown table of figures and ratios.  In every row the programs
# alternate (nabla, PyTorch, PyTorch with OpenBLAS's AVX-512 kernels, kann,
# FANN, then again) NB_REPS times, because the load of a shared machine
# drifts: a figure is the median of a side's repetitions, a ratio the median
# [min-max] of the per-repetition ratios, each taken from two runs next to
# each other.
#
# Rows (keys for NB_ONLY):
#   W1     784-256-10, batch 64, 1 thread        W1t2   the same on 2 threads
#   W2     784-1024-1024-10, batch 256           W2b16  W2 at batch 16
#   W3     784-32-10, batch 1 (per sample)       W1b1   W1's net at batch 1, lr 0.01
#   W5     a chain of 10^5 ops on 1x1 tensors, ns per op
#   W6     LeNet-style CNN step, batch 64        W7     1-layer LSTM step
#   W8     trainlm epochs/s, 13-10-1 and 13-50-50-1 (and PyTorch solving the
#          latter through J J' + mu I, as nabla does there)
#
# Usage: bench/compare.sh [BUILD_DIR]
#   BUILD_DIR   the build folder holding bench/bench_mlp and the other
#               programs (default: the current folder)
# Environment:
#   NB_REPS     alternating repetitions per row (default 5)
#   NB_EPOCHS   epochs of each W1/W2/W3 run, the best one counts (default 1)
#   NB_ONLY     comma-separated row keys to run (default: all), e.g. W1,W3
#   NB_TABLE    also write the table (with its notes) to this file, the
#               input of bench/chart.sh
#   NB_PEER_DIR folder of the peer scripts torch_mlp.py and torch_overhead.py
#               (default: ../shared/bench beside the repository); the others
#               are looked for there first, then in this folder
#   NB_KANN_DIR a checkout of kann: its peer (kann_peer.c here) is compiled
#               against it at run time (with OpenBLAS when pkg-config finds
#               it; NB_KANN_BLAS=0 without) and runs W1, W2, W2b16, W3, W1b1
#               and W5
#   NB_SKYLAKEX 0 = skip the PyTorch AVX-512 column; otherwise it runs when
#               the CPU flags (NB_CPUINFO, default /proc/cpuinfo) include
#               avx512f, and says skipped and why when they do not
#   PYTHON      a Python that can import torch (default: the first that can
#               of the one on torch_mlp.py's #! line, /usr/bin/python3 and
#               python3)
#   NB_FASHION_MNIST_DIR  where the Fashion-MNIST files are (every side)
#   CC          the compiler for the kann peer (default cc)
#
# Ratios are nabla / peer in speed, so above 1 means nabla is faster; for W5
# (ns per op, lower is better) it is peer ns / nabla ns.  A program that
# fails, or prints no figure, makes its cell (and its ratio) FAIL and the
# exit status 1; the table is still printed.  Exit status 2: nothing ran
# (a program or script missing, a bad setting).
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-.}" && pwd) || exit 2
peers=${NB_PEER_DIR:-$here/../../shared/bench}
reps=${NB_REPS:-5}
epochs=${NB_EPOCHS:-1}
only=${NB_ONLY:-}
table_file=${NB_TABLE:-}
cpuinfo=${NB_CPUINFO:-/proc/cpuinfo}
all_keys="W1 W1t2 W2 W2b16 W3 W1b1 W5 W6 W7 W8"

die() { echo "compare.sh: $*" >&2; exit 2; }
case $reps in '' | *[!0-9]* | 0) die "NB_REPS must be a positive integer (got '$reps')" ;; esac
case $epochs in '' | *[!0-9]* | 0) die "NB_EPOCHS must be a positive integer (got '$epochs')" ;; esac
keys=
for k in $(printf '%s' "$only" | tr ',' ' '); do
    case " $all_keys " in *" $k "*) keys="$keys $k" ;; *) die "NB_ONLY: unknown row '$k' (rows: $all_keys)" ;; esac
done
[ -n "$keys" ] || keys=$all_keys

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nb_compare.XXXXXX") || die "no temporary folder"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# script NAME: the path of a peer script, from NB_PEER_DIR first, then here
script() {
    for d in "$peers" "$here"; do
        [ -f "$d/$1" ] && { printf '%s\n' "$d/$1"; return 0; }
    done
    die "no peer script $1 in $peers or $here (set NB_PEER_DIR)"
}
# prog NAME: a nabla program of the build folder, which must be built
prog() {
    [ -x "$build/bench/$1" ] || die "$build/bench/$1 not built (make bench/$1 in the build folder)"
    printf '%s\n' "$build/bench/$1"
}

# What the selected rows need, checked before anything runs.
need_mlp= need_ovh= need_cnn= need_lstm= need_lm=
for k in $keys; do
    case $k in
    W5) need_ovh=1 ;; W6) need_cnn=1 ;; W7) need_lstm=1 ;; W8) need_lm=1 ;; *) need_mlp=1 ;;
    esac
done
mlp= ovh= cnn= lstm= lm= torch_mlp= torch_ovh= cnn_py= lstm_py= lm_py=
[ -n "$need_mlp" ] && { mlp=$(prog bench_mlp) || exit 2; torch_mlp=$(script torch_mlp.py) || exit 2; }
[ -n "$need_ovh" ] && { ovh=$(prog bench_overhead) || exit 2; torch_ovh=$(script torch_overhead.py) || exit 2; }
[ -n "$need_cnn" ] && { cnn=$(prog bench_cnn) || exit 2; cnn_py=$(script bench_cnn_torch.py) || exit 2; }
[ -n "$need_lstm" ] && { lstm=$(prog bench_lstm) || exit 2; lstm_py=$(script torch_lstm.py) || exit 2; }
[ -n "$need_lm" ] && { lm=$(prog bench_lm) || exit 2; lm_py=$(script bench_lm_torch.py) || exit 2; }

py=
shebang=$(sed -n '1s/^#![ ]*//p' "${torch_mlp:-$here/torch_lstm.py}" 2>/dev/null)
for c in ${PYTHON:-} $shebang /usr/bin/python3 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import torch' >/dev/null 2>&1; then py=$c; break; fi
done
[ -n "$py" ] || die "no Python with torch found (install python3-torch or set PYTHON)"
data=
[ -n "${NB_FASHION_MNIST_DIR:-}" ] && data="--data $NB_FASHION_MNIST_DIR"

# with T CMD...: CMD on T threads everywhere; $blasenv (empty, or
# OPENBLAS_CORETYPE=SkylakeX for the AVX-512 column) goes into its
# environment too, through env, so that it reaches that command only
blasenv=
with() { t=$1; shift; env OMP_NUM_THREADS="$t" OPENBLAS_NUM_THREADS="$t" $blasenv "$@"; }

# Which kernels OpenBLAS picks inside PyTorch, asked in the same
# environment as the runs: its own name for them (openblas_get_corename).
probe='import ctypes, torch
core = "unknown"
for line in open("/proc/self/maps"):
    p = line.split()[-1]
    if "blas" not in p or ".so" not in p:
        continue
    try:
        f = ctypes.CDLL(p).openblas_get_corename
    except (OSError, AttributeError):
        continue
    f.restype = ctypes.c_char_p
    core = f().decode()
    break
print(torch.__version__, core)'
torch_info() { with 1 "$py" -c "$probe" 2>/dev/null | tail -n 1; }

# The AVX-512 column: only where the CPU has AVX-512 (OpenBLAS's SkylakeX
# kernels stop with SIGILL elsewhere), and not with NB_SKYLAKEX=0.
skx=
if [ "${NB_SKYLAKEX:-1}" = 0 ]; then
    skx_note="skipped: NB_SKYLAKEX=0"
elif ! grep -qw avx512f "$cpuinfo" 2>/dev/null; then
    skx_note="skipped: the CPU flags in $cpuinfo have no avx512f, and OpenBLAS's SkylakeX kernels would stop with SIGILL"
else
    skx=1
fi
tinfo=$(torch_info)
torch_note="${tinfo%% *} as installed (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}): OpenBLAS runs its ${tinfo##* } kernels"
[ -n "$tinfo" ] || torch_note="as installed (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}): OpenBLAS kernels unknown"
if [ -n "$skx" ]; then
    blasenv=OPENBLAS_CORETYPE=SkylakeX
    sinfo=$(torch_info)
    blasenv=
    skx_note="OPENBLAS_CORETYPE=SkylakeX in its command only: OpenBLAS runs its ${sinfo##* } kernels"
    [ -n "$sinfo" ] || skx_note="OPENBLAS_CORETYPE=SkylakeX in its command only: OpenBLAS kernels unknown"
fi

status=0
# kann: compiled here, in the temporary folder, from NB_KANN_DIR
kann= kann_broken= kann_note="not run: NB_KANN_DIR is not set (a checkout of kann)"
if [ -n "${NB_KANN_DIR:-}" ]; then
    k=$NB_KANN_DIR blas= blas_note="without BLAS"
    if [ "${NB_KANN_BLAS:-1}" != 0 ] && pkg-config --exists openblas 2>/dev/null; then
        blas="-DHAVE_CBLAS -DKP_OPENBLAS $(pkg-config --cflags --libs openblas)"
        blas_note="with OpenBLAS (as installed)"
    fi
    # kann's own sources and headers are not ours to warn about: -w for
    # them, -isystem for its headers in the peer
    if [ -f "$k/kann.c" ] && ${CC:-cc} -O2 -w -I"$k" $blas -c "$k/kann.c" -o "$tmp/kann.o" &&
        ${CC:-cc} -O2 -w -I"$k" $blas -c "$k/kautodiff.c" -o "$tmp/kautodiff.o" &&
        ${CC:-cc} -O2 -Wall -Wextra -isystem "$k" $blas "$here/kann_peer.c" "$tmp/kann.o" "$tmp/kautodiff.o" \
            -o "$tmp/kann_peer" $blas -lz -lm -lpthread >&2; then
        kann=$tmp/kann_peer kann_note="kann from NB_KANN_DIR, built $blas_note"
    else
        kann_note="FAIL: kann_peer.c did not build against NB_KANN_DIR ($k)"
        echo "compare.sh: $kann_note" >&2
        kann_broken=1
    fi
fi
kann_blas=
fann= fann_note="not run: bench/bench_fann not built (configure found no fann: install libfann-dev)"
[ -x "$build/bench/bench_fann" ] && fann=$build/bench/bench_fann fann_note="FANN (bench/bench_fann)"

# field NAME TEXT: the value of NAME=... in TEXT (its first)
field() { printf '%s\n' "$2" | sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" | head -n 1; }
# figure UNIT TEXT: a program's figure, if it is a positive number
figure() {
    case $1 in
    ns/op) v=$(printf '%s\n' "$2" | sed -n 's/.*: \([0-9.]*\) ns per op.*/\1/p' | head -n 1) ;;
    epochs/s) v=$(field epochs_per_s "$2") ;;
    *) v=$(field samples_per_s "$2") ;;
    esac
    awk -v v="$v" 'BEGIN { if (v ~ /^[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$/ && v + 0 > 0) print v }'
}

# spec KEY[/PART]: the row's display name, threads, unit, kind of program,
# arguments, and which peers it has
spec() {
    T=1 unit=samples/s kind=mlp args= kann_row= fann_row= lmh= lmep= solve=
    case $1 in
    W1) name=W1 args="--hidden 256 --batch 64" kann_row=1 ;;
    W1t2) name=W1 T=2 args="--hidden 256 --batch 64" ;;
    W2) name=W2 args="--hidden 1024 --layers 2 --batch 256" kann_row=1 ;;
    W2b16) name=W2b16 args="--hidden 1024 --layers 2 --batch 16" kann_row=1 ;;
    W3) name=W3 args="--hidden 32 --batch 1" kann_row=1 fann_row=1 ;;
    # at batch 1 and the standard rate 0.1 this net diverges in kann (test
    # accuracy 0.19; 0.84 at 0.01): every side of W1b1 takes 0.01
    W1b1) name=W1b1 args="--hidden 256 --batch 1 --lr 0.01" kann_row=1 fann_row=1 ;;
    W5) name=W5 kind=ovh unit=ns/op kann_row=1 ;;
    W6) name=W6 kind=cnn ;;
    W7) name=W7 kind=lstm ;;
    W8/10) name="W8 13-10-1" kind=lm unit=epochs/s lmh=10 lmep=100 ;;
    W8/50) name="W8 13-50-50-1" kind=lm unit=epochs/s lmh=50,50 lmep=4 ;;
    W8/50d) name="W8 13-50-50-1, PyTorch via J J'" kind=lm unit=epochs/s lmh=50,50 lmep=4 solve="--solve dual" ;;
    esac
}

# run SIDE: one run of the current row's SIDE, its report on stdout
run() {
    blasenv=
    [ "$1" = skx ] && blasenv=OPENBLAS_CORETYPE=SkylakeX
    case $kind:$1 in
    mlp:nabla) with "$T" "$mlp" --threads "$T" $args --epochs "$epochs" $data ;;
    mlp:torch | mlp:skx) with "$T" "$py" "$torch_mlp" --threads "$T" $args --epochs "$epochs" $data ;;
    mlp:kann) with 1 "$kann" --mlp $args --epochs "$epochs" $data ;;
    mlp:fann) with 1 "$fann" $args --epochs "$epochs" $data ;;
    ovh:nabla) with 1 "$ovh" 100000 ;;
    ovh:torch | ovh:skx) with 1 "$py" "$torch_ovh" 100000 ;;
    ovh:kann) with 1 "$kann" --chain 100000 ;;
    cnn:nabla) with 1 "$cnn" --threads 1 ;;
    cnn:torch | cnn:skx) with 1 "$py" "$cnn_py" --threads 1 ;;
    lstm:nabla) with 1 "$lstm" --threads 1 ;;
    lstm:torch | lstm:skx) with 1 "$py" "$lstm_py" --threads 1 ;;
    lm:nabla) with 1 "$lm" --threads 1 --hidden "$lmh" --epochs "$lmep" ;;
    lm:torch | lm:skx) with 1 "$py" "$lm_py" --threads 1 --problem "$tmp/problem.$lmh" --epochs "$lmep" $solve ;;
    esac
}

# ratios FILE LOWER: "median [min-max]" of the ratios nabla / side per
# repetition, from FILE's lines "nabla side" (LOWER=1: side / nabla)
ratios() {
    awk -v lower="$2" '{ r[NR] = lower ? $2 / $1 : $1 / $2 }
        END { n = asort_(r, NR); printf "%.2fx [%.2f-%.2f]", r[int((n + 1) / 2)], r[1], r[n] }
        function asort_(a, n,   i, j, t) {
            for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
            return n
        }' "$1"
}
med() { sort -g "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# row KEY: alternate the row's sides NB_REPS times and add its line to
# $tmp/rows (tab-separated cells)
row() {
    spec "$1"
    rm -f "$tmp"/v.* "$tmp"/failed.* "$tmp/mem"
    sides="nabla torch"
    [ -n "$skx" ] && sides="$sides skx"
    [ -n "$kann_row" ] && [ -n "$kann" ] && sides="$sides kann"
    # a kann peer that did not build fails every row it has
    [ -n "$kann_row" ] && [ -n "$kann_broken" ] && sides="$sides kann" && : >"$tmp/failed.kann"
    [ -n "$fann_row" ] && [ -n "$fann" ] && sides="$sides fann"
    if [ "$kind" = lm ] && [ ! -f "$tmp/problem.$lmh" ]; then
        # both sides of W8 start from the same problem and weights
        with 1 "$lm" --hidden "$lmh" --epochs 1 --dump "$tmp/problem.$lmh" >/dev/null ||
            { echo "compare.sh: $name: bench_lm --dump failed" >&2; : >"$tmp/failed.nabla"; }
    fi
    i=0
    # a failed nabla side leaves no ratio to take: the row stops there
    while [ "$i" -lt "$reps" ] && [ ! -f "$tmp/failed.nabla" ]; do
        i=$((i + 1))
        for s in $sides; do
            [ -f "$tmp/failed.$s" ] && continue
            out=$(run "$s")
            rc=$?
            printf '  [%s %s] %s\n' "$name" "$s" "$out" >&2
            v=$(figure "$unit" "$out")
            if [ "$rc" -ne 0 ] || [ -z "$v" ]; then
                why="exit status $rc"
                [ -n "$v" ] || why="$why, no figure in its report"
                echo "compare.sh: $name: the $s side failed ($why)" >&2
                : >"$tmp/failed.$s"
                continue
            fi
            echo "$i $v" >>"$tmp/v.$s"
            [ "$s" = kann ] && [ -z "$kann_blas" ] && kann_blas=$(field blas "$out")
            if [ "$s" = nabla ] && [ "$kind" = mlp ]; then
                pk=$(field peak_rss_mb "$out") pl=$(field plateau_rss_mb "$out")
                awk -v a="$pk" -v b="$pl" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.4f\n", a / b }' >>"$tmp/mem"
            fi
        done
    done
    lower=0
    [ "$unit" = ns/op ] && lower=1
    line="$name	$T	$unit"
    for s in nabla torch skx kann fann; do
        case " $sides " in
        *" $s "*)
            if [ -f "$tmp/failed.$s" ]; then
                status=1
                cell=FAIL
            else
                cut -d' ' -f2 "$tmp/v.$s" >"$tmp/col"
                cell=$(med "$tmp/col")
            fi
            ;;
        *) if [ "$s" = skx ]; then cell=skipped; else cell=-; fi ;;
        esac
        line="$line	$cell"
        [ "$s" = nabla ] && continue
        case $cell in
        FAIL) rcell=FAIL ;;
        - | skipped) rcell=$cell ;;
        *)
            if [ -f "$tmp/failed.nabla" ]; then
                rcell=FAIL
            else
                # the repetitions both sides finished, paired
                awk 'NR == FNR { a[$1] = $2; next } $1 in a { print a[$1], $2 }' \
                    "$tmp/v.nabla" "$tmp/v.$s" >"$tmp/pairs"
                rcell=$(ratios "$tmp/pairs" "$lower")
            fi
            ;;
        esac
        line="$line	$rcell"
    done
    mem=-
    [ -s "$tmp/mem" ] && mem=$(awk '{ printf "%.2f\n", $1 }' "$tmp/mem" >"$tmp/col" && med "$tmp/col")
    printf '%s\t%s\n' "$line" "$mem" >>"$tmp/rows"
}

: >"$tmp/rows"
echo "running $reps alternating repetitions per row (each line is one program's own report):" >&2
for k in $keys; do
    if [ "$k" = W8 ]; then
        row W8/10
        row W8/50
        row W8/50d
    else
        row "$k"
    fi
done

awk -F '\t' -v reps="$reps" '
BEGIN {
    print "| workload | threads | unit | nabla | PyTorch | nabla/PyTorch | PyTorch AVX-512 | nabla/PyTorch AVX-512 | kann | nabla/kann | FANN | nabla/FANN | peak/plateau |"
    print "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
}
{
    printf "|"
    for (i = 1; i <= NF; i++) printf " %s |", $i
    printf "\n"
}' "$tmp/rows" >"$tmp/table"
{
    cat <<EOF

Figures: medians of $reps alternating repetitions per row; ratios: nabla / peer in speed (W5: the
peer's ns per op / nabla's), median [min-max] of the per-repetition ratios; above 1 means nabla is
faster.  peak/plateau: bench_mlp's peak RSS over its RSS after the first epoch (median).
EOF
    echo "- PyTorch: $torch_note"
    echo "- PyTorch AVX-512: $skx_note"
    echo "- kann: $kann_note${kann_blas:+ (OpenBLAS kernels: $kann_blas)}"
    echo "- FANN: $fann_note"
} >>"$tmp/table"
echo
cat "$tmp/table"
if [ -n "$table_file" ]; then
    cp "$tmp/table" "$table_file" || { echo "compare.sh: cannot write $table_file" >&2; status=1; }
fi
exit "$status"
