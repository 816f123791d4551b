# src/ops: the arithmetic core (more op groups have their own fragments)
libnabla_impl_la_SOURCES += \
	src/ops/op_util.h src/ops/op_util.c \
	src/ops/elementwise_op.h src/ops/elementwise_op.c \
	src/ops/binary.c \
	src/ops/broadcast_ops.c \
	src/ops/reshape.c \
	src/ops/sum.c \
	src/ops/unary_basic.c \
	src/ops/matmul.c
nabla_include_HEADERS += include/nabla/ops.h include/nabla/ops_basic.h \
	include/nabla/ops_elementwise.h include/nabla/ops_reduce.h include/nabla/ops_shape.h \
	include/nabla/ops_nn.h
