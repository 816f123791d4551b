# src/optim: optimizers (update rules over a model's flat buffers) and
# subnormal control.  Its tests are in tests/local.mk, its public header in
# include/local.mk.
libnabla_impl_la_SOURCES += \
	src/optim/optim_internal.h \
	src/optim/ftz.c \
	src/optim/optim.c \
	src/optim/sgd.c \
	src/optim/adam.c \
	src/optim/rmsprop.c \
	src/optim/rprop.c
