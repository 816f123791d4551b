# src/optim: optimizers (update rules over a model's flat buffers) and
# subnormal control
libnabla_impl_la_SOURCES += \
	src/optim/optim_internal.h \
	src/optim/ftz.c \
	src/optim/optim.c \
	src/optim/sgd.c \
	src/optim/adam.c \
	src/optim/rmsprop.c \
	src/optim/rprop.c

if HAVE_CHECK
check_PROGRAMS += tests/test_optim
TESTS += tests/test_optim
endif
