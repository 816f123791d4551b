#!/usr/bin/env bash
# scripts/test.sh lists every test's result from the build folder, skipping
# only make distcheck's unpacked tree inside it.  Checked from a checkout
# whose own path contains "nabla-" (as ~/src/nabla-main would), which an
# earlier listing mistook for the distcheck tree, printing nothing.
set -u
top=${srcdir:-$(dirname "$0")/..}
. "$top/scripts/common.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nb-scripts.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
build="$tmp/nabla-main/build"
mkdir -p "$build/tests" "$build/nabla-0.1/_build/sub/tests"
printf ':test-result: PASS\n' >"$build/tests/test_one.trs"
printf 'Running suite(s): one\n100%%: Checks: 3, Failures: 0, Errors: 0\n' >"$build/tests/test_one.log"
printf ':test-result: PASS\n' >"$build/nabla-0.1/_build/sub/tests/test_one.trs"
printf '100%%: Checks: 99, Failures: 0, Errors: 0\n' >"$build/nabla-0.1/_build/sub/tests/test_one.log"
printf '# TOTAL: 1\n# PASS:  1\n' >"$build/test-suite.log"
out=$(nb_print_results "$build")
status=0
case "$out" in
*"PASS   tests/test_one"*"100%: Checks: 3, Failures: 0, Errors: 0"*) ;;
*) echo "check_scripts: the suite's line is missing from:"; echo "$out"; status=1 ;;
esac
case "$out" in
*"Checks: 99"*) echo "check_scripts: the distcheck tree was listed:"; echo "$out"; status=1 ;;
esac
case "$out" in
*"# TOTAL: 1"*) ;;
*) echo "check_scripts: automake's totals are missing"; status=1 ;;
esac
[ $status -eq 0 ] && echo "check_scripts: results listed from a checkout under nabla-main, distcheck tree skipped"

# JOBS= must be a positive number: anything else stops the scripts with
# status 2 and says so, before any make runs.
out=$(JOBS=x bash -c ". '$top/scripts/common.sh'" 2>&1)
rc=$?
if [ $rc -ne 2 ] || [ "$out" != "JOBS must be a positive number of make jobs (got 'x')" ]; then
    echo "check_scripts: JOBS=x gave status $rc and: $out"
    status=1
else
    echo "check_scripts: JOBS=x refused with status 2"
fi

# Without Doxygen, 'make doc' says what to install instead of "No rule to
# make target" (checked in the build folder that runs this suite, when its
# configure found no Doxygen).
if [ -n "${NB_BUILDDIR:-}" ] && [ -f "$NB_BUILDDIR/Makefile" ]; then
    if grep -q '^DOXYGEN = *$' "$NB_BUILDDIR/Makefile"; then
        out=$(${NB_MAKE:-make} -s -C "$NB_BUILDDIR" doc 2>&1)
        rc=$?
        case "$rc:$out" in
        0:*) echo "check_scripts: make doc without Doxygen succeeded"; status=1 ;;
        *"Doxygen was not found when configure ran; install it (Debian: apt-get install doxygen)"*)
            echo "check_scripts: make doc without Doxygen says what to install" ;;
        *) echo "check_scripts: make doc without Doxygen printed: $out"; status=1 ;;
        esac
    else
        echo "check_scripts: SKIP the make doc check (this build found Doxygen)"
    fi
fi
exit $status
