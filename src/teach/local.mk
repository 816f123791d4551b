# src/teach: pictures of graphs and of the backward pass: the DOT export and
# the backward trace (with the NB_TRACE switch, which implements autograd's
# pass observers, autograd/pass_observers.h).  It reaches autograd through
# its public header and its interface headers (graph.h, pass_observers.h).
# Its tests are in tests/local.mk, its public headers in include/local.mk.
libnabla_impl_la_SOURCES += \
	src/teach/dot.c \
	src/teach/trace.c
