#!/bin/sh
# The distributed module under mpirun: tests/test_dist_mpi on 1, 2 and 4
# ranks (4 oversubscribed on a machine with fewer cores).  Skipped (77)
# when nabla was configured without MPI.  As root (CI machines), mpirun
# needs Open MPI's explicit consent.
if [ -z "$NB_MPIRUN" ] || [ ! -x tests/test_dist_mpi ]; then
    echo "SKIP: nabla was configured without MPI"
    exit 77
fi
if [ "$(id -u)" -eq 0 ]; then
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
fi
# Open MPI keeps some of its own set-up memory to the end: not ours to
# report (in a sanitizer build).  Its libraries have no frame pointers, so
# only the slow unwinder names them for the suppressions, and components
# stay loaded to be named at exit.
# (last: a later suppressions= replaces an earlier one, such as the suite's own)
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$NB_MPI_LSAN_SUPP"
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
OMPI_MCA_mca_base_component_disable_dlclose=1
export LSAN_OPTIONS ASAN_OPTIONS OMPI_MCA_mca_base_component_disable_dlclose
# the checkpoint-resume check writes into a folder of its own
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
for np in 1 2 4; do
    echo "== mpirun -np $np"
    # a bounded wait: a hung collective fails the test instead of CI
    timeout 120 "$NB_MPIRUN" --oversubscribe -np "$np" tests/test_dist_mpi --dir "$tmp" || {
        echo "FAIL: $np ranks (status $?)"
        status=1
    }
done
# Faults: rank 1 of 2 dies (SIGKILL) in its third epoch.  By default
# mpirun ends the job; with --enable-recovery the job goes on and rank 0's
# bounded collective (nb_dist_set_timeout(5)) must fail with its error.
echo "== a killed rank, mpirun's default"
out=$(timeout 60 "$NB_MPIRUN" --oversubscribe -np 2 tests/test_dist_mpi --kill 2>&1)
rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ]; then
    echo "$out"
    echo "FAIL: the job did not end with an error (status $rc)"
    status=1
fi
echo "== a killed rank, --enable-recovery: the survivor's timeout"
out=$(timeout 60 "$NB_MPIRUN" --enable-recovery --oversubscribe -np 2 tests/test_dist_mpi --kill 2>&1)
rc=$?
echo "$out" | grep 'rank 0: nb_dist_train returned'
if [ "$rc" -eq 124 ] || ! echo "$out" | grep -q 'rank 0: nb_dist_train returned -6: nb_dist_train: epoch .*no answer from the other ranks in 5 s'; then
    echo "$out"
    echo "FAIL: rank 0 did not stop with the timeout's error (status $rc)"
    status=1
fi
[ "$status" -eq 0 ] && echo "check_mpi: 1, 2 and 4 ranks agree with one process, resumed runs too"
exit "$status"
