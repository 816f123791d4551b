# src/nn: models, layers, transfer functions, initialisers, losses.  Its
# tests are in tests/local.mk, its public header in include/local.mk.
libnabla_impl_la_SOURCES += \
	src/nn/nn_internal.h \
	src/nn/param_store.c \
	src/nn/model.c \
	src/nn/block.c \
	src/nn/layer_name.c \
	src/nn/summary.c \
	src/nn/activation.c \
	src/nn/init.c \
	src/nn/bpnet.c \
	src/nn/save.c \
	src/nn/jacobian.c \
	src/nn/conv_layers.c \
	src/nn/rnn_internal.h \
	src/nn/rnn_cell.c \
	src/nn/rnn_layer.c \
	src/nn/rnn_state.c
# train/eval mode, buffers (non-trainable state) and the normalisation layers
libnabla_impl_la_SOURCES += \
	src/nn/mode.c \
	src/nn/buffer.c \
	src/nn/norm_layers.c
