# src/kernels: the loops of the non-GEMM ops: elementwise, broadcast, reductions, take/put
libnabla_impl_la_SOURCES += \
	src/kernels/elementwise.h src/kernels/elementwise_loops.h src/kernels/elementwise_tmpl.h \
	src/kernels/broadcast.c src/kernels/broadcast_tmpl.h \
	src/kernels/accumulate.c src/kernels/accumulate_tmpl.h \
	src/kernels/instantiate.h src/kernels/simd.h \
	src/kernels/tanh.h src/kernels/tanh.c src/kernels/fast_tanh.h \
	src/kernels/reduce.h src/kernels/reduce.c src/kernels/reduce_tmpl.h \
	src/kernels/select.h src/kernels/select.c src/kernels/select_tmpl.h

if HAVE_CHECK
check_PROGRAMS += tests/test_kernels_tanh
TESTS += tests/test_kernels_tanh
endif
