# src/core: tensor, arena, errors, RNG.  Its tests are in tests/local.mk,
# its public headers in include/local.mk.
libnabla_impl_la_SOURCES += \
	src/core/error.c src/core/error_internal.h \
	src/core/arena.c \
	src/core/rng.c \
	src/core/tensor.c src/core/tensor_internal.h \
	src/core/index_check.c src/core/index_check.h \
	src/core/option_check.c src/core/option_check.h \
	src/core/hash_table.h
