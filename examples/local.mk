# examples: small complete programs, compiled and linked as user code: only
# the public headers (no NB_BUILDING_LIBRARY, so the call-site macros record
# their file:line in every node) and the shared libnabla, which exports only
# the public nb_ names.  So building them proves the export list.
#
# Each also runs as a smoke test under `make check` (registered here, as
# this folder's programs; the library's own tests are in tests/local.mk):
# each exits non-zero when what it demonstrates does not hold or it misses
# its target.
EXAMPLE_CPPFLAGS = -I$(top_srcdir)/include
EXAMPLE_LDADD = libnabla.la $(OPENMP_CFLAGS) -lm

# teaching: backprop by hand, the chain rule (with DOT), a custom op
noinst_PROGRAMS += examples/bp_by_hand examples/chain_rule examples/custom_op
TESTS += examples/bp_by_hand examples/chain_rule examples/custom_op
examples_bp_by_hand_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_bp_by_hand_LDADD = $(EXAMPLE_LDADD)
examples_chain_rule_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_chain_rule_LDADD = $(EXAMPLE_LDADD)
examples_custom_op_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_custom_op_LDADD = $(EXAMPLE_LDADD)
CLEANFILES += chain_rule.dot chain_rule.svg

# the training step written out (record, backward, step, reset) on iris,
# without nb_train; also fails if the step arena grows after the first step
noinst_PROGRAMS += examples/train_loop
TESTS += examples/train_loop
examples_train_loop_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_train_loop_LDADD = $(EXAMPLE_LDADD)

# models: a BP network on XOR, a noisy 1-D regression with early stopping,
# a custom layered model
noinst_PROGRAMS += examples/xor examples/regression examples/custom_model
TESTS += examples/xor examples/regression examples/custom_model
examples_xor_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_xor_LDADD = $(EXAMPLE_LDADD)
examples_regression_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_regression_LDADD = $(EXAMPLE_LDADD)
examples_custom_model_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_custom_model_LDADD = $(EXAMPLE_LDADD)

# data: the iris pipeline (CSV, split, mapminmax, minibatches, tensor file)
noinst_PROGRAMS += examples/iris_data
TESTS += examples/iris_data
examples_iris_data_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_iris_data_LDADD = $(EXAMPLE_LDADD)

# demos: the iris classifier runs in full under `make check`; the
# Fashion-MNIST demo (scripts/demo.sh) runs there on a subset through a
# wrapper that reports a skip (77) when the data set is not installed.
noinst_PROGRAMS += examples/fashion_mnist examples/iris
TESTS += examples/iris examples/fashion_mnist_quick.sh
EXTRA_DIST += examples/fashion_mnist_quick.sh
examples_fashion_mnist_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_fashion_mnist_LDADD = $(EXAMPLE_LDADD)
examples_iris_CPPFLAGS = $(EXAMPLE_CPPFLAGS) -DNB_DATA_DIR='"$(abs_top_srcdir)/data"'
examples_iris_LDADD = $(EXAMPLE_LDADD)
# a residual MLP of nested blocks on iris: its summary, training with
# progress, a save/load round trip by name
noinst_PROGRAMS += examples/residual
TESTS += examples/residual
examples_residual_CPPFLAGS = $(EXAMPLE_CPPFLAGS) -DNB_DATA_DIR='"$(abs_top_srcdir)/data"'
examples_residual_LDADD = $(EXAMPLE_LDADD)
CLEANFILES += residual.nbt
CLEANFILES += fashion_mnist_quick.nbt

# a LeNet-style CNN on Fashion-MNIST (conv, pool and flatten layers); its
# smoke test trains on a subset, skipping (77) when the data set is absent
noinst_PROGRAMS += examples/fashion_cnn
TESTS += examples/fashion_cnn_quick.sh
EXTRA_DIST += examples/fashion_cnn_quick.sh
examples_fashion_cnn_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_fashion_cnn_LDADD = $(EXAMPLE_LDADD)
CLEANFILES += fashion_cnn_quick.nbt
# a character-level LSTM on the GPL-3 text of Debian's base-files, trained
# with truncated BPTT (nabla/rnn.h); `make check` runs its --quick variant
# through a wrapper (a skip, 77, when the text is not installed)
noinst_PROGRAMS += examples/char_lstm
TESTS += examples/char_lstm_quick.sh
EXTRA_DIST += examples/char_lstm_quick.sh
examples_char_lstm_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_char_lstm_LDADD = $(EXAMPLE_LDADD)

# the interactive page of a backward pass (nabla/html.h): writes bp_page.html
# and checks it
noinst_PROGRAMS += examples/bp_page
TESTS += examples/bp_page
examples_bp_page_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_bp_page_LDADD = $(EXAMPLE_LDADD)
CLEANFILES += bp_page.html

# checking a hand-derived gradient with nb_check_grad: exits non-zero unless
# the right formula passes and the slip is caught
noinst_PROGRAMS += examples/check_grad
TESTS += examples/check_grad
examples_check_grad_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_check_grad_LDADD = $(EXAMPLE_LDADD)

# Tutorial (docs/tutorial.md): the anomaly-mode example, a smoke test like
# the other teaching examples (compiled as user code so that its call sites
# are recorded).  The tutorial's pictures and the check of its outputs are
# in docs/figures/local.mk.
noinst_PROGRAMS += examples/anomaly
TESTS += examples/anomaly
examples_anomaly_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_anomaly_LDADD = $(EXAMPLE_LDADD)

# MATLAB's house_dataset with trainlm (fitnet(10)): reads the Boston housing
# CSV of Debian's python3-sklearn in place (NB_BOSTON_CSV overrides the path);
# exits 77, a skip, when the file is absent
noinst_PROGRAMS += examples/house_lm
TESTS += examples/house_lm
examples_house_lm_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_house_lm_LDADD = $(EXAMPLE_LDADD)

# the Fashion-MNIST network trained data-parallel on MPI (mpirun -np 2
# examples/fashion_mnist_mpi --quick); built only with MPI
if HAVE_MPI
noinst_PROGRAMS += examples/fashion_mnist_mpi
examples_fashion_mnist_mpi_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_fashion_mnist_mpi_LDADD = $(EXAMPLE_LDADD)
endif

# MATLAB's patternnet on scikit-learn's data (skipped, status 77, without
# python3-sklearn): trainscg on the breast cancer data, trainbr on the wine
# data; each fails below 0.95 test accuracy
noinst_PROGRAMS += examples/cancer_scg examples/wine_br
TESTS += examples/cancer_scg examples/wine_br
examples_cancer_scg_SOURCES = examples/cancer_scg.c examples/sklearn_data.c \
	examples/sklearn_data.h
examples_cancer_scg_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_cancer_scg_LDADD = $(EXAMPLE_LDADD)
examples_wine_br_SOURCES = examples/wine_br.c examples/sklearn_data.c examples/sklearn_data.h
examples_wine_br_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
examples_wine_br_LDADD = $(EXAMPLE_LDADD)
# installed: the examples' sources in $(docdir)/examples with a Makefile
# that builds them against the installed library through pkg-config
# (examples/Makefile.installed, installed as Makefile)
nbexamplesdir = $(docdir)/examples
# Every example is listed (check_install.sh compares this list with the
# folder), the scikit-learn reader of cancer_scg and wine_br too.
nbexamples_DATA = examples/anomaly.c examples/bp_by_hand.c examples/bp_page.c \
	examples/cancer_scg.c examples/chain_rule.c examples/char_lstm.c examples/check_grad.c \
	examples/custom_model.c examples/custom_op.c examples/fashion_cnn.c \
	examples/fashion_mnist.c examples/fashion_mnist_mpi.c examples/house_lm.c examples/iris.c \
	examples/iris_data.c examples/regression.c examples/residual.c examples/sklearn_data.c \
	examples/sklearn_data.h examples/train_loop.c examples/wine_br.c examples/xor.c
EXTRA_DIST += examples/Makefile.installed
install-data-local: install-examples-makefile
uninstall-local: uninstall-examples-makefile
.PHONY: install-examples-makefile uninstall-examples-makefile
install-examples-makefile:
	$(MKDIR_P) '$(DESTDIR)$(nbexamplesdir)'
	$(INSTALL_DATA) '$(srcdir)/examples/Makefile.installed' '$(DESTDIR)$(nbexamplesdir)/Makefile'
uninstall-examples-makefile:
	rm -f '$(DESTDIR)$(nbexamplesdir)/Makefile'
