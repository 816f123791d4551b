# src/verify: gradient checks and functional transforms (vjp, jvp, Jacobian,
# Hessian).  Its tests (and the comparison with PyTorch) are in
# tests/local.mk, its public header in include/local.mk.
libnabla_impl_la_SOURCES += \
	src/verify/verify_internal.h \
	src/verify/verify_util.c \
	src/verify/gradcheck.c \
	src/verify/gradgradcheck.c \
	src/verify/functional.c
