# Data example: the iris pipeline (CSV, split, mapminmax, minibatches, tensor
# file).  Also run by `make check`; exits non-zero when a step fails.
noinst_PROGRAMS += examples/iris_data
TESTS += examples/iris_data
examples_iris_data_CPPFLAGS = -I$(top_srcdir)/include
examples_iris_data_LDADD = $(LDADD) -lm
