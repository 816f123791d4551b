#!/usr/bin/env bash
# Install what is missing, build nabla, and run the main demo: a BP network
# trained on Fashion-MNIST (examples/fashion_mnist.c; options: --help).
# Safe to run again: it skips what is done.
set -euo pipefail
. "$(dirname "$0")/common.sh"
nb_install_missing $NB_DEMO_PACKAGES
echo "== building (build/)"
nb_build build CFLAGS="-O2 -g"
make -C "$NB_TOP/build" -s examples/fashion_mnist >/dev/null
cd "$NB_TOP/build" # the demo writes its model file into the current folder
exec ./examples/fashion_mnist "$@"
