# tests: every test of the library is registered here, grouped by the layer
# it tests.  The examples that run as smoke tests are the examples folder's
# own programs and are registered with them, in examples/local.mk.
#
# A Check suite is tests/test_x.c (its source by default) and takes four
# lines: check_PROGRAMS += tests/test_x, TESTS += tests/test_x, and
# tests_test_x_CFLAGS = $(TEST_CFLAGS), tests_test_x_LDADD = $(TEST_LDADD):
# only the test programs compile and link with Check.  They link the
# convenience library, so they can reach internal functions (nb__*).
TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
TEST_LDADD = libnabla_impl.la $(CHECK_LIBS) $(OPENMP_CFLAGS)
# helpers included by several suites
EXTRA_DIST += tests/test_util.h tests/malloc_count.h tests/alloc_fail.h tests/test_errors.h tests/fullbatch_fixtures.h \
	tests/data

if HAVE_CHECK
# ---- src/core
check_PROGRAMS += tests/test_tensor tests/test_arena
TESTS += tests/test_tensor tests/test_arena
tests_test_tensor_CFLAGS = $(TEST_CFLAGS)
tests_test_tensor_LDADD = $(TEST_LDADD)
tests_test_arena_CFLAGS = $(TEST_CFLAGS)
tests_test_arena_LDADD = $(TEST_LDADD)
# count every malloc made by library code linked into the test
tests_test_arena_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc

# ---- src/kernels
check_PROGRAMS += tests/test_gemm tests/test_kernels_tanh
TESTS += tests/test_gemm tests/test_kernels_tanh
tests_test_gemm_CFLAGS = $(TEST_CFLAGS)
tests_test_gemm_LDADD = $(TEST_LDADD)
tests_test_kernels_tanh_CFLAGS = $(TEST_CFLAGS)
tests_test_kernels_tanh_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/test_kernels_exp
TESTS += tests/test_kernels_exp
tests_test_kernels_exp_CFLAGS = $(TEST_CFLAGS)
tests_test_kernels_exp_LDADD = $(TEST_LDADD)

# ---- src/autograd: the engine, anomaly mode, custom ops, call sites
check_PROGRAMS += tests/test_autograd tests/test_anomaly tests/test_custom_op tests/test_sites
TESTS += tests/test_autograd tests/test_anomaly tests/test_custom_op tests/test_sites
tests_test_autograd_CFLAGS = $(TEST_CFLAGS)
tests_test_autograd_LDADD = $(TEST_LDADD)
tests_test_anomaly_CFLAGS = $(TEST_CFLAGS)
tests_test_anomaly_LDADD = $(TEST_LDADD)
tests_test_custom_op_CFLAGS = $(TEST_CFLAGS)
tests_test_custom_op_LDADD = $(TEST_LDADD)
tests_test_sites_CFLAGS = $(TEST_CFLAGS)
tests_test_sites_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/test_autograd_graph
TESTS += tests/test_autograd_graph
tests_test_autograd_graph_CFLAGS = $(TEST_CFLAGS)
tests_test_autograd_graph_LDADD = $(TEST_LDADD)
# Compiled as user code (no NB_BUILDING_LIBRARY), so that the call-site
# macros of nabla/sites.h record this file's lines in the nodes.
tests_test_anomaly_CPPFLAGS = -I$(top_srcdir)/include -I$(top_srcdir)/src
tests_test_sites_CPPFLAGS = -I$(top_srcdir)/include -I$(top_srcdir)/src

# ---- src/ops
check_PROGRAMS += tests/test_ops_elementwise tests/test_ops_elementwise_grad \
	tests/test_ops_reduce tests/test_ops_shape tests/test_ops_nn tests/test_ops_matmul \
	tests/test_ops_slice
TESTS += tests/test_ops_elementwise tests/test_ops_elementwise_grad \
	tests/test_ops_reduce tests/test_ops_shape tests/test_ops_nn tests/test_ops_matmul \
	tests/test_ops_slice
tests_test_ops_elementwise_SOURCES = tests/test_ops_elementwise.c tests/elementwise_cases.h
tests_test_ops_elementwise_CFLAGS = $(TEST_CFLAGS)
tests_test_ops_elementwise_LDADD = $(TEST_LDADD)
tests_test_ops_elementwise_grad_SOURCES = tests/test_ops_elementwise_grad.c tests/elementwise_cases.h
tests_test_ops_elementwise_grad_CFLAGS = $(TEST_CFLAGS)
tests_test_ops_elementwise_grad_LDADD = $(TEST_LDADD)
tests_test_ops_reduce_SOURCES = tests/test_ops_reduce.c tests/test_ops_grad.h
tests_test_ops_reduce_CFLAGS = $(TEST_CFLAGS)
tests_test_ops_reduce_LDADD = $(TEST_LDADD)
tests_test_ops_shape_SOURCES = tests/test_ops_shape.c tests/test_ops_grad.h
tests_test_ops_shape_CFLAGS = $(TEST_CFLAGS)
tests_test_ops_shape_LDADD = $(TEST_LDADD)
tests_test_ops_slice_SOURCES = tests/test_ops_slice.c tests/test_ops_grad.h
tests_test_ops_slice_CFLAGS = $(TEST_CFLAGS)
tests_test_ops_slice_LDADD = $(TEST_LDADD)
tests_test_ops_nn_SOURCES = tests/test_ops_nn.c tests/test_ops_grad.h
tests_test_ops_nn_CFLAGS = $(TEST_CFLAGS)
tests_test_ops_nn_LDADD = $(TEST_LDADD)
tests_test_ops_matmul_SOURCES = tests/test_ops_matmul.c tests/test_ops_grad.h
tests_test_ops_matmul_CFLAGS = $(TEST_CFLAGS)
tests_test_ops_matmul_LDADD = $(TEST_LDADD)
# convolution and pooling
check_PROGRAMS += tests/test_ops_conv
TESTS += tests/test_ops_conv
tests_test_ops_conv_SOURCES = tests/test_ops_conv.c tests/test_ops_grad.h
tests_test_ops_conv_CFLAGS = $(TEST_CFLAGS)
tests_test_ops_conv_LDADD = $(TEST_LDADD)

# the fused conv2d op and its gradient ops
check_PROGRAMS += tests/test_ops_conv_fused
TESTS += tests/test_ops_conv_fused
tests_test_ops_conv_fused_SOURCES = tests/test_ops_conv_fused.c tests/test_ops_grad.h
tests_test_ops_conv_fused_CFLAGS = $(TEST_CFLAGS)
tests_test_ops_conv_fused_LDADD = $(TEST_LDADD)

# ---- src/verify
check_PROGRAMS += tests/test_verify
TESTS += tests/test_verify
tests_test_verify_CFLAGS = $(TEST_CFLAGS)
tests_test_verify_LDADD = $(TEST_LDADD)

# ---- src/train: trainlm and trainbr (Levenberg-Marquardt), with the
# model Jacobian of src/nn they use
check_PROGRAMS += tests/test_trainlm
TESTS += tests/test_trainlm
tests_test_trainlm_CFLAGS = $(TEST_CFLAGS)
tests_test_trainlm_LDADD = $(TEST_LDADD)

# ---- src/train: traingd, traingdm and traingdx (full-batch gradient descent)
check_PROGRAMS += tests/test_traingd
TESTS += tests/test_traingd
tests_test_traingd_CFLAGS = $(TEST_CFLAGS)
tests_test_traingd_LDADD = $(TEST_LDADD)

# ---- src/train: trainscg (scaled conjugate gradient) and MATLAB's perf functions
check_PROGRAMS += tests/test_trainscg
TESTS += tests/test_trainscg
tests_test_trainscg_CFLAGS = $(TEST_CFLAGS)
tests_test_trainscg_LDADD = $(TEST_LDADD)

# ---- src/train: MATLAB's builders (fitnet, patternnet), regression R, confusion
check_PROGRAMS += tests/test_train_net
TESTS += tests/test_train_net
tests_test_train_net_CFLAGS = $(TEST_CFLAGS)
tests_test_train_net_LDADD = $(TEST_LDADD)

# ---- src/teach: the training plots (CSV; SVG/PNG with PLplot)
check_PROGRAMS += tests/test_plot
TESTS += tests/test_plot
tests_test_plot_CFLAGS = $(TEST_CFLAGS)
tests_test_plot_LDADD = $(TEST_LDADD)

# ---- src/verify: nb_check_grad (a hand-derived gradient against autodiff and
# finite differences) and nb_allclose
check_PROGRAMS += tests/test_check_grad
TESTS += tests/test_check_grad
tests_test_check_grad_CFLAGS = $(TEST_CFLAGS)
tests_test_check_grad_LDADD = $(TEST_LDADD)

# ---- src/nn, src/optim, src/train
check_PROGRAMS += tests/test_nn tests/test_optim tests/test_train tests/test_progress
TESTS += tests/test_nn tests/test_optim tests/test_train tests/test_progress
tests_test_nn_CFLAGS = $(TEST_CFLAGS)
tests_test_nn_LDADD = $(TEST_LDADD)
# models with blocks (named sub-layers) and nb_model_summary
check_PROGRAMS += tests/test_nn_tree
TESTS += tests/test_nn_tree
tests_test_nn_tree_CFLAGS = $(TEST_CFLAGS)
tests_test_nn_tree_LDADD = $(TEST_LDADD)
tests_test_optim_CFLAGS = $(TEST_CFLAGS)
tests_test_optim_LDADD = $(TEST_LDADD)
tests_test_train_CFLAGS = $(TEST_CFLAGS)
tests_test_train_LDADD = $(TEST_LDADD)
# checkpoints of nb_train and resuming from them
check_PROGRAMS += tests/test_checkpoint
TESTS += tests/test_checkpoint
tests_test_checkpoint_CFLAGS = $(TEST_CFLAGS)
tests_test_checkpoint_LDADD = $(TEST_LDADD)
# count every malloc made by library code linked into the test
tests_test_train_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
tests_test_progress_CFLAGS = $(TEST_CFLAGS)
tests_test_progress_LDADD = $(TEST_LDADD)
# convolution, pooling and flatten layers
check_PROGRAMS += tests/test_nn_conv
TESTS += tests/test_nn_conv
tests_test_nn_conv_SOURCES = tests/test_nn_conv.c tests/test_ops_grad.h
tests_test_nn_conv_CFLAGS = $(TEST_CFLAGS)
tests_test_nn_conv_LDADD = $(TEST_LDADD)
# recurrent cells and sequence layers (src/nn/rnn_*.c)
check_PROGRAMS += tests/test_rnn
TESTS += tests/test_rnn
tests_test_rnn_SOURCES = tests/test_rnn.c tests/test_ops_grad.h
tests_test_rnn_CFLAGS = $(TEST_CFLAGS)
tests_test_rnn_LDADD = $(TEST_LDADD)

# ---- src/io (test files in tests/data)
IO_TEST_CFLAGS = $(TEST_CFLAGS) -DNB_IO_TEST_DIR='"$(abs_top_srcdir)/tests/data"'
check_PROGRAMS += tests/test_io_csv tests/test_io_idx tests/test_io_normalize tests/test_io_tensor_file
TESTS += tests/test_io_csv tests/test_io_idx tests/test_io_normalize tests/test_io_tensor_file
tests_test_io_csv_CFLAGS = $(IO_TEST_CFLAGS)
tests_test_io_csv_LDADD = $(TEST_LDADD)
tests_test_io_idx_CFLAGS = $(IO_TEST_CFLAGS)
tests_test_io_idx_LDADD = $(TEST_LDADD)
tests_test_io_normalize_CFLAGS = $(IO_TEST_CFLAGS)
tests_test_io_normalize_LDADD = $(TEST_LDADD)
tests_test_io_tensor_file_CFLAGS = $(IO_TEST_CFLAGS)
tests_test_io_tensor_file_LDADD = $(TEST_LDADD)
# allocation failures are injected into library code (tests/test_io_tensor_file.c)
tests_test_io_tensor_file_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc

# ---- src/teach: DOT export, the backward trace
check_PROGRAMS += tests/test_dot tests/test_trace
TESTS += tests/test_dot tests/test_trace
tests_test_dot_CFLAGS = $(TEST_CFLAGS)
tests_test_dot_LDADD = $(TEST_LDADD)
# Graphviz's dot, when configure found it, checks that the output parses.
tests_test_dot_CPPFLAGS = $(AM_CPPFLAGS) -DNB_DOT_PROGRAM='"$(DOT)"'
tests_test_trace_CFLAGS = $(TEST_CFLAGS)
tests_test_trace_LDADD = $(TEST_LDADD)

# ---- the whole library
# two user threads at once (scripts/test.sh --tsan runs it under ThreadSanitizer)
check_PROGRAMS += tests/test_threads
TESTS += tests/test_threads
tests_test_threads_CFLAGS = $(TEST_CFLAGS) -pthread -DNB_THREADS_DATA_DIR='"$(abs_top_srcdir)/data"'
tests_test_threads_LDADD = $(TEST_LDADD)
tests_test_threads_LDFLAGS = -pthread
# the N-th allocation fails, for every N, through each path (tests/alloc_fail.h)
check_PROGRAMS += tests/test_alloc_fail
TESTS += tests/test_alloc_fail
tests_test_alloc_fail_CFLAGS = $(TEST_CFLAGS)
tests_test_alloc_fail_LDADD = $(TEST_LDADD)
tests_test_alloc_fail_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup \
	-Wl,--wrap=aligned_alloc,--wrap=free,--wrap=nb_arena_alloc,--wrap=nb__arena_alloc_aligned \
	-Wl,--wrap=inflateInit2_
# the misuse catalogue of docs/errors.md, one test per entry, compiled as user
# code (no NB_BUILDING_LIBRARY) so that messages carry call sites as users see them
ERRORS_TEST_CPPFLAGS = -I$(top_srcdir)/include
check_PROGRAMS += tests/test_errors_ops tests/test_errors_autograd tests/test_errors_io \
	tests/test_errors_train
TESTS += tests/test_errors_ops tests/test_errors_autograd tests/test_errors_io \
	tests/test_errors_train
check_PROGRAMS += tests/test_errors_model
TESTS += tests/test_errors_model
tests_test_errors_model_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_model_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_model_LDADD = $(TEST_LDADD)
tests_test_errors_ops_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_ops_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_ops_LDADD = $(TEST_LDADD)
tests_test_errors_autograd_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_autograd_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_autograd_LDADD = $(TEST_LDADD)
tests_test_errors_io_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_io_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_io_LDADD = $(TEST_LDADD)
tests_test_errors_train_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_train_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_train_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/test_errors_conv
TESTS += tests/test_errors_conv
tests_test_errors_conv_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_conv_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_conv_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/test_errors_rnn
TESTS += tests/test_errors_rnn
tests_test_errors_rnn_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_rnn_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_rnn_LDADD = $(TEST_LDADD)
# the catalogue's entries of MATLAB's training functions and builders
check_PROGRAMS += tests/test_errors_matlab
TESTS += tests/test_errors_matlab
tests_test_errors_matlab_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_matlab_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_matlab_LDADD = $(TEST_LDADD)
# the catalogue's entries of CSV data gone wrong (E310..E312): the messages
# the nabla program passes on
check_PROGRAMS += tests/test_errors_csv
TESTS += tests/test_errors_csv
tests_test_errors_csv_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_csv_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_csv_LDADD = $(TEST_LDADD)
# the catalogue's entries of the memory Levenberg-Marquardt needs
check_PROGRAMS += tests/test_errors_lm
TESTS += tests/test_errors_lm
tests_test_errors_lm_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_lm_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_lm_LDADD = $(TEST_LDADD)
endif

# Tests that need no Check.
# the call-site check: every public function that can record a node needs a
# macro in include/nabla/sites.h
TESTS += tests/check_sites.sh
# the library never ends its host program (exit/abort/assert)
TESTS += tests/check_no_exit.sh
# scripts/test.sh lists the results wherever the checkout lies
TESTS += tests/check_scripts.sh
EXTRA_DIST += tests/check_sites.sh tests/check_no_exit.sh tests/check_scripts.sh
# bench/compare.sh with stub peers (ratios from known figures, FAIL cells and
# exit status 1 for a failing peer) and bench/chart.sh's SVG of a table
TESTS += tests/check_compare.sh tests/check_chart.sh
EXTRA_DIST += tests/check_compare.sh tests/check_chart.sh
# the README's first program compiles as C and C++, links libnabla, and
# prints the gradient its comment gives
TESTS += tests/check_readme.sh
EXTRA_DIST += tests/check_readme.sh
check_readme_environment = NB_SRCDIR='$(abs_top_srcdir)'; NB_CC='$(CC)'; \
  NB_CFLAGS='$(CFLAGS) $(OPENMP_CFLAGS)'; NB_LIBTOOL='$(LIBTOOL)'; \
  export NB_SRCDIR NB_CC NB_CFLAGS NB_LIBTOOL;
AM_TESTS_ENVIRONMENT += $(check_readme_environment)

# Values and gradients of the ops against PyTorch (skipped without torch).
check_PROGRAMS += tests/reference/nb_reference_dump
tests_reference_nb_reference_dump_LDADD = libnabla_impl.la $(OPENMP_CFLAGS) -lm
TESTS += tests/reference/test_torch_reference.sh
EXTRA_DIST += tests/reference/test_torch_reference.sh tests/reference/compare_torch.py \
  tests/reference/run_reference.sh
# trainlm, epoch by epoch, against an independent numpy implementation of
# the documented algorithm (skipped without numpy)
check_PROGRAMS += tests/reference/nb_lm_dump
tests_reference_nb_lm_dump_LDADD = libnabla_impl.la $(OPENMP_CFLAGS) -lm
TESTS += tests/reference/test_lm_reference.sh
EXTRA_DIST += tests/reference/test_lm_reference.sh tests/reference/lm_reference.py

# ---- src/teach: the interactive page of a backward pass, its content and
# errors (Check), and in a headless browser when Debian's chromium is there
if HAVE_CHECK
check_PROGRAMS += tests/test_html
TESTS += tests/test_html
tests_test_html_CFLAGS = $(TEST_CFLAGS)
tests_test_html_LDADD = $(TEST_LDADD)
endif
TESTS += tests/check_html_browser.sh
EXTRA_DIST += tests/check_html_browser.sh
# the browser check keeps its page, DOM dumps and screenshot for a look
clean-local:
	rm -rf tests/check_html_browser.d

# ---- src/dist: the distributed module under mpirun (a plain program: Check's
# forks do not mix with MPI); tests/check_mpi.sh skips when configured
# without MPI
TESTS += tests/check_mpi.sh
EXTRA_DIST += tests/check_mpi.sh tests/mpi_lsan.supp tests/lsan.supp
AM_TESTS_ENVIRONMENT += NB_MPIRUN='$(MPIRUN)'; export NB_MPIRUN; \
  NB_MPI_LSAN_SUPP='$(abs_top_srcdir)/tests/mpi_lsan.supp'; export NB_MPI_LSAN_SUPP;
if HAVE_MPI
check_PROGRAMS += tests/test_dist_mpi
tests_test_dist_mpi_CFLAGS = $(AM_CFLAGS)
tests_test_dist_mpi_LDADD = libnabla_impl.la $(OPENMP_CFLAGS) -lm
endif
if !HAVE_MPI
if HAVE_CHECK
# without MPI, nabla/dist.h's functions fail with 'built without MPI'
check_PROGRAMS += tests/test_dist_none
TESTS += tests/test_dist_none
tests_test_dist_none_CFLAGS = $(TEST_CFLAGS)
tests_test_dist_none_LDADD = $(TEST_LDADD)
endif
endif

# ---- src/ops and src/nn: gelu, dropout, stack/split/chunk, pad, var/std,
# layer and batch norm; train/eval mode, model buffers and the norm layers
if HAVE_CHECK
check_PROGRAMS += tests/test_ops_norm
TESTS += tests/test_ops_norm
tests_test_ops_norm_SOURCES = tests/test_ops_norm.c tests/test_ops_grad.h
tests_test_ops_norm_CFLAGS = $(TEST_CFLAGS)
tests_test_ops_norm_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/test_nn_norm
TESTS += tests/test_nn_norm
tests_test_nn_norm_CFLAGS = $(TEST_CFLAGS)
tests_test_nn_norm_LDADD = $(TEST_LDADD)
# the misuse catalogue's entries E220..E239 (docs/errors.md), as user code
check_PROGRAMS += tests/test_errors_norm
TESTS += tests/test_errors_norm
tests_test_errors_norm_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_norm_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_norm_LDADD = $(TEST_LDADD)
# the teaching views (gradient labels, the trace, the DOT export) and
# nb_check_grad's second order as arrays (E340..E349)
check_PROGRAMS += tests/test_errors_teach
TESTS += tests/test_errors_teach
tests_test_errors_teach_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_teach_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_teach_LDADD = $(TEST_LDADD)
endif
# the misuse catalogue's distributed entries that need no mpirun (E355..E360)
if HAVE_CHECK
check_PROGRAMS += tests/test_errors_dist
TESTS += tests/test_errors_dist
tests_test_errors_dist_CPPFLAGS = $(ERRORS_TEST_CPPFLAGS)
tests_test_errors_dist_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_dist_LDADD = $(TEST_LDADD)
endif
# ---- tools: the nabla program end to end (train, predict, info, gradcheck,
# graph, bad input: exit codes and messages), then `make install
# DESTDIR=...` (docs, examples with their Makefile, data) and an installed
# example built against that install through pkg-config.  The install test
# runs after the program's test, so that its relink does not race the runs.
TESTS += tests/check_cli.sh tests/check_install.sh
EXTRA_DIST += tests/check_cli.sh tests/check_install.sh
tests/check_install.log: tests/check_cli.log
AM_TESTS_ENVIRONMENT += NB_BUILDDIR='$(abs_top_builddir)'; NB_MAKE='$(MAKE)'; \
  NB_PREFIX='$(prefix)'; NB_LIBDIR='$(libdir)'; NB_BINDIR='$(bindir)'; NB_DOCDIR='$(docdir)'; \
  NB_PKGDATADIR='$(pkgdatadir)'; NB_MANDIR='$(mandir)'; NB_LDFLAGS='$(LDFLAGS)'; \
  export NB_BUILDDIR NB_MAKE NB_PREFIX NB_LIBDIR NB_BINDIR NB_DOCDIR NB_PKGDATADIR NB_MANDIR \
  NB_LDFLAGS;

check_PROGRAMS += tests/test_fullbatch_mode
TESTS += tests/test_fullbatch_mode
tests_test_fullbatch_mode_CFLAGS = $(TEST_CFLAGS)
tests_test_fullbatch_mode_LDADD = $(TEST_LDADD)
