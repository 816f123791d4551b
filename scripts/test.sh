#!/usr/bin/env bash
# Install what is missing, build nabla, and run the whole test suite
# (`make check`), printing each suite's Check summary.
#   scripts/test.sh             plain build in build/
#   scripts/test.sh --sanitize  AddressSanitizer + UBSan build in build-asan/,
#                               configured --with-blas=no (so the two runs
#                               cover both GEMM configurations)
set -euo pipefail
. "$(dirname "$0")/common.sh"
nb_install_missing
dir=build
cflags="-O2 -g"
ldflags=""
extra=()
if [ "${1:-}" = "--sanitize" ]; then
    dir=build-asan
    cflags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    ldflags="-fsanitize=address,undefined"
    extra=(--with-blas=no)
    # no fork per test: LeakSanitizer then checks the whole run of each suite
    export CK_FORK=no
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
echo "== building ($dir/)"
nb_build "$dir" CFLAGS="$cflags" LDFLAGS="$ldflags" "${extra[@]}"
echo "== make check ($dir/)"
status=0
make -C "$NB_TOP/$dir" -j"$(nproc)" -s check >/dev/null 2>&1 || status=$?
# One .trs per test; a Check suite's .log holds its summary line
# ("100%: Checks: N, Failures: 0, Errors: 0"), other tests say PASS/SKIP/FAIL.
while IFS= read -r trs; do
    log=${trs%.trs}.log
    name=${trs#"$NB_TOP/$dir/"}
    summary=$(grep -h -E '^[0-9]+%: Checks: |cases matched PyTorch|op functions, all wrapped' "$log" 2>/dev/null || true)
    result=$(sed -n 's/^:test-result: //p' "$trs" | head -1)
    printf '%-6s %-40s %s\n' "$result" "${name%.trs}" "$summary"
done < <(find "$NB_TOP/$dir" -name '*.trs' -not -path '*/nabla-*' | sort)
grep -h -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$NB_TOP/$dir/test-suite.log" 2>/dev/null || true
if [ "$status" -ne 0 ]; then
    echo "== FAILED: see $dir/test-suite.log"
    cat "$NB_TOP/$dir/test-suite.log" 2>/dev/null | head -200
    exit "$status"
fi
echo "== all tests passed ($dir/)"
