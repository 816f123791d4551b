#!/bin/sh
# Smoke test of the Fashion-MNIST demo: a few seconds on a subset, still
# asserting accuracy well above chance, save/reload equality and the f64
# gradient check.  The demo exits 77 (skip) when the data set is absent.
# One thread: `make check` runs tests side by side, and a thread team whose
# cores are taken by other tests waits far longer than it saves.
exec ./examples/fashion_mnist --quick --threads 1 --out fashion_mnist_quick.nbt "$@"
