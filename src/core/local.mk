# src/core: tensor, arena, errors, RNG
libnabla_impl_la_SOURCES += \
	src/core/error.c src/core/error_internal.h \
	src/core/arena.c \
	src/core/rng.c \
	src/core/tensor.c src/core/tensor_internal.h \
	src/core/index_check.c src/core/index_check.h \
	src/core/option_check.c src/core/option_check.h \
	src/core/hash_table.h
nabla_include_HEADERS += include/nabla/error.h include/nabla/arena.h include/nabla/rng.h \
	include/nabla/tensor.h
