# src/optim: optimizers, subnormal control, the training loop
libnabla_impl_la_SOURCES += \
	src/optim/optim_internal.h \
	src/optim/train_internal.h \
	src/optim/ftz.c \
	src/optim/optim.c \
	src/optim/sgd.c \
	src/optim/adam.c \
	src/optim/rmsprop.c \
	src/optim/rprop.c \
	src/optim/evaluate.c \
	src/optim/progress.c \
	src/optim/train.c

if HAVE_CHECK
check_PROGRAMS += tests/test_optim tests/test_train tests/test_progress
TESTS += tests/test_optim tests/test_train tests/test_progress
# count every malloc made by library code linked into the test
tests_test_train_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
endif
