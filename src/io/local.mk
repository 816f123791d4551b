# src/io: data loaders, normalisation, splits, minibatches and tensor files.
# Its tests are in tests/local.mk, its public header in include/local.mk.
libnabla_impl_la_SOURCES += \
	src/io/csv.c \
	src/io/idx.c \
	src/io/normalize.c \
	src/io/split.c \
	src/io/batch.c src/io/batch.h \
	src/io/tensor_file.c src/io/tensor_file.h \
	src/io/tensor_file_internal.h \
	src/io/io_util.h
