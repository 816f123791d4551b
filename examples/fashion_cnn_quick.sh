#!/bin/sh
# Smoke test of the CNN example: two epochs on 400 images, still asserting
# accuracy well above chance, save/reload equality and the f64 gradient
# check.  The example exits 77 (skip) when the data set is absent.  One
# thread, as `make check` runs tests side by side.
exec ./examples/fashion_cnn --quick --threads 1 --out fashion_cnn_quick.nbt "$@"
