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
exit $status
