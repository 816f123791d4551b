#!/bin/sh
# `make install DESTDIR=...` puts the docs in share/doc/nabla, every
# example's source with a Makefile beside them, the bundled data in
# share/nabla and the program with its man page (which names those
# folders); then every installed example is built with that Makefile
# against the DESTDIR install through pkg-config, and iris, bp_by_hand,
# residual (the installed iris.csv) and cancer_scg (python3-sklearn's data;
# SKIP without it) are run.
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
# every example of the source tree is installed, with the Makefile
src=${NB_SRCDIR:-$(dirname "$0")/..}
have "$ex/Makefile"
n_src=0
for f in "$src"/examples/*.c "$src"/examples/*.h; do
    n_src=$((n_src + 1))
    have "$ex/$(basename "$f")"
done
[ "$n_src" -ge 20 ] && ok || bad "only $n_src example sources found in $src/examples"
# and the installed Makefile builds each program (fashion_mnist_mpi aside:
# it needs mpicc)
progs=$(sed -n '/^PROGRAMS = /,/[^\\]$/p' "$dest$ex/Makefile" | tr -d '\\' | sed 's/^PROGRAMS = //')
for f in "$src"/examples/*.c; do
    p=$(basename "$f" .c)
    case " $(echo $progs) fashion_mnist_mpi sklearn_data " in
    *" $p "*) ok ;;
    *) bad "the installed Makefile does not build $p" ;;
    esac
done
have "$share/iris.csv"
have "$share/README.md"
have "$NB_BINDIR/nabla"
have "$NB_MANDIR/man1/nabla.1"
sed 's/\\-/-/g; s/\\%//g' "$dest$NB_MANDIR/man1/nabla.1" 2>/dev/null | grep -qF "$share/iris.csv" && ok ||
    bad "the man page does not name $share/iris.csv"
sed 's/\\-/-/g; s/\\%//g' "$dest$NB_MANDIR/man1/nabla.1" 2>/dev/null | grep -qF "$doc/file-format.md" &&
    ok || bad "the man page does not name $doc/file-format.md"
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
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $make_cmd -C "$tmp/examples" -s all \
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
# a newer one, the residual MLP, reads the installed iris.csv too
if [ -x "$tmp/examples/residual" ]; then
    if (cd "$tmp" && env -u NB_TEST_DATA_DIR LD_LIBRARY_PATH="$dest$NB_LIBDIR" \
        ./examples/residual > residual.out 2>&1); then
        grep -q "^test accuracy .*target >= 0.90: met" "$tmp/residual.out" && ok ||
            bad "residual printed no test accuracy"
    else
        bad "the installed residual example failed:"; tail -5 "$tmp/residual.out"
    fi
fi
# the patternnet example with the installed scikit-learn reader: runs where
# python3-sklearn's breast_cancer.csv is, else skips (77) saying so
if [ -x "$tmp/examples/cancer_scg" ]; then
    (cd "$tmp" && LD_LIBRARY_PATH="$dest$NB_LIBDIR" ./examples/cancer_scg > cancer.out 2>&1)
    rc=$?
    if [ "$rc" -eq 0 ]; then
        grep -q "test accuracy" "$tmp/cancer.out" && ok || bad "cancer_scg printed no accuracy"
    elif [ "$rc" -eq 77 ]; then
        echo "SKIP: check_install: cancer_scg: $(tail -1 "$tmp/cancer.out")"
    else
        bad "the installed cancer_scg example failed:"; tail -5 "$tmp/cancer.out"
    fi
fi
# the installed program runs against the installed library
LD_LIBRARY_PATH="$dest$NB_LIBDIR" "$dest$NB_BINDIR/nabla" --version | grep -q '^nabla ' &&
    ok || bad "the installed nabla does not run"
echo "check_install: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
