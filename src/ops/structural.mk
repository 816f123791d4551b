# src/ops: reductions, shape ops, softmax and losses
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

if HAVE_CHECK
check_PROGRAMS += tests/test_ops_reduce tests/test_ops_shape tests/test_ops_nn tests/test_ops_matmul
TESTS += tests/test_ops_reduce tests/test_ops_shape tests/test_ops_nn tests/test_ops_matmul
tests_test_ops_reduce_SOURCES = tests/test_ops_reduce.c tests/test_ops_grad.h
tests_test_ops_shape_SOURCES = tests/test_ops_shape.c tests/test_ops_grad.h
tests_test_ops_nn_SOURCES = tests/test_ops_nn.c tests/test_ops_grad.h
tests_test_ops_matmul_SOURCES = tests/test_ops_matmul.c tests/test_ops_grad.h
endif
