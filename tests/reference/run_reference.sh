# Sourced by the reference tests: nb_run_reference MODULE DUMP SCRIPT runs
# the C program DUMP (built in tests/reference), hands its JSON to the Python
# SCRIPT (beside this file) with an interpreter that can import MODULE, and
# exits with SCRIPT's status; without such a Python it skips (exit 77).
# Set PYTHON to choose the interpreter.
nb_run_reference() {
    module=$1 dump_name=$2 script=$3
    here=$(dirname "$0")
    src=${srcdir:-.}/tests/reference
    [ -f "$src/$script" ] || src=$here
    dump=./tests/reference/$dump_name
    [ -x "$dump" ] || dump=$here/$dump_name
    py=
    for cand in "${PYTHON:-}" python3 python /usr/bin/python3 /usr/local/bin/python3; do
        [ -n "$cand" ] || continue
        if "$cand" -c "import $module" >/dev/null 2>&1; then
            py=$cand
            break
        fi
    done
    if [ -z "$py" ]; then
        echo "SKIP: no python with $module found (set PYTHON to one)"
        exit 77
    fi
    out=${TMPDIR:-/tmp}/$dump_name.$$.json
    trap 'rm -f "$out"' EXIT INT TERM
    "$dump" >"$out" || { echo "FAIL: $dump_name failed"; exit 1; }
    "$py" "$src/$script" "$out"
    exit $?
}
