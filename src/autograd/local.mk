# src/autograd: nodes, recording, the backward engine, anomaly mode, custom
# ops.  pass_observers.h is the engine's call out at the start and end of a
# pass: autograd owns it, src/teach implements it (the NB_TRACE switch).
# call_site_internal.h (the call site a node will carry) stays here: record.c,
# backward.c, anomaly.c and custom_op.c use it, no teaching tool does.  Its
# tests are in tests/local.mk, its public headers in include/local.mk.
libnabla_impl_la_SOURCES += \
	src/autograd/graph.h \
	src/autograd/call_site_internal.h \
	src/autograd/pass_observers.h \
	src/autograd/record.c \
	src/autograd/scope.c \
	src/autograd/anomaly.c \
	src/autograd/backward.c \
	src/autograd/sum_to.c \
	src/autograd/custom_op.c
