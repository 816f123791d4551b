#!/bin/sh
# W8: trainlm epochs per second on the housing data, nabla (bench_lm) and
# the same algorithm in PyTorch (bench_lm_torch.py), for the nets 13-10-1
# (100 epochs) and 13-50-50-1 (4 epochs), one thread each.  For 13-50-50-1
# PyTorch also runs with the step solved through J J' + mu I, as nabla
# solves it there (a second row, "(torch:JJ')").  bench_lm dumps
# its problem (training rows, starting weights) once, so both sides run
# the same trajectory; then the two alternate W8_REPS times (the machine's
# load drifts) and each side's median is printed with its min-max.
#
# Output (stdout): one row per net in bench/compare.sh's row format,
#   W8/NET 1 NABLA(MIN-MAX) TORCH(MIN-MAX) - epochs/s
# and each program's own lines on stderr.
#
# Usage: bench/bench_lm_compare.sh [BUILD_DIR]   (default: the current folder)
# Environment: PYTHON (a Python that can import torch), W8_REPS (default 5),
#   NB_SKLEARN_DATA (the folder of boston_house_prices.csv).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-.}
lm=$build/bench/bench_lm
[ -x "$lm" ] || { echo "bench_lm_compare.sh: $lm not built (make bench/bench_lm)" >&2; exit 2; }
py=
for c in ${PYTHON:-} /usr/bin/python3 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import torch' >/dev/null 2>&1; then py=$c; break; fi
done
[ -n "$py" ] || { echo "bench_lm_compare.sh: no Python with torch (set PYTHON)" >&2; exit 2; }
reps=${W8_REPS:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nb_w8.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

field() { printf '%s\n' "$2" | sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p"; }
one() { OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$@"; }
# the median and (min-max) of the numbers on stdin
stats() { sort -g | awk '{ v[NR] = $1 } END { printf "%s(%s-%s)", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
med() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

# NET-HIDDEN EPOCHS: 13-50-50-1 has more parameters (3301) than errors
# (354), where nabla solves through J J' + mu I; PyTorch runs it both ways
for spec in "10 100" "50,50 4"; do
    hidden=${spec% *} epochs=${spec#* }
    one "$lm" --hidden "$hidden" --epochs 1 --dump "$tmp/problem" >/dev/null ||
        { echo "bench_lm_compare.sh: bench_lm failed" >&2; exit 1; }
    dual=
    [ "$hidden" = 10 ] || dual=1
    na= nt= nd= i=0
    while [ "$i" -lt "$reps" ]; do
        i=$((i + 1))
        a=$(one "$lm" --threads 1 --hidden "$hidden" --epochs "$epochs") ||
            { echo "bench_lm_compare.sh: bench_lm failed" >&2; exit 1; }
        echo "  $a" >&2
        b=$(one "$py" "$here/bench_lm_torch.py" --threads 1 --problem "$tmp/problem" --epochs "$epochs")
        echo "  $b" >&2
        na="$na $(field epochs_per_s "$a")" nt="$nt $(field epochs_per_s "$b")"
        if [ -n "$dual" ]; then
            d=$(one "$py" "$here/bench_lm_torch.py" --threads 1 --problem "$tmp/problem" \
                --epochs "$epochs" --solve dual)
            echo "  $d" >&2
            nd="$nd $(field epochs_per_s "$d")"
        fi
    done
    # the same trajectory on both sides: the same epochs and final perf
    pa=$(field perf "$a") pb=$(field perf "$b")
    if [ "$(field epochs "$a")" != "$(field epochs "$b")" ] ||
        ! awk -v a="$pa" -v b="$pb" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-6 * (b < 0 ? -b : b)) }'; then
        echo "bench_lm_compare.sh: warning: the two sides' runs differ (epochs or final perf)" >&2
    fi
    net=$(field net "$a")
    ma=$(printf '%s\n' $na | med) mt=$(printf '%s\n' $nt | med)
    echo "W8/$net 1 $(printf '%s\n' $na | stats) $(printf '%s\n' $nt | stats) - epochs/s"
    echo "W8 $net: nabla $ma, PyTorch $mt epochs/s (medians of $reps): nabla/PyTorch $(ratio "$ma" "$mt")" >&2
    if [ -n "$dual" ]; then
        md=$(printf '%s\n' $nd | med)
        echo "W8/$net(torch:JJ') 1 $(printf '%s\n' $na | stats) $(printf '%s\n' $nd | stats) - epochs/s"
        echo "W8 $net: PyTorch through J J' $md epochs/s: nabla/PyTorch $(ratio "$ma" "$md")" >&2
    fi
done
