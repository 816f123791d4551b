#!/bin/sh
# Compare nabla's op values and gradients with PyTorch (float64), when a
# Python with torch is available; otherwise skip (exit 77).
# Set PYTHON to choose the interpreter.
here=$(dirname "$0")
src=${srcdir:-.}/tests/reference
[ -f "$src/compare_torch.py" ] || src=$here
dump=./tests/reference/nb_reference_dump
[ -x "$dump" ] || dump=$here/nb_reference_dump

py=
for cand in "${PYTHON:-}" python3 python /usr/bin/python3 /usr/local/bin/python3; do
    [ -n "$cand" ] || continue
    if "$cand" -c 'import torch' >/dev/null 2>&1; then
        py=$cand
        break
    fi
done
if [ -z "$py" ]; then
    echo "SKIP: no python with torch found (set PYTHON to one)"
    exit 77
fi

out=${TMPDIR:-/tmp}/nb_reference.$$.json
trap 'rm -f "$out"' EXIT INT TERM
"$dump" >"$out" || { echo "FAIL: nb_reference_dump failed"; exit 1; }
"$py" "$src/compare_torch.py" "$out"
