# examples: sources, tests and programs of this part
# The training step written out (record, backward, step, reset) on iris,
# without nb_train; exits non-zero below its target or if the step arena grows.
noinst_PROGRAMS += examples/train_loop
TESTS += examples/train_loop
examples_train_loop_CPPFLAGS = -I$(top_srcdir)/include
