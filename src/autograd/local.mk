# src/autograd: nodes, recording, the backward engine, anomaly mode, custom
# ops, the backward trace.  Its tests are in tests/local.mk, its
# public headers in include/local.mk.
libnabla_impl_la_SOURCES += \
	src/autograd/graph.h \
	src/autograd/teaching_internal.h \
	src/autograd/pass_observers.h \
	src/autograd/record.c \
	src/autograd/anomaly.c \
	src/autograd/backward.c \
	src/autograd/sum_to.c \
	src/autograd/custom_op.c \
	src/autograd/trace.c
