#!/bin/sh
# The README's first program, as a reader copies it: compiled as C11 and, when
# a C++ compiler is there, as C++, linked against the library just built, run,
# and its printed gradient compared with the formula beside it:
# dy/dw = x (1 - tanh^2(w x)) at x = (0.5, -1), w = (2, 3).
# Environment (from tests/local.mk): NB_SRCDIR, NB_CC, NB_CFLAGS, NB_LIBTOOL.
set -u
src=${NB_SRCDIR:-$(dirname "$0")/..}
work=$(mktemp -d "${TMPDIR:-/tmp}/check_readme.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
awk '/^## A first program/ { s = 1 } s && /^```c/ { f = 1; next } f && /^```/ { exit } f' \
    "$src/README.md" > "$work/first.c"
[ -s "$work/first.c" ] || { echo "check_readme: no C program under '## A first program' in README.md"; exit 1; }
want='0.209987 -0.00986604'
status=0
run() { # LANGUAGE COMPILER FLAGS...
    lang=$1; shift
    if ! ${NB_LIBTOOL:-./libtool} --mode=link --tag=CC "$@" -I"$src/include" "$work/first.c" -x none \
           libnabla.la -o "$work/first_$lang" > "$work/build_$lang.log" 2>&1; then
        echo "check_readme: the README's first program does not compile as $lang:"
        cat "$work/build_$lang.log"
        status=1
        return
    fi
    # "tensor(f64, 2) [0.209987, -0.00986604]": the two values in the brackets
    got=$("$work/first_$lang" | sed -n 's/.*\[\(.*\)\].*/\1/p' | tr ',' ' ' |
          awk '{ printf "%.6g %.6g", $1, $2 }')
    if [ "$got" = "$want" ]; then
        echo "check_readme: the first program compiles as $lang and prints dy/dw = $got"
    else
        echo "check_readme: as $lang it printed '$got', expected '$want'"
        status=1
    fi
}
run C ${NB_CC:-cc} -std=c11 ${NB_CFLAGS:-}
cxx=${CXX:-g++}
if command -v "$cxx" > /dev/null 2>&1; then
    run C++ "$cxx" -x c++ ${NB_CFLAGS:-}
else
    echo "check_readme: no C++ compiler ($cxx), C++ not checked"
fi
exit $status
