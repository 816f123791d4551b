# src/ops: the elementwise op set (unary maps, activations, pow/maximum/
# minimum, where, comparison masks, cast) and its tests.
libnabla_impl_la_SOURCES += \
	src/ops/unary_math.c \
	src/ops/activations.c \
	src/ops/binary_extra.c \
	src/ops/where.c \
	src/ops/compare.c \
	src/ops/cast.c

if HAVE_CHECK
check_PROGRAMS += tests/test_ops_elementwise
TESTS += tests/test_ops_elementwise
tests_test_ops_elementwise_SOURCES = tests/test_ops_elementwise.c tests/elementwise_cases.h
endif

if HAVE_CHECK
check_PROGRAMS += tests/test_ops_elementwise_grad
TESTS += tests/test_ops_elementwise_grad
tests_test_ops_elementwise_grad_SOURCES = tests/test_ops_elementwise_grad.c tests/elementwise_cases.h
endif
