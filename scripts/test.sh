#!/usr/bin/env bash
# Install what is missing, build nabla, and run the whole test suite
# (`make check`), printing each suite's Check summary.
#   scripts/test.sh             plain build in build/
#   scripts/test.sh --sanitize  AddressSanitizer + UBSan build in build-asan/,
#                               configured --with-blas=no (so the two runs
#                               cover both GEMM configurations)
set -euo pipefail
. "$(dirname "$0")/common.sh"
nb_install_missing $NB_TEST_PACKAGES
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
nb_print_results "$NB_TOP/$dir"
if [ "$status" -ne 0 ]; then
    echo "== FAILED: see $dir/test-suite.log"
    cat "$NB_TOP/$dir/test-suite.log" 2>/dev/null | head -200
    exit "$status"
fi
echo "== all tests passed ($dir/)"
