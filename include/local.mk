# include: the public headers, installed as <nabla.h> and <nabla/*.h>, one
# line per layer (the layer that defines what the header declares).
include_HEADERS = include/nabla.h
nabla_includedir = $(includedir)/nabla
nabla_include_HEADERS =
# src/core
nabla_include_HEADERS += include/nabla/error.h include/nabla/arena.h include/nabla/rng.h \
	include/nabla/tensor.h
# src/autograd (sites.h: the call-site macros of every function that records)
nabla_include_HEADERS += include/nabla/autograd.h include/nabla/custom_op.h include/nabla/sites.h
# src/ops
nabla_include_HEADERS += include/nabla/ops.h include/nabla/ops_basic.h \
	include/nabla/ops_elementwise.h include/nabla/ops_reduce.h include/nabla/ops_shape.h \
	include/nabla/ops_nn.h include/nabla/ops_conv.h
# src/verify
nabla_include_HEADERS += include/nabla/verify.h
# src/nn, src/optim, src/train
nabla_include_HEADERS += include/nabla/nn.h include/nabla/nn_conv.h include/nabla/optim.h include/nabla/train.h \
	include/nabla/train_lm.h \
	include/nabla/train_gd.h include/nabla/rnn.h \
	include/nabla/train_scg.h \
	include/nabla/train_net.h
# src/io
nabla_include_HEADERS += include/nabla/io.h
# src/teach: DOT export, the backward trace, the backward-pass page
nabla_include_HEADERS += include/nabla/dot.h include/nabla/trace.h include/nabla/html.h \
	include/nabla/plot.h
