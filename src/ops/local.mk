# src/ops: every differentiable op, one file per op or op group.  Its tests
# are in tests/local.mk, its public headers in include/local.mk.
# the arithmetic core and the shared op plumbing
libnabla_impl_la_SOURCES += \
	src/ops/op_util.h src/ops/op_util.c \
	src/ops/elementwise_op.h src/ops/elementwise_op.c \
	src/ops/binary.c \
	src/ops/broadcast_ops.c \
	src/ops/reshape.c \
	src/ops/sum.c \
	src/ops/unary_basic.c \
	src/ops/matmul.c
# the elementwise set: unary maps, activations, pow/maximum/minimum, where,
# comparison masks, cast
libnabla_impl_la_SOURCES += \
	src/ops/unary_math.c \
	src/ops/activations.c \
	src/ops/binary_extra.c \
	src/ops/where.c \
	src/ops/compare.c \
	src/ops/cast.c
# reductions, shape ops, softmax and losses
libnabla_impl_la_SOURCES += \
	src/ops/reduce_util.h src/ops/loss_util.h \
	src/ops/take_put.h src/ops/take_put.c \
	src/ops/reduce_mean.c \
	src/ops/reduce_extrema.c \
	src/ops/logsumexp.c \
	src/ops/permute.c \
	src/ops/concat.c \
	src/ops/slice.c \
	src/ops/gather.c \
	src/ops/squeeze.c \
	src/ops/softmax.c \
	src/ops/nll.c \
	src/ops/mse_bce.c
# gelu, dropout, stack/split/chunk, pad, var/std, layer and batch norm
libnabla_impl_la_SOURCES += \
	src/ops/gelu.c \
	src/ops/dropout.c \
	src/ops/stack_split.c \
	src/ops/pad.c \
	src/ops/var_std.c \
	src/ops/layer_norm.c \
	src/ops/batch_norm.c
# convolution and pooling: unfold/fold (im2col and its adjoint), conv1d/2d
# on them, max/avg/global pools
libnabla_impl_la_SOURCES += \
	src/ops/conv_util.h src/ops/conv_util.c \
	src/ops/unfold.c \
	src/ops/conv.c \
	src/ops/conv_kernels.h src/ops/conv_fused.c src/ops/conv_grad.c \
	src/ops/pool.c
