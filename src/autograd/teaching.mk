# Teaching and verification tools: DOT export, the backward trace, custom
# ops, call-site macros, their tests, and the API reference (make doc).
libnabla_impl_la_SOURCES += \
	src/autograd/teaching_internal.h \
	src/autograd/pass_observers.h \
	src/autograd/trace.c \
	src/autograd/trace_rules.c src/autograd/trace_rules.h \
	src/autograd/custom_op.c \
	src/io/dot.c

# The call-site check: every public function that can record a node needs a
# macro in include/nabla/sites.h.
TESTS += tests/check_sites.sh
EXTRA_DIST += tests/check_sites.sh

if HAVE_CHECK
check_PROGRAMS += tests/test_dot tests/test_trace tests/test_custom_op tests/test_anomaly \
	tests/test_sites
TESTS += tests/test_dot tests/test_trace tests/test_custom_op tests/test_anomaly tests/test_sites

# Graphviz's dot, when configure found it, checks that the output parses.
tests_test_dot_CPPFLAGS = $(AM_CPPFLAGS) -DNB_DOT_PROGRAM='"$(DOT)"'



# Compiled as user code (no NB_BUILDING_LIBRARY), so that the call-site
# macros of nabla/sites.h record this file's lines in the nodes.
tests_test_anomaly_CPPFLAGS = -I$(top_srcdir)/include -I$(top_srcdir)/src
tests_test_sites_CPPFLAGS = -I$(top_srcdir)/include -I$(top_srcdir)/src
endif

# API reference from the header comments.
EXTRA_DIST += docs/Doxyfile
if HAVE_DOXYGEN
.PHONY: doc
doc:
	NB_TOP_SRCDIR='$(top_srcdir)' NB_DOC_OUT='$(abs_top_builddir)/doc' $(DOXYGEN) $(top_srcdir)/docs/Doxyfile
endif
