#!/bin/sh
# bench/compare.sh with stub programs and peers in a temporary folder: the
# figures are known, so the medians and the per-repetition ratios
# (median [min-max]) are checked exactly; a peer that fails gives FAIL in
# its cells and exit status 1; the AVX-512 column is skipped, with the
# reason, when the CPU flags lack avx512f, and runs (with
# OPENBLAS_CORETYPE=SkylakeX in its command) when they have it.
set -u
top=${srcdir:-$(dirname "$0")/..}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nb-compare.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
bad() { echo "check_compare: $*"; status=1; }

mkdir -p "$tmp/build/bench" "$tmp/peers"
# nabla's side: 1000, 1200, 900 samples/s in turn (peak/plateau 1.10)
cat >"$tmp/build/bench/bench_mlp" <<EOF
#!/bin/sh
n=\$(cat "$tmp/count" 2>/dev/null || echo 0)
echo \$((n + 1)) >"$tmp/count"
case \$((n % 3)) in 0) v=1000 ;; 1) v=1200 ;; *) v=900 ;; esac
echo "nabla threads=1 epoch_s=1 samples_per_s=\$v test_acc=0.5 peak_rss_mb=110.0 plateau_rss_mb=100.0"
EOF
printf '#!/bin/sh\necho "nabla chain N=100000: 200 ns per op (forward+backward)"\n' \
    >"$tmp/build/bench/bench_overhead"
printf '#!/bin/sh\necho "fann threads=1 epoch_s=1 samples_per_s=250 test_acc=0.5"\n' \
    >"$tmp/build/bench/bench_fann"
# PyTorch's side: 500 samples/s (800 with OpenBLAS's AVX-512 kernels); it
# fails on the per-sample row (--batch 1)
cat >"$tmp/peers/torch_mlp.py" <<'EOF'
case " $* " in *" --batch 1 "*) echo "stub: failing" >&2; exit 1 ;; esac
v=500
[ "${OPENBLAS_CORETYPE:-}" = SkylakeX ] && v=800
echo "torch stub threads=1 epoch_s=1 samples_per_s=$v test_acc=0.5"
EOF
echo 'echo "torch stub chain N=100000: 1000 ns per op (forward+backward)"' >"$tmp/peers/torch_overhead.py"
# a "Python with torch": runs the stub peers with sh, and answers the
# kernel probe with the core OpenBLAS would name
cat >"$tmp/python" <<'EOF'
#!/bin/sh
if [ "$1" = -c ]; then
    echo "9.9 ${OPENBLAS_CORETYPE:-StubCore}"
    exit 0
fi
exec sh "$@"
EOF
chmod +x "$tmp/build/bench/"* "$tmp/python"
echo "flags : fpu sse2 avx2 fma" >"$tmp/cpuinfo.avx2"
echo "flags : fpu sse2 avx2 fma avx512f avx512bw" >"$tmp/cpuinfo.avx512"

rowof() { # the table row of a workload
    printf '%s\n' "$out" | grep "^| $1 |"
}
run() {
    # TMPDIR: compare.sh's own temporary folder goes inside this test's
    env -u NB_KANN_DIR -u NB_SKYLAKEX -u OPENBLAS_CORETYPE TMPDIR="$tmp" PYTHON="$tmp/python" \
        NB_PEER_DIR="$tmp/peers" "$@" sh "$top/bench/compare.sh" "$tmp/build" 2>"$tmp/err"
}

# 1. no AVX-512; PyTorch fails on W3
out=$(run NB_REPS=3 NB_ONLY=W1,W3,W5 NB_CPUINFO="$tmp/cpuinfo.avx2" NB_TABLE="$tmp/table.md")
rc=$?
[ "$rc" -eq 1 ] || bad "a failing peer gave exit status $rc, not 1"
want='| W1 | 1 | samples/s | 1000 | 500 | 2.00x [1.80-2.40] | skipped | skipped | - | - | - | - | 1.10 |'
[ "$(rowof W1)" = "$want" ] || bad "W1 row: $(rowof W1), want $want"
want='| W3 | 1 | samples/s | 1000 | FAIL | FAIL | skipped | skipped | - | - | 250 | 4.00x [3.60-4.80] | 1.10 |'
[ "$(rowof W3)" = "$want" ] || bad "W3 row: $(rowof W3), want $want"
# W5 is ns per op, lower is better: PyTorch's 1000 over nabla's 200
want='| W5 | 1 | ns/op | 200 | 1000 | 5.00x [5.00-5.00] | skipped | skipped | - | - | - | - | - |'
[ "$(rowof W5)" = "$want" ] || bad "W5 row: $(rowof W5), want $want"
case $out in
*"PyTorch AVX-512: skipped: the CPU flags in $tmp/cpuinfo.avx2 have no avx512f"*"SIGILL"*) ;;
*) bad "no reason given for the skipped AVX-512 column: $out" ;;
esac
case $out in
*"PyTorch: 9.9 as installed (OPENBLAS_CORETYPE=unset): OpenBLAS runs its StubCore kernels"*) ;;
*) bad "the installed PyTorch's kernels are not named: $out" ;;
esac
grep -q "W3: the torch side failed" "$tmp/err" || bad "no message for the failing peer: $(cat "$tmp/err")"
[ -f "$tmp/table.md" ] && [ "$(cat "$tmp/table.md")" = "$(printf '%s\n' "$out" | sed 1d)" ] ||
    bad "NB_TABLE's file differs from the printed table"

# 2. AVX-512 flags: the second PyTorch column runs with SkylakeX
rm -f "$tmp/count"
out=$(run NB_REPS=1 NB_ONLY=W1 NB_CPUINFO="$tmp/cpuinfo.avx512")
rc=$?
[ "$rc" -eq 0 ] || bad "a clean run gave exit status $rc: $(cat "$tmp/err")"
want='| W1 | 1 | samples/s | 1000 | 500 | 2.00x [2.00-2.00] | 800 | 1.25x [1.25-1.25] | - | - | - | - | 1.10 |'
[ "$(rowof W1)" = "$want" ] || bad "W1 row with AVX-512: $(rowof W1), want $want"
case $out in
*"OPENBLAS_CORETYPE=SkylakeX in its command only: OpenBLAS runs its SkylakeX kernels"*) ;;
*) bad "the AVX-512 column's kernels are not named: $out" ;;
esac

# 3. a kann checkout that does not build: its cells FAIL, exit 1
mkdir "$tmp/nokann"
out=$(run NB_REPS=1 NB_ONLY=W5 NB_SKYLAKEX=0 NB_KANN_DIR="$tmp/nokann")
rc=$?
want='| W5 | 1 | ns/op | 200 | 1000 | 5.00x [5.00-5.00] | skipped | skipped | FAIL | FAIL | - | - | - |'
[ "$rc" -eq 1 ] && [ "$(rowof W5)" = "$want" ] || bad "kann not building: status $rc, row $(rowof W5)"

# 4. a failing nabla side: FAIL, exit 1; a bad row name: exit 2
printf '#!/bin/sh\nexit 3\n' >"$tmp/build/bench/bench_overhead"
out=$(run NB_REPS=2 NB_ONLY=W5 NB_SKYLAKEX=0)
rc=$?
want='| W5 | 1 | ns/op | FAIL | 1000 | FAIL | skipped | skipped | - | - | - | - | - |'
[ "$rc" -eq 1 ] && [ "$(rowof W5)" = "$want" ] || bad "failing nabla: status $rc, row $(rowof W5)"
out=$(run NB_ONLY=W9)
rc=$?
[ "$rc" -eq 2 ] && grep -q "NB_ONLY: unknown row 'W9'" "$tmp/err" || bad "NB_ONLY=W9: status $rc, $(cat "$tmp/err")"

[ "$status" -eq 0 ] && echo "check_compare: ratios, FAIL cells, exit status and the AVX-512 column as expected"
exit "$status"
