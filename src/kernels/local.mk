# src/kernels: sources, tests and programs of this part
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
	src/kernels/gemm_blas.c

if HAVE_CHECK
check_PROGRAMS += tests/test_gemm
TESTS += tests/test_gemm
endif
