# bench: benchmark programs (bench/README.md) and the comparison with peers.
# They link the convenience library, not the shared libnabla: bench_gemm
# calls the internal GEMM kernels (kernels/gemm.h), and bench_overhead and
# bench_mlp stay linked as their earlier figures were measured (statically,
# no calls through the shared library's PLT), so that before/after ratios of
# bench/compare.sh compare the code, not the linking.
BENCH_LDADD = libnabla_impl.la $(OPENMP_CFLAGS)
# GEMM against OpenBLAS (when configured with it)
noinst_PROGRAMS += bench/bench_gemm
bench_bench_gemm_LDADD = $(BENCH_LDADD)
# graph overhead (W5) and BP-network training (W1-W3)
noinst_PROGRAMS += bench/bench_overhead bench/bench_mlp
bench_bench_overhead_LDADD = $(BENCH_LDADD)
bench_bench_mlp_LDADD = $(BENCH_LDADD)
# a LeNet-style CNN's training step (W6); bench_cnn_torch.py is its PyTorch side
noinst_PROGRAMS += bench/bench_cnn
bench_bench_cnn_LDADD = $(BENCH_LDADD)
EXTRA_DIST += bench/compare.sh bench/chart.sh bench/README.md bench/bench_cnn_torch.py
# a 1-layer LSTM training step (W7); its PyTorch peer is bench/torch_lstm.py
noinst_PROGRAMS += bench/bench_lstm
bench_bench_lstm_LDADD = $(BENCH_LDADD)
EXTRA_DIST += bench/torch_lstm.py
# trainlm epochs per second on the housing data (W8); bench_lm_torch.py is
# its PyTorch side, starting from the weights bench_lm --dump writes
noinst_PROGRAMS += bench/bench_lm
bench_bench_lm_LDADD = $(BENCH_LDADD)
EXTRA_DIST += bench/bench_lm_torch.py bench/bench_lm_compare.sh
# Levenberg-Marquardt across ranks (mpirun -np 2 bench/bench_dist_lm): built
# only with MPI, with MPI's flags (it times an MPI_Allreduce of its own)
if HAVE_MPI
noinst_PROGRAMS += bench/bench_dist_lm
bench_bench_dist_lm_CFLAGS = $(AM_CFLAGS) $(MPI_CFLAGS)
bench_bench_dist_lm_LDADD = $(BENCH_LDADD) $(MPI_LIBS) -lm
endif
# FANN's side of W3 (per-sample SGD, 784-32-10, MSE as FANN trains), built
# only when configure found fann (Debian libfann-dev)
if HAVE_FANN
noinst_PROGRAMS += bench/bench_fann
bench_bench_fann_CFLAGS = $(AM_CFLAGS) $(FANN_CFLAGS)
bench_bench_fann_LDADD = $(BENCH_LDADD) $(FANN_LIBS)
endif
# kann's side of W1, W3 and W5: compiled by compare.sh at run time against a
# checkout of kann (NB_KANN_DIR), so it is only distributed here
EXTRA_DIST += bench/kann_peer.c
# make bench-chart: bench/chart.sh draws the ratios of a compare.sh table
# (NB_TABLE=bench/compare.md bench/compare.sh . writes it) as an SVG
BENCH_TABLE = bench/compare.md
BENCH_CHART = bench/compare.svg
.PHONY: bench-chart
bench-chart:
	@test -f '$(BENCH_TABLE)' || { echo "make bench-chart: no $(BENCH_TABLE); run NB_TABLE=$(BENCH_TABLE) $(srcdir)/bench/compare.sh . first (or pass BENCH_TABLE=FILE)" >&2; exit 1; }
	$(SHELL) $(srcdir)/bench/chart.sh '$(BENCH_TABLE)' > '$(BENCH_CHART)'
	@echo "wrote $(BENCH_CHART)"
# the f32 exp, log and sigmoid kernels over all 2^32 floats against double
# libm (minutes per function): `make exp-accuracy`
noinst_PROGRAMS += bench/exp_accuracy
bench_exp_accuracy_LDADD = $(BENCH_LDADD) -lm
exp-accuracy: bench/exp_accuracy$(EXEEXT)
	bench/exp_accuracy$(EXEEXT)
.PHONY: exp-accuracy
