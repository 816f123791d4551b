#!/usr/bin/env bash
# Install what is missing, build nabla, and run the whole test suite
# (`make check`), printing each suite's Check summary.
#   scripts/test.sh             plain build in build/
#   scripts/test.sh --sanitize  AddressSanitizer + UBSan build in build-asan/,
#                               configured --with-blas=no (so the two runs
#                               cover both GEMM configurations)
#   scripts/test.sh --tsan      ThreadSanitizer build in build-tsan/ (clang,
#                               LLVM's OpenMP runtime and its Archer tool),
#                               running the suites that start threads
set -euo pipefail
. "$(dirname "$0")/common.sh"
if [ "${1:-}" = "--tsan" ]; then
    nb_install_missing $NB_BUILD_PACKAGES check clang libomp-dev
else
    nb_install_missing $NB_TEST_PACKAGES
fi
dir=build
cflags="-O2 -g"
ldflags=""
extra=()
make_args=()
if [ "${1:-}" = "--sanitize" ]; then
    dir=build-asan
    cflags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    ldflags="-fsanitize=address,undefined"
    extra=(--with-blas=no)
    # no fork per test: LeakSanitizer then checks the whole run of each suite
    export CK_FORK=no
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
elif [ "${1:-}" = "--tsan" ]; then
    # TSan knows only the synchronisation it can see.  GCC's libgomp is not
    # instrumented and ends a parallel region on its own futex barrier, so
    # under GCC every parallel GEMM is reported as a race between the team
    # writing C and the caller reading it.  LLVM's libomp reports its forks,
    # barriers and joins through OMPT, and Archer (libarcher.so, shipped
    # with libomp) turns them into happens-before edges for TSan; libomp's
    # own, uninstrumented accesses are ignored.  So: clang, libomp, Archer.
    dir=build-tsan
    cflags="-O1 -g -fsanitize=thread -fno-omit-frame-pointer -Wno-pass-failed"
    ldflags="-fsanitize=thread"
    extra=(CC=clang --with-blas=no)
    archer="$(dirname "$(readlink -f "$(command -v clang)")")/../lib/libarcher.so"
    if [ ! -f "$archer" ]; then
        echo "== FAILED: no Archer library beside clang ($archer): install libomp-dev"
        exit 1
    fi
    export OMP_TOOL_LIBRARIES="$archer" ARCHER_OPTIONS=verbose=1
    # any report fails the suite; history_size keeps enough of each
    # thread's past that the other stack of a race can still be shown
    # (TSan drops a report it cannot show)
    export TSAN_OPTIONS=halt_on_error=1:exitcode=66:ignore_noninstrumented_modules=1:history_size=7
    export CK_FORK=no
    # Only suites that start threads: every other suite runs on one thread
    # and no parallel GEMM, where TSan has nothing to check (test_gemm's
    # thread test shares a case with its slow reference products, minutes
    # under TSan; test_threads covers the parallel driver instead).
    tsan_tests="tests/test_threads"
    make_args=(TESTS="$tsan_tests" check_PROGRAMS="$tsan_tests")
fi
echo "== building ($dir/)"
nb_build "$dir" CFLAGS="$cflags" LDFLAGS="$ldflags" "${extra[@]}"
echo "== make check ($dir/)"
status=0
make -C "$NB_TOP/$dir" -j"$NB_JOBS" -s check "${make_args[@]}" >/dev/null 2>&1 || status=$?
nb_print_results "$NB_TOP/$dir"
if [ "${1:-}" = "--tsan" ] && [ "$status" -eq 0 ] &&
    ! grep -q "Archer detected OpenMP application with TSan" "$NB_TOP/$dir/tests/test_threads.log"; then
    echo "== FAILED: Archer did not start, so TSan could not see OpenMP's synchronisation"
    exit 1
fi
if [ "$status" -ne 0 ]; then
    echo "== FAILED: see $dir/test-suite.log"
    cat "$NB_TOP/$dir/test-suite.log" 2>/dev/null | head -200
    exit "$status"
fi
echo "== all tests passed ($dir/)"
