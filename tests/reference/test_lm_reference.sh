#!/bin/sh
# Compare nabla's trainlm, epoch by epoch, with an independent numpy
# implementation of the documented algorithm (lm_reference.py), when a
# Python with numpy is available; otherwise skip (exit 77).
. "$(dirname "$0")/run_reference.sh"
nb_run_reference numpy nb_lm_dump lm_reference.py
