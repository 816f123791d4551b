# tests: the core suites (other parts list their own suites in their fragments)
EXTRA_DIST += tests/test_util.h tests/malloc_count.h
if HAVE_CHECK
check_PROGRAMS += tests/test_tensor tests/test_arena tests/test_autograd
TESTS += tests/test_tensor tests/test_arena tests/test_autograd
tests_test_tensor_SOURCES = tests/test_tensor.c tests/test_util.h
tests_test_tensor_CFLAGS = $(TEST_CFLAGS)
tests_test_tensor_LDADD = $(TEST_LDADD)
tests_test_arena_SOURCES = tests/test_arena.c tests/test_util.h
tests_test_arena_CFLAGS = $(TEST_CFLAGS)
tests_test_arena_LDADD = $(TEST_LDADD)
# count every malloc made by library code linked into the test
tests_test_arena_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
tests_test_autograd_SOURCES = tests/test_autograd.c tests/test_util.h
tests_test_autograd_CFLAGS = $(TEST_CFLAGS)
tests_test_autograd_LDADD = $(TEST_LDADD)
endif
