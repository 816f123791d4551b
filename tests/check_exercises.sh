#!/bin/sh
# The exercises' grader (exercises/grade.c) graded itself: the reference
# solutions must pass (exit 0, "right"), and each deliberately wrong
# solution must fail (exit 1) with a message saying where it is wrong:
# which input, which entry, its value and the numeric one.  The students'
# own graders must run and answer 0 or 1 (a stub says "not written yet").
# Run from the build folder (make check).
set -u
status=0
work=$(mktemp -d "${TMPDIR:-/tmp}/check_exercises.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT

# grade PROGRAM WANTED_STATUS PATTERN...: each pattern (grep -E) must match
# a line of the output
grade() {
    prog=$1 want=$2
    shift 2
    if [ ! -x "$prog" ]; then
        echo "check_exercises: $prog was not built"; status=1; return
    fi
    "$prog" > "$work/out" 2>&1
    got=$?
    if [ "$got" != "$want" ]; then
        echo "check_exercises: $prog exited $got, expected $want; it printed:"
        cat "$work/out"; status=1; return
    fi
    for pat in "$@"; do
        if ! grep -Eq -- "$pat" "$work/out"; then
            echo "check_exercises: $prog did not print a line matching '$pat'; it printed:"
            cat "$work/out"; status=1; return
        fi
    done
    echo "check_exercises: $prog exited $got as expected"
}

num='-?[0-9][0-9.e+-]*'
for e in softplus layer_norm bp_layer; do
    grade "exercises/solutions/grade_$e" 0 "^$e: right\$" \
        '^first order' '^second order' 'right, all [0-9]+ entries agree'
done

grade tests/exercises/grade_softplus_sign 1 '^softplus: WRONG$' \
    "dy/dx \\(3x4\\): WRONG, 12 of 144 entries differ; worst at x\\[[0-9],[0-9]\\] \\(dy\\[[0-9],[0-9]\\]/dx\\[[0-9],[0-9]\\]\\): yours $num, numeric $num" \
    'fix the backward in exercises/softplus.c'
grade tests/exercises/grade_softplus_loops 1 '^softplus: WRONG$' \
    'dy/dx \(3x4\): right' '^second order' \
    "WRONG, [0-9]+ of [0-9]+ entries differ; worst: d/dx\\[[0-9],[0-9]\\] of \\(v \\. dy/dx\\)\\[[0-9],[0-9]\\]: yours 0, numeric $num" \
    'with nabla ops'
grade tests/exercises/grade_layer_norm_no_mean 1 '^layer_norm: WRONG$' \
    "dy/dx \\(3x5\\): WRONG, [0-9]+ of 225 entries differ; worst at x\\[[0-9],[0-9]\\] \\(dy\\[[0-9],[0-9]\\]/dx\\[[0-9],[0-9]\\]\\): yours $num, numeric $num" \
    'dy/dg \(5\): right' 'dy/db \(5\): right'
grade tests/exercises/grade_layer_norm_no_gain 1 '^layer_norm: WRONG$' \
    "dy/dx \\(3x5\\): WRONG, [0-9]+ of 225 entries differ" 'dy/dg \(5\): right'
grade tests/exercises/grade_bp_layer_no_tanh 1 '^bp_layer: WRONG$' \
    "dy/dx \\(4x3\\): WRONG, [0-9]+ of 96 entries differ; worst at x\\[[0-9],[0-9]\\] \\(dy\\[[0-9],[0-9]\\]/dx\\[[0-9],[0-9]\\]\\): yours $num, numeric $num" \
    "dy/dW \\(3x2\\): WRONG" "dy/db \\(2\\): WRONG"
grade tests/exercises/grade_bp_layer_transposed 1 '^bp_layer: WRONG$' \
    'dy/dx \(4x3\): right' 'dy/db \(2\): right' \
    "dy/dW: your backward failed: backward of 'bp_layer' .* gave a f64 2x3 gradient for input 2 of f64 3x2"

# the students' graders: right, wrong or not written yet, never a crash
for e in softplus layer_norm bp_layer; do
    prog=exercises/grade_$e
    "$prog" > "$work/out" 2>&1
    got=$?
    case $got in
    0|1) echo "check_exercises: $prog answered ($(tail -n 1 "$work/out"))" ;;
    *) echo "check_exercises: $prog exited $got:"; cat "$work/out"; status=1 ;;
    esac
done
exit $status
