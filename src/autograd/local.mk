# src/autograd: nodes, recording, the backward engine
libnabla_impl_la_SOURCES += \
	src/autograd/graph.h \
	src/autograd/record.c \
	src/autograd/anomaly.c \
	src/autograd/backward.c \
	src/autograd/sum_to.c
nabla_include_HEADERS += include/nabla/autograd.h
