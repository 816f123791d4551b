# src/train: the training loop, evaluation and progress output
libnabla_impl_la_SOURCES += \
	src/train/train_internal.h \
	src/train/evaluate.c \
	src/train/progress.c \
	src/train/train.c
nabla_include_HEADERS += include/nabla/train.h

if HAVE_CHECK
check_PROGRAMS += tests/test_train tests/test_progress
TESTS += tests/test_train tests/test_progress
# count every malloc made by library code linked into the test
tests_test_train_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
endif
