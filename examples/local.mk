# examples: sources, tests and programs of this part
# Checking a hand-derived gradient with nb_check_grad (a smoke test: exits
# non-zero unless the right formula passes and the slip is caught).
noinst_PROGRAMS += examples/check_grad
TESTS += examples/check_grad
examples_check_grad_CPPFLAGS = -I$(top_srcdir)/include
examples_check_grad_LDADD = $(LDADD) -lm
