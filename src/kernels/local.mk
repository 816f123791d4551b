# src/kernels: plain loops and GEMM on raw buffers (f32 and f64), CPU
# dispatch, optional CBLAS.  Its tests are in tests/local.mk.
libnabla_impl_la_SOURCES += \
	src/kernels/gemm.h \
	src/kernels/gemm_internal.h \
	src/kernels/gemm_driver_tmpl.h \
	src/kernels/gemm_tmpl.h \
	src/kernels/gemm_portable_tmpl.h \
	src/kernels/gemm_blas_tmpl.h \
	src/kernels/gemm.c \
	src/kernels/gemm_driver.c \
	src/kernels/gemm_portable.c \
	src/kernels/gemm_avx2.c \
	src/kernels/gemm_avx512.c \
	src/kernels/gemm_blas.c \
	src/kernels/gemm_small_tmpl.h \
	src/kernels/gemm_small_portable.c \
	src/kernels/gemm_small_avx2.c \
	src/kernels/gemm_narrow_avx2.c \
	src/kernels/gemm_small_avx512.c
# the loops of the non-GEMM ops: elementwise, broadcast, reductions, take/put
libnabla_impl_la_SOURCES += \
	src/kernels/elementwise.h src/kernels/elementwise_loops.h src/kernels/elementwise_tmpl.h \
	src/kernels/broadcast.c src/kernels/broadcast_tmpl.h \
	src/kernels/accumulate.c src/kernels/accumulate_tmpl.h \
	src/kernels/instantiate.h src/kernels/simd.h \
	src/kernels/tanh.h src/kernels/tanh.c src/kernels/fast_tanh.h \
	src/kernels/exp.h src/kernels/exp.c src/kernels/fast_exp.h \
	src/kernels/reduce.h src/kernels/reduce.c src/kernels/reduce_tmpl.h \
	src/kernels/select.h src/kernels/select.c src/kernels/select_tmpl.h
# convolution packing: im2col / col2im and max pooling
libnabla_impl_la_SOURCES += \
	src/kernels/bits.h src/kernels/im2col.h src/kernels/im2col.c src/kernels/im2col_tmpl.h
