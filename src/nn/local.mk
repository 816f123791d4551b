# src/nn: models, layers, transfer functions, initialisers, losses
libnabla_impl_la_SOURCES += \
	src/nn/nn_internal.h \
	src/nn/param_store.c \
	src/nn/model.c \
	src/nn/activation.c \
	src/nn/init.c \
	src/nn/bpnet.c \
	src/nn/save.c \
	src/nn/jacobian.c

if HAVE_CHECK
check_PROGRAMS += tests/test_nn
TESTS += tests/test_nn
endif
