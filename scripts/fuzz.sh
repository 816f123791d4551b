#!/usr/bin/env bash
# Build the libFuzzer targets of fuzz/ with clang and run each for
# FUZZ_SECONDS seconds (default 60) on its seed corpus; `make fuzz` runs
#     scripts/fuzz.sh BUILD_FOLDER/fuzz
# Everything stays in that folder: clang/ (a clang build of the library with
# -fsanitize=fuzzer-no-link,address,undefined), seeds/ (written by
# fuzz_seeds, remade on each run, plus fuzz/crashers/TARGET_*), corpus/ (inputs the fuzzer found, kept
# between runs), crashes/ (reproducers), logs/, and tmp/ (the targets'
# temporary files).  FUZZ_CC picks the compiler (default clang; remove
# clang/ after changing it), FUZZ_JOBS the build's parallelism (default 2).
# Exit status: 0 when no target found anything, 1 when one did (or the
# build failed), 77 when clang or its libFuzzer runtime is missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$top/build-fuzz/fuzz}
seconds=${FUZZ_SECONDS:-60}
cc=${FUZZ_CC:-clang}
jobs=${FUZZ_JOBS:-2}
targets="csv idx tensor_file model"
case $seconds in
'' | *[!0-9]*)
    echo "fuzz: FUZZ_SECONDS must be a whole number of seconds, not '$seconds'" >&2
    exit 2
    ;;
esac
mkdir -p "$work"
work=$(cd "$work" && pwd)

skip() {
    echo "fuzz: SKIPPED: $*" >&2
    exit 77
}
command -v "$cc" >/dev/null 2>&1 ||
    skip "no '$cc' compiler; install clang (Debian: apt-get install clang)"
"$cc" --version 2>/dev/null | grep -qi clang ||
    skip "'$cc' is not clang (libFuzzer comes with clang); install clang or set FUZZ_CC to one"
ver=$("$cc" -dumpversion 2>/dev/null | cut -d. -f1)
probe=$work/probe
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" >"$probe.log" 2>&1; then
    why=$(grep -m1 -i error "$probe.log" || head -1 "$probe.log")
    skip "'$cc' cannot link -fsanitize=fuzzer,address,undefined ($why); install its libFuzzer runtime (Debian 12: libclang-rt-$ver-dev)"
fi
rm -f "$probe" "$probe.c" "$probe.log"

build=$work/clang
if [ ! -f "$build/Makefile" ]; then
    echo "== configuring a $cc build of the library for fuzzing ($build)"
    [ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null)
    mkdir -p "$build"
    (cd "$build" && "$top/configure" -q CC="$cc" \
        CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
        LDFLAGS="-fsanitize=address,undefined" \
        --with-blas=no --disable-shared --disable-openmp >"$work/configure.log" 2>&1) ||
        { tail -30 "$work/configure.log"; rm -f "$build/Makefile"; exit 1; }
fi
echo "== building the fuzz targets"
make -C "$build" -j"$jobs" -s fuzz-build >"$work/build.log" 2>&1 || { tail -50 "$work/build.log"; exit 1; }

echo "== writing the seed corpora"
rm -rf "$work/seeds"
"$build/fuzz/fuzz_seeds" "$work/seeds"
# inputs that once broke a contract (fuzz/crashers/TARGET_*) are seeds too
for t in $targets; do
    for f in "$top/fuzz/crashers/${t}_"*; do
        if [ -f "$f" ]; then cp "$f" "$work/seeds/$t/"; fi
    done
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
echo "== running each target for $seconds s"
status=0
summary=()
for t in $targets; do
    mkdir -p "$work/corpus/$t" "$work/crashes/$t" "$work/logs" "$work/tmp"
    log=$work/logs/$t.log
    rc=0
    TMPDIR=$work/tmp "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/crashes/$t/" \
        "$work/corpus/$t" "$work/seeds/$t" >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    units=$(find "$work/corpus/$t" -type f | wc -l)
    if [ "$rc" -eq 0 ]; then
        result="nothing found"
    else
        status=1
        why=$(grep -m1 -E 'CONTRACT VIOLATION|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log" ||
            echo "exit status $rc")
        unit=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
        result="FOUND: ${why#==== } -> reproducer ${unit:-none}, log $log"
    fi
    line=$(printf '%-12s %10s executions, corpus %5s inputs: %s' "$t" "${execs:-?}" "$units" "$result")
    echo "$line"
    summary+=("$line")
done
echo "== summary ($seconds s per target)"
printf '%s\n' "${summary[@]}"
if [ "$status" -ne 0 ]; then
    echo "== fuzzing FOUND problems; reproduce one with: $build/fuzz/fuzz_TARGET REPRODUCER"
    exit 1
fi
echo "== fuzzing found nothing"
