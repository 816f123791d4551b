# Shared by scripts/demo.sh and scripts/test.sh: install what is missing
# (Debian, as root), then configure and build out of tree.  Both steps are
# skipped when already done, so a second run is fast.

NB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Packages the build needs; the demo and the tests each add their own.
NB_BUILD_PACKAGES="build-essential autoconf automake libtool pkg-config uthash-dev zlib1g-dev
libopenblas-dev"
# The demo: the build and its data set.
NB_DEMO_PACKAGES="$NB_BUILD_PACKAGES dataset-fashion-mnist"
# The tests: Check, the data the example smoke tests read, Graphviz for the
# DOT test, PyTorch for the float64 reference comparison, and Open MPI for
# the distributed module (configure picks it up; tests/check_mpi.sh).
NB_TEST_PACKAGES="$NB_BUILD_PACKAGES check dataset-fashion-mnist graphviz python3 python3-torch
openmpi-bin libopenmpi-dev"

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

# nb_build DIR [configure args...]: configure (once) and build in $NB_TOP/DIR.
nb_build() {
    local dir="$NB_TOP/$1"
    shift
    [ -x "$NB_TOP/configure" ] || (cd "$NB_TOP" && autoreconf -fi >/dev/null)
    mkdir -p "$dir"
    if [ ! -f "$dir/Makefile" ]; then
        (cd "$dir" && "$NB_TOP/configure" -q "$@")
    elif command -v mpicc >/dev/null && grep -q '^MPI_LIBS = *$' "$dir/Makefile" &&
        ! grep -q -- '--with-mpi=no' "$dir/config.status"; then
        # configured before Open MPI was installed: again, so MPI is picked up
        (cd "$dir" && ./config.status --recheck >/dev/null && ./config.status >/dev/null)
    fi
    make -C "$dir" -j"$(nproc)" -s >/dev/null
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
