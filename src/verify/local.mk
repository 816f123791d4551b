# src/verify: gradient checks and functional transforms (vjp, jvp, Jacobian,
# Hessian).  Its tests (and the comparison with PyTorch) are in
# tests/local.mk, its public header in include/local.mk.
libnabla_impl_la_SOURCES += \
	src/verify/verify_internal.h \
	src/verify/verify_util.c \
	src/verify/gradcheck.c \
	src/verify/gradgradcheck.c \
	src/verify/functional.c
# nb_check_grad (a gradient derived by hand) and nb_allclose
libnabla_impl_la_SOURCES += src/verify/check_grad.c src/verify/allclose.c
