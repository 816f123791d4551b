# src/verify: gradient checks and functional transforms (vjp, jvp, Jacobian,
# Hessian), plus a comparison of op values and gradients with PyTorch.
libnabla_impl_la_SOURCES += \
	src/verify/verify_internal.h \
	src/verify/verify_util.c \
	src/verify/gradcheck.c \
	src/verify/gradgradcheck.c \
	src/verify/functional.c
# nb_check_grad (a gradient derived by hand) and nb_allclose
libnabla_impl_la_SOURCES += src/verify/check_grad.c src/verify/allclose.c

if HAVE_CHECK
check_PROGRAMS += tests/test_verify
TESTS += tests/test_verify
endif

# Values and gradients of the ops against PyTorch (skipped without torch).
check_PROGRAMS += tests/reference/nb_reference_dump
tests_reference_nb_reference_dump_LDADD = libnabla_impl.la $(OPENMP_CFLAGS) -lm
TESTS += tests/reference/test_torch_reference.sh
EXTRA_DIST += tests/reference/test_torch_reference.sh tests/reference/compare_torch.py
