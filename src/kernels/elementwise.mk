# src/kernels: elementwise, broadcast and reduction loops
libnabla_impl_la_SOURCES += \
	src/kernels/elementwise.h src/kernels/broadcast.c src/kernels/accumulate.c \
	src/kernels/unary.h src/kernels/unary.c src/kernels/fast_tanh.h

if HAVE_CHECK
check_PROGRAMS += tests/test_kernels_tanh
TESTS += tests/test_kernels_tanh
endif
