# Model examples: a BP network on XOR, a noisy 1-D regression with early
# stopping, and a custom layered model.  Also run by `make check`: each exits
# non-zero when it does not reach its target.  Compiled as user code.
noinst_PROGRAMS += examples/xor examples/regression examples/custom_model
TESTS += examples/xor examples/regression examples/custom_model
examples_xor_CPPFLAGS = -I$(top_srcdir)/include
examples_xor_LDADD = $(LDADD) -lm
examples_regression_CPPFLAGS = -I$(top_srcdir)/include
examples_regression_LDADD = $(LDADD) -lm
examples_custom_model_CPPFLAGS = -I$(top_srcdir)/include
examples_custom_model_LDADD = $(LDADD) -lm
