# examples: sources, tests and programs of this part
# The Fashion-MNIST network trained data-parallel on MPI (mpirun -np 2
# examples/fashion_mnist_mpi --quick); built only with MPI.
if HAVE_MPI
noinst_PROGRAMS += examples/fashion_mnist_mpi
examples_fashion_mnist_mpi_CPPFLAGS = -I$(top_srcdir)/include
examples_fashion_mnist_mpi_LDADD = $(LDADD) -lm
endif
