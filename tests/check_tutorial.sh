#!/bin/sh
# The tutorials' output blocks are what the programs print.  In
# docs/tutorial.md and docs/tutorial.zh.md, a fenced block without a language
# is output, and the line before it says which command printed it:
#   <!-- output: examples/chain_rule -->
# The command runs in a scratch folder, its first word a program of the build
# folder (the rest is shell: arguments, `> /dev/null && cat file.dot`).  A line
# `...` in the block stands for any number of lines.  A ```c block after
#   <!-- code: examples/anomaly.c 14-27 -->
# must be those lines of the source file.  The tutorials were pasted from a
# build folder beside the sources, so the sources' path in the output is
# written `../` whatever it is here.  Run from the build folder (make check).
# Environment: NB_TUTORIAL_SRCDIR (absolute), NB_TUTORIAL_TOP_SRCDIR (as the
# compiler saw it).
set -u
src=${NB_TUTORIAL_SRCDIR:-$(dirname "$0")/..}
top=${NB_TUTORIAL_TOP_SRCDIR:-..}
build=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/check_tutorial.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
status=0
# examples/chain_rule prints "rendered chain_rule.svg" only when dot runs
if ! command -v dot > /dev/null 2>&1; then
    echo "check_tutorial: skipped: Graphviz's dot is not installed (the tutorial shows a run with it)"
    exit 77
fi

# match EXPECTED ACTUAL: every line equal, `...` (alone on its line, spaces
# around allowed) matching any run of lines; exit 0 when they match, else
# print the first expected line that could not be matched
match() {
    awk -v exp_file="$1" '
        BEGIN { m = 0; while ((getline l < exp_file) > 0) E[++m] = l }
        { A[++n] = $0 }
        function skip(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s == "..." }
        END {
            pos = 1; i = 1
            while (i <= m) {
                loose = 0
                while (i <= m && skip(E[i])) { loose = 1; i++ }
                if (i > m) { pos = n + 1; break }
                j = i; while (j <= m && !skip(E[j])) j++
                len = j - i
                if (!loose) {
                    for (k = 0; k < len; k++)
                        if (pos + k > n || A[pos + k] != E[i + k]) {
                            printf "  expected line: %s\n  printed line:  %s\n", E[i + k], (pos + k <= n ? A[pos + k] : "(end of output)")
                            exit 1
                        }
                    pos += len
                } else {
                    last = j > m
                    found = 0
                    for (p = (last ? n - len + 1 : pos); p >= pos && p + len - 1 <= n && !found; p++) {
                        ok = 1
                        for (k = 0; k < len && ok; k++) if (A[p + k] != E[i + k]) ok = 0
                        if (ok) { found = 1; pos = p + len }
                        if (last) break
                    }
                    if (!found) { printf "  expected, after a gap: %s\n", E[i]; exit 1 }
                }
                i = j
            }
            if (pos <= n) { printf "  printed more lines than shown, from: %s\n", A[pos]; exit 1 }
        }' "$2"
}

for doc in docs/tutorial.md docs/tutorial.zh.md; do
    [ -f "$src/$doc" ] || { echo "check_tutorial: $src/$doc is missing"; status=1; continue; }
    rm -rf "$work/blocks" && mkdir "$work/blocks"
    # split the document into blocks: N.kind (output, code or bare), N.what, N.text
    awk -v dir="$work/blocks" '
        function flush() { close(dir "/" n ".text") }
        /^<!-- (output|code): .* -->$/ {
            want = $0; sub(/^<!-- /, "", want); sub(/ -->$/, "", want)
            pending = want; pending_line = NR; next
        }
        infence && /^```/ { infence = 0; flush(); next }
        infence { print > (dir "/" n ".text"); next }
        /^```/ {
            infence = 1; n++
            lang = substr($0, 4)
            kind = pending == "" ? (lang == "" ? "bare" : "") : (pending ~ /^output: / ? "output" : "code")
            what = pending; sub(/^(output|code): /, "", what)
            printf "%s\n", kind > (dir "/" n ".kind"); close(dir "/" n ".kind")
            printf "%s\n", what > (dir "/" n ".what"); close(dir "/" n ".what")
            printf "%d\n", NR > (dir "/" n ".line"); close(dir "/" n ".line")
            printf "" > (dir "/" n ".text")
            pending = ""; next
        }
        /^[ \t]*$/ { next }
        { pending = "" }' "$src/$doc"
    checked=0
    i=0
    while [ -e "$work/blocks/$((i + 1)).kind" ]; do
        i=$((i + 1))
        b=$work/blocks/$i
        kind_file=$b.kind
        kind=$(cat "$kind_file") what=$(cat "$b.what") line=$(cat "$b.line")
        case $kind in
        bare)
            echo "check_tutorial: $doc:$line: an output block without a '<!-- output: command -->' line before it"
            status=1 ;;
        output)
            rm -rf "$work/run" && mkdir "$work/run"
            (cd "$work/run" && eval "\"$build\"/$what") > "$work/printed" 2>&1
            if [ "$top" = "." ]; then
                sed 's#at \(examples\|exercises\)/#at ../\1/#g' "$work/printed" > "$work/printed.n"
            else
                sed "s#$top/\(examples\|exercises\)/#../\\1/#g" "$work/printed" > "$work/printed.n"
            fi
            if match "$b.text" "$work/printed.n" > "$work/why"; then
                checked=$((checked + 1))
            else
                echo "check_tutorial: $doc:$line: the block is not what '$what' prints:"
                cat "$work/why"; status=1
            fi ;;
        code)
            file=${what% *} range=${what##* }
            sed -n "${range%-*},${range#*-}p" "$src/$file" > "$work/quoted"
            if cmp -s "$work/quoted" "$b.text"; then
                checked=$((checked + 1))
            else
                echo "check_tutorial: $doc:$line: the block is not lines $range of $file:"
                diff "$b.text" "$work/quoted" | head -20; status=1
            fi ;;
        esac
    done
    echo "check_tutorial: $doc: $checked blocks match a run or the source"
done
exit $status
