#!/bin/sh
# Compare nabla's op values and gradients with PyTorch (float64), when a
# Python with torch is available; otherwise skip (exit 77).
. "$(dirname "$0")/run_reference.sh"
nb_run_reference torch nb_reference_dump compare_torch.py
