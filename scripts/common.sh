# Shared by scripts/demo.sh and scripts/test.sh: install what is missing
# (Debian, as root), then configure and build out of tree.  Both steps are
# skipped when already done, so a second run is fast.
# Environment: JOBS=N runs make with N jobs (default: the number of CPUs).

NB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Packages the build needs; the demo and the tests each add their own.
NB_BUILD_PACKAGES="build-essential autoconf automake libtool pkg-config uthash-dev zlib1g-dev
libopenblas-dev"
# The demo: the build and its data sets (python3-sklearn ships MATLAB's
# example sets as CSV: the Boston housing data of examples/house_lm).
NB_DEMO_PACKAGES="$NB_BUILD_PACKAGES dataset-fashion-mnist python3-sklearn openmpi-bin libopenmpi-dev"
# The tests: Check, the data the example smoke tests read (Fashion-MNIST,
# python3-sklearn's CSV sets), Graphviz for the DOT test, chromium for the
# browser test of the backward-pass page, PyTorch for the float64 reference
# comparison, Open MPI for the distributed module (configure picks it up;
# tests/check_mpi.sh), and PLplot with its cairo driver for the training
# plots (nabla/plot.h: SVG, and PNG through cairo).
NB_TEST_PACKAGES="$NB_BUILD_PACKAGES check chromium dataset-fashion-mnist graphviz python3 python3-torch
python3-sklearn openmpi-bin libopenmpi-dev libplplot-dev plplot-driver-cairo"

# nb_install_missing PACKAGE...: apt-get install those not installed yet.
nb_install_missing() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "== installing: ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

NB_JOBS=${JOBS:-$(nproc)}
case $NB_JOBS in
'' | *[!0-9]* | 0) echo "JOBS must be a positive number of make jobs (got '$NB_JOBS')" >&2; exit 2 ;;
esac

# nb_srcdir DIR: the source tree to configure DIR from.  Normally the
# checkout itself; but once someone ran ./configure in the checkout,
# autoconf refuses every out-of-tree build from it ("source directory
# already configured"), so DIR then gets its own copy of the sources
# (DIR/src-copy, refreshed on each run; the checkout's build is untouched).
nb_srcdir() {
    local dir=$1
    if [ ! -f "$NB_TOP/config.status" ]; then
        printf '%s\n' "$NB_TOP"
        return
    fi
    local copy="$dir/src-copy"
    mkdir -p "$copy"
    if git -C "$NB_TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        # tracked and new files, as they are in the checkout now
        (cd "$NB_TOP" && git ls-files -z --cached --others --exclude-standard) |
            (cd "$NB_TOP" && xargs -0 cp --parents -p -u -t "$copy" 2>/dev/null) || true
    else
        tar -C "$NB_TOP" --exclude='./build*' --exclude='*.o' --exclude='*.lo' --exclude='.libs' \
            --exclude='config.status' --exclude='config.log' --exclude='Makefile' -cf - . |
            tar -C "$copy" -xf -
    fi
    rm -f "$copy/config.status" "$copy/config.h" "$copy/Makefile"
    printf '%s\n' "$copy"
}

# nb_build DIR [configure args...]: configure (once) and build in $NB_TOP/DIR.
nb_build() {
    local dir="$NB_TOP/$1"
    shift
    mkdir -p "$dir"
    local src
    src=$(nb_srcdir "$dir")
    [ -x "$src/configure" ] || (cd "$src" && autoreconf -fi >/dev/null)
    if [ ! -f "$dir/Makefile" ]; then
        (cd "$dir" && "$src/configure" -q "$@")
    elif command -v mpicc >/dev/null && grep -q '^MPI_LIBS = *$' "$dir/Makefile" &&
        ! grep -q -- '--with-mpi=no' "$dir/config.status"; then
        # configured before Open MPI was installed: again, so MPI is picked up
        (cd "$dir" && ./config.status --recheck >/dev/null && ./config.status >/dev/null)
    fi
    make -C "$dir" -j"$NB_JOBS" -s >/dev/null
}

# nb_print_results BUILDDIR: one line per test of the last `make check` in
# BUILDDIR (result, name, and a Check suite's summary line such as
# "100%: Checks: N, Failures: 0, Errors: 0"), then automake's totals.
# Only the unpacked tree of `make distcheck` (BUILDDIR/nabla-VERSION) is
# skipped, wherever BUILDDIR itself lies.
nb_print_results() {
    local dir=$1 trs log name summary result
    while IFS= read -r trs; do
        log=${trs%.trs}.log
        name=${trs#"$dir/"}
        summary=$(grep -h -E '^[0-9]+%: Checks: |cases matched PyTorch|functions, all wrapped|check_no_exit: libnabla links|check_scripts: results listed' "$log" 2>/dev/null || true)
        result=$(sed -n 's/^:test-result: //p' "$trs" | head -1)
        printf '%-6s %-40s %s\n' "$result" "${name%.trs}" "$summary"
    done < <(find "$dir" -path "$dir/nabla-*" -prune -o -name '*.trs' -print | sort)
    grep -h -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$dir/test-suite.log" 2>/dev/null || true
}
