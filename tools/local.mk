# tools: the installed `nabla` program (one file per subcommand, shared
# parsing and model-file code in cli_*.c).  Built as user code: the public
# headers only, linked against the shared libnabla.
bin_PROGRAMS = tools/nabla
tools_nabla_SOURCES = tools/nabla.c tools/cli.h tools/cli_args.c tools/cli_model.c \
	tools/cli_data.c tools/trainers.h tools/trainers.c tools/progress.h tools/progress.c \
	tools/cmd_train.c tools/cmd_predict.c tools/cmd_info.c tools/cmd_gradcheck.c \
	tools/cmd_graph.c
tools_nabla_CPPFLAGS = -I$(top_srcdir)/include -DNB_TOOLS_VERSION='"$(PACKAGE_VERSION)"'
tools_nabla_LDADD = libnabla.la $(OPENMP_CFLAGS) -lm
# the man page names the folders of this install (docs, data) and the version
man1_MANS = tools/nabla.1
EXTRA_DIST += tools/nabla.1.in
CLEANFILES += tools/nabla.1
tools/nabla.1: $(top_srcdir)/tools/nabla.1.in Makefile
	$(AM_V_GEN)$(MKDIR_P) tools && \
	doc=$$(echo '$(docdir)' | sed 's/-/\\\\-/g') && \
	data=$$(echo '$(pkgdatadir)' | sed 's/-/\\\\-/g') && \
	sed -e "s|@docdir[@]|$$doc|g" -e "s|@pkgdatadir[@]|$$data|g" \
	    -e 's|@VERSION[@]|$(PACKAGE_VERSION)|g' $(top_srcdir)/tools/nabla.1.in > $@.tmp && \
	mv $@.tmp $@
