# src/nn: models, layers, transfer functions, initialisers, losses.  Its
# tests are in tests/local.mk, its public header in include/local.mk.
libnabla_impl_la_SOURCES += \
	src/nn/nn_internal.h \
	src/nn/param_store.c \
	src/nn/model.c \
	src/nn/activation.c \
	src/nn/init.c \
	src/nn/bpnet.c \
	src/nn/save.c \
	src/nn/jacobian.c \
	src/nn/rnn_internal.h \
	src/nn/rnn_cell.c \
	src/nn/rnn_layer.c \
	src/nn/rnn_state.c
