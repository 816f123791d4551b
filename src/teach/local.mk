# src/teach: teaching tools built on the public backward hook and graph
# introspection of nabla/autograd.h: the interactive page of a backward pass
libnabla_impl_la_SOURCES += \
	src/teach/html_internal.h \
	src/teach/html_record.c \
	src/teach/html_out.c \
	src/teach/html_rules.c \
	src/teach/html_page.c \
	src/teach/html_assets.c \
	src/teach/html_save.c
nabla_include_HEADERS += include/nabla/html.h
