# tests: the core suites (other parts list their own suites in their fragments)
EXTRA_DIST += tests/test_util.h tests/malloc_count.h
if HAVE_CHECK
check_PROGRAMS += tests/test_tensor tests/test_arena tests/test_autograd
TESTS += tests/test_tensor tests/test_arena tests/test_autograd
# count every malloc made by library code linked into the test
tests_test_arena_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
# two user threads at once (scripts/test.sh --tsan runs it under ThreadSanitizer)
check_PROGRAMS += tests/test_threads
TESTS += tests/test_threads
tests_test_threads_CFLAGS = $(TEST_CFLAGS) -pthread -DNB_THREADS_DATA_DIR='"$(abs_top_srcdir)/data"'
tests_test_threads_LDFLAGS = -pthread
endif
# the library never ends its host program (exit/abort/assert)
TESTS += tests/check_no_exit.sh
EXTRA_DIST += tests/check_no_exit.sh
# scripts/test.sh lists the results wherever the checkout lies
TESTS += tests/check_scripts.sh
EXTRA_DIST += tests/check_scripts.sh
EXTRA_DIST += tests/alloc_fail.h
if HAVE_CHECK
# the N-th allocation fails, for every N, through each path (tests/alloc_fail.h)
check_PROGRAMS += tests/test_alloc_fail
TESTS += tests/test_alloc_fail
tests_test_alloc_fail_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup \
	-Wl,--wrap=aligned_alloc,--wrap=free,--wrap=nb_arena_alloc,--wrap=nb__arena_alloc_aligned \
	-Wl,--wrap=inflateInit2_
endif
if HAVE_CHECK
# the misuse catalogue of docs/errors.md, one test per entry, compiled as user
# code (no NB_BUILDING_LIBRARY) so that messages carry call sites as users see them
ERRORS_TEST_CPPFLAGS = -I$(top_srcdir)/include
check_PROGRAMS += tests/test_errors_ops tests/test_errors_autograd tests/test_errors_io \
	tests/test_errors_train
TESTS += tests/test_errors_ops tests/test_errors_autograd tests/test_errors_io \
	tests/test_errors_train
tests_test_errors_ops_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_autograd_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_io_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_train_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
endif
EXTRA_DIST += tests/test_errors.h
# the distributed module under mpirun (a plain program: Check's forks do not
# mix with MPI); tests/check_mpi.sh skips when configured without MPI
TESTS += tests/check_mpi.sh
EXTRA_DIST += tests/check_mpi.sh tests/mpi_lsan.supp
AM_TESTS_ENVIRONMENT += NB_MPIRUN='$(MPIRUN)'; export NB_MPIRUN; \
  NB_MPI_LSAN_SUPP='$(abs_top_srcdir)/tests/mpi_lsan.supp'; export NB_MPI_LSAN_SUPP;
if HAVE_MPI
check_PROGRAMS += tests/test_dist_mpi
endif
if !HAVE_MPI
if HAVE_CHECK
# without MPI, nabla/dist.h's functions fail with 'built without MPI'
check_PROGRAMS += tests/test_dist_none
TESTS += tests/test_dist_none
endif
endif
