# bench: graph overhead (W5) and BP-network training (W1-W3) programs
noinst_PROGRAMS += bench/bench_overhead bench/bench_mlp
bench_bench_overhead_SOURCES = bench/bench_overhead.c
bench_bench_mlp_SOURCES = bench/bench_mlp.c
EXTRA_DIST += bench/compare.sh bench/README.md
