# examples: sources, tests and programs of this part
# the interactive page of a backward pass (nabla/html.h): writes bp_page.html
# and checks it, a smoke test for make check
noinst_PROGRAMS += examples/bp_page
TESTS += examples/bp_page
examples_bp_page_CPPFLAGS = -I$(top_srcdir)/include
examples_bp_page_LDADD = $(LDADD) -lm
CLEANFILES += bp_page.html
