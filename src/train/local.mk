# src/train: the training loop, evaluation and progress output
libnabla_impl_la_SOURCES += \
	src/train/train_internal.h \
	src/train/evaluate.c \
	src/train/progress.c \
	src/train/train.c
nabla_include_HEADERS += include/nabla/train.h
# Levenberg-Marquardt: trainlm, trainbr
libnabla_impl_la_SOURCES += src/train/lm_solve.c src/train/trainlm.c
nabla_include_HEADERS += include/nabla/train_lm.h

if HAVE_CHECK
check_PROGRAMS += tests/test_train tests/test_progress
TESTS += tests/test_train tests/test_progress
# count every malloc made by library code linked into the test
tests_test_train_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
endif
