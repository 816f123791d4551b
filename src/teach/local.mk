# src/teach: pictures of graphs and of the backward pass: the DOT export,
# the backward trace (with the NB_TRACE switch, which implements autograd's
# pass observers, autograd/pass_observers.h), the interactive page of a
# backward pass (html_*.c), and the table of each op's local rule that the
# trace and the page both read (op_rules.c).  It reaches autograd through
# its public header and its interface headers (graph.h, pass_observers.h).
# Its tests are in tests/local.mk, its public headers in include/local.mk.
libnabla_impl_la_SOURCES += \
	src/teach/dot.c \
	src/teach/trace.c \
	src/teach/grad_label.c \
	src/teach/op_rules.h \
	src/teach/op_rules.c \
	src/teach/html_internal.h \
	src/teach/html_record.c \
	src/teach/html_out.c \
	src/teach/html_rules.c \
	src/teach/html_page.c \
	src/teach/html_bpview.c \
	src/teach/html_assets.c \
	src/teach/html_save.c
# the training plots (plotperform, plotregression, plotconfusion): CSV
# always, SVG/PNG through PLplot when configure found it
libnabla_impl_la_SOURCES += src/teach/plot.c
