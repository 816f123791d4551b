# src/io: data loaders, normalisation, splits, minibatches and tensor files
libnabla_impl_la_SOURCES += \
	src/io/csv.c \
	src/io/idx.c \
	src/io/normalize.c \
	src/io/split.c \
	src/io/batch.c src/io/batch.h \
	src/io/tensor_file.c src/io/tensor_file.h \
	src/io/tensor_file_internal.h \
	src/io/io_util.h

if HAVE_CHECK
IO_TEST_CFLAGS = $(TEST_CFLAGS) -DNB_IO_TEST_DIR='"$(abs_top_srcdir)/tests/data"'
check_PROGRAMS += tests/test_io_csv tests/test_io_idx tests/test_io_normalize tests/test_io_tensor_file
TESTS += tests/test_io_csv tests/test_io_idx tests/test_io_normalize tests/test_io_tensor_file
tests_test_io_csv_CFLAGS = $(IO_TEST_CFLAGS)
tests_test_io_idx_CFLAGS = $(IO_TEST_CFLAGS)
tests_test_io_normalize_CFLAGS = $(IO_TEST_CFLAGS)
tests_test_io_tensor_file_CFLAGS = $(IO_TEST_CFLAGS)
# allocation failures are injected into library code (tests/test_io_tensor_file.c)
tests_test_io_tensor_file_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc
endif
EXTRA_DIST += tests/data
