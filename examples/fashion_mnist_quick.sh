#!/bin/sh
# Smoke test of the Fashion-MNIST demo: a few seconds on a subset, still
# asserting accuracy well above chance, save/reload equality and the f64
# gradient check.  The demo exits 77 (skip) when the data set is absent.
exec ./examples/fashion_mnist --quick --out fashion_mnist_quick.nbt "$@"
