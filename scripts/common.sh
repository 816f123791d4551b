# Shared by scripts/demo.sh and scripts/test.sh: install what is missing
# (Debian, as root), then configure and build out of tree.  Both steps are
# skipped when already done, so a second run is fast.

NB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Packages the build, the tests and the demo need.
NB_PACKAGES="build-essential autoconf automake libtool pkg-config check uthash-dev zlib1g-dev
libopenblas-dev dataset-fashion-mnist graphviz python3 python3-torch"

nb_install_missing() {
    local missing=()
    for p in $NB_PACKAGES; do
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
    fi
    make -C "$dir" -j"$(nproc)" -s >/dev/null
}
