#!/bin/sh
# Compare nabla's trainlm, epoch by epoch, with an independent numpy
# implementation of the documented algorithm (lm_reference.py), when a
# Python with numpy is available; otherwise skip (exit 77).
# Set PYTHON to choose the interpreter.
here=$(dirname "$0")
src=${srcdir:-.}/tests/reference
[ -f "$src/lm_reference.py" ] || src=$here
dump=./tests/reference/nb_lm_dump
[ -x "$dump" ] || dump=$here/nb_lm_dump

py=
for cand in "${PYTHON:-}" python3 python /usr/bin/python3 /usr/local/bin/python3; do
    [ -n "$cand" ] || continue
    if "$cand" -c 'import numpy' >/dev/null 2>&1; then
        py=$cand
        break
    fi
done
if [ -z "$py" ]; then
    echo "SKIP: no python with numpy found (set PYTHON to one)"
    exit 77
fi

out=${TMPDIR:-/tmp}/nb_lm_reference.$$.json
trap 'rm -f "$out"' EXIT INT TERM
"$dump" >"$out" || { echo "FAIL: nb_lm_dump failed"; exit 1; }
"$py" "$src/lm_reference.py" "$out"
