#!/bin/sh
# An SVG bar chart of the ratios in the table bench/compare.sh writes
# (NB_TABLE=FILE): one group of bars per row, one bar per peer column
# ("nabla/..."), the bar's length the median ratio on a log2 scale from 1,
# so that 2x faster and 2x slower are as long; the [min-max] of the
# repetitions is drawn as a thin line across the bar's end.  Cells that are
# not ratios (FAIL, skipped, -) get no bar; FAIL is written in their place.
#
# Usage: bench/chart.sh TABLE.md > chart.svg   (plain sh and awk)
set -u
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: bench/chart.sh TABLE.md > chart.svg (TABLE.md: NB_TABLE's file of bench/compare.sh)" >&2; exit 2; }

awk -F '|' '
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
function lg(v) { return log(v) / log(2) }
# the header names the columns: "nabla/PEER" ones hold ratios
!have_head && /^\| *workload *\|/ {
    for (i = 2; i < NF; i++) {
        h = trim($i)
        if (h ~ /^nabla\//) { np++; col[np] = i; peer[np] = substr(h, 7) }
        if (h == "threads") tcol = i
    }
    have_head = 1
    next
}
have_head && /^\|---/ { next }
have_head && /^\| / {
    nr++
    label[nr] = trim($2) (tcol && trim($tcol) != "1" ? " (" trim($tcol) " threads)" : "")
    for (p = 1; p <= np; p++) {
        c = trim($(col[p]))
        val[nr, p] = ""; lo[nr, p] = ""; hi[nr, p] = ""; note[nr, p] = ""
        if (match(c, /^[0-9.]+x/)) {
            v = substr(c, 1, RLENGTH - 1) + 0
            if (v <= 0) continue
            val[nr, p] = v
            if (match(c, /\[[0-9.]+-[0-9.]+\]/)) {
                split(substr(c, RSTART + 1, RLENGTH - 2), mm, "-")
                lo[nr, p] = mm[1] + 0; hi[nr, p] = mm[2] + 0
            }
            if (v < vmin) vmin = v
            if (v > vmax) vmax = v
            if (hi[nr, p] != "" && hi[nr, p] > vmax) vmax = hi[nr, p]
            if (lo[nr, p] != "" && lo[nr, p] > 0 && lo[nr, p] < vmin) vmin = lo[nr, p]
        } else if (c == "FAIL") {
            note[nr, p] = "FAIL"
        }
    }
    next
}
BEGIN { vmin = 1; vmax = 1 }
END {
    if (!nr || !np) { print "chart.sh: no table rows with ratio columns found" > "/dev/stderr"; exit 1 }
    # the scale: whole powers of two around every ratio, 1 included
    e0 = int(lg(vmin)); if (lg(vmin) < e0) e0--
    if (e0 > -1) e0 = -1
    e1 = int(lg(vmax)); if (lg(vmax) > e1) e1++
    if (e1 < 1) e1 = 1
    left = 190; width = 520; bar = 12; gap = 4; top = 56
    group = np * (bar + gap) + 14
    height = top + nr * group + 40
    x1 = left + width * (0 - e0) / (e1 - e0)    # where the ratio is 1
    split("#4e79a7 #f28e2b #59a14f #e15759 #b07aa1 #76b7b2", colour, " ")
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n", left + width + 60, height
    printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
    printf "<text x=\"%d\" y=\"18\" font-size=\"14\">nabla / peer, speed ratio (log scale; right of 1: nabla faster)</text>\n", 10
    for (p = 1; p <= np; p++) {
        printf "<rect x=\"%d\" y=\"28\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"37\">%s</text>\n",
               10 + (p - 1) * 150, colour[(p - 1) % 6 + 1], 24 + (p - 1) * 150, esc(peer[p])
    }
    for (e = e0; e <= e1; e++) {
        x = left + width * (e - e0) / (e1 - e0)
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>\n", x, top - 6, x, height - 30, e == 0 ? "black" : "#ddd"
        printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%gx</text>\n", x, height - 16, 2 ^ e
    }
    for (r = 1; r <= nr; r++) {
        y = top + (r - 1) * group
        printf "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 8, y + group / 2, esc(label[r])
        for (p = 1; p <= np; p++) {
            yb = y + (p - 1) * (bar + gap)
            if (val[r, p] == "") {
                if (note[r, p] != "")
                    printf "<text x=\"%.1f\" y=\"%d\" fill=\"#c00\">%s (%s)</text>\n", x1 + 4, yb + bar - 2, note[r, p], esc(peer[p])
                continue
            }
            xv = left + width * (lg(val[r, p]) - e0) / (e1 - e0)
            xa = xv < x1 ? xv : x1; w = xv < x1 ? x1 - xv : xv - x1
            printf "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s: %gx</title></rect>\n",
                   xa, yb, w, bar, colour[(p - 1) % 6 + 1], esc(label[r] " vs " peer[p]), val[r, p]
            if (lo[r, p] != "" && lo[r, p] > 0) {
                xl = left + width * (lg(lo[r, p]) - e0) / (e1 - e0)
                xh = left + width * (lg(hi[r, p]) - e0) / (e1 - e0)
                printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>\n", xl, yb + bar / 2, xh, yb + bar / 2
            }
            printf "<text x=\"%.1f\" y=\"%d\"%s>%.2fx</text>\n", (xv < x1 ? xa - 4 : xv + 4), yb + bar - 2,
                   xv < x1 ? " text-anchor=\"end\"" : "", val[r, p]
        }
    }
    print "</svg>"
}' "$1"
