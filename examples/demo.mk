# examples: the Fashion-MNIST demo and the iris classifier
# Both are compiled as user code and exit non-zero when they miss a target.
# The iris classifier runs in full under `make check`; the Fashion-MNIST demo
# (scripts/demo.sh) runs there on a subset through a wrapper that reports a
# skip (77) when the data set is not installed.
noinst_PROGRAMS += examples/fashion_mnist examples/iris
TESTS += examples/iris examples/fashion_mnist_quick.sh
EXTRA_DIST += examples/fashion_mnist_quick.sh
examples_fashion_mnist_CPPFLAGS = -I$(top_srcdir)/include
examples_fashion_mnist_LDADD = $(LDADD) -lm
examples_iris_CPPFLAGS = -I$(top_srcdir)/include -DNB_DATA_DIR='"$(abs_top_srcdir)/data"'
examples_iris_LDADD = $(LDADD) -lm
CLEANFILES += fashion_mnist_quick.nbt
