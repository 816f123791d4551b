# src/kernels: elementwise, broadcast and reduction loops
libnabla_impl_la_SOURCES += \
	src/kernels/elementwise.h src/kernels/broadcast.c \
	src/kernels/unary.h src/kernels/unary.c
