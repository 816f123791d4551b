# src/dist: data-parallel training on MPI.  With MPI (configure --with-mpi)
# the module is its own convenience library, the only objects compiled with
# MPI's flags; without it, stubs that fail with "built without MPI".  The
# header is installed either way, so programs build against every nabla.
nabla_include_HEADERS += include/nabla/dist.h
if HAVE_MPI
noinst_LTLIBRARIES += libnabla_dist.la
libnabla_dist_la_SOURCES = \
	src/dist/dist_internal.h \
	src/dist/dist.c \
	src/dist/dist_train.c \
	src/dist/dist_lm.c
libnabla_dist_la_CFLAGS = $(AM_CFLAGS) $(MPI_CFLAGS)
libnabla_dist_la_LIBADD = $(MPI_LIBS)
libnabla_impl_la_LIBADD += libnabla_dist.la
else
libnabla_impl_la_SOURCES += src/dist/none.c
endif
