#!/bin/sh
# `make install DESTDIR=...` puts the docs in share/doc/nabla, the examples'
# sources with their Makefile beside them, the bundled data in share/nabla
# and the program with its man page; then one installed example that reads
# the installed data is built with that Makefile against the DESTDIR
# install through pkg-config, and run.
set -u
top="${NB_BUILDDIR:-.}"
make_cmd="${NB_MAKE:-make}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
dest="$tmp/root"
fails=0 checks=0
ok() { checks=$((checks + 1)); }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
have() { [ -e "$dest$1" ] && ok || bad "not installed: $1"; }

# a make of its own: not the jobserver or the flags of the `make check`
# that runs this test
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $make_cmd -C "$top" -s install \
    DESTDIR="$dest" > "$tmp/install.log" 2>&1; then
    tail -20 "$tmp/install.log"
    echo "check_install: make install failed"
    exit 1
fi
doc="$NB_DOCDIR" ex="$NB_DOCDIR/examples" share="$NB_PKGDATADIR"
for f in README.md tutorial.md api-conventions.md file-format.md errors.md figures/chain_rule.svg; do
    have "$doc/$f"
done
for f in Makefile iris.c bp_by_hand.c xor.c train_loop.c; do have "$ex/$f"; done
have "$share/iris.csv"
have "$share/README.md"
have "$NB_BINDIR/nabla"
have "$NB_MANDIR/man1/nabla.1"
have "$NB_LIBDIR/pkgconfig/nabla.pc"
cmp -s "$dest$share/iris.csv" "${NB_TEST_DATA_DIR:-data}/iris.csv" && ok || bad "iris.csv differs"

# pkg-config finds the DESTDIR install through PKG_CONFIG_PATH, with the
# DESTDIR prepended to its paths by PKG_CONFIG_SYSROOT_DIR
PKG_CONFIG_PATH="$dest$NB_LIBDIR/pkgconfig"
PKG_CONFIG_SYSROOT_DIR="$dest"
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
got=$(PKG_CONFIG_SYSROOT_DIR= pkg-config --variable=pkgdatadir nabla)
[ "$got" = "$share" ] && ok || bad "nabla.pc's pkgdatadir is '$got', expected '$share'"
cp -R "$dest$ex" "$tmp/examples"
# the library's build flags (a sanitizer build needs them at link time too);
# the data folder is the DESTDIR one, as the installed one is not there yet
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $make_cmd -C "$tmp/examples" -s iris bp_by_hand \
    CC="${NB_CC:-cc}" CFLAGS="${NB_CFLAGS:--O2}" LDFLAGS="${NB_LDFLAGS:-}" \
    NB_DATA_DIR="$dest$share" > "$tmp/build.log" 2>&1; then
    ok
else
    bad "the installed examples do not build:"; tail -20 "$tmp/build.log"
fi
if [ -x "$tmp/examples/iris" ]; then
    # no NB_TEST_DATA_DIR: the example finds the data where it was installed
    if (cd "$tmp" && env -u NB_TEST_DATA_DIR LD_LIBRARY_PATH="$dest$NB_LIBDIR" \
        ./examples/iris > iris.out 2>&1); then
        grep -q "test accuracy" "$tmp/iris.out" && ok || bad "iris printed no test accuracy"
    else
        bad "the installed iris example failed:"; tail -5 "$tmp/iris.out"
    fi
    (cd "$tmp" && LD_LIBRARY_PATH="$dest$NB_LIBDIR" ./examples/bp_by_hand > bp.out 2>&1) &&
        ok || bad "the installed bp_by_hand example failed"
fi
# the installed program runs against the installed library
LD_LIBRARY_PATH="$dest$NB_LIBDIR" "$dest$NB_BINDIR/nabla" --version | grep -q '^nabla ' &&
    ok || bad "the installed nabla does not run"
echo "check_install: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
