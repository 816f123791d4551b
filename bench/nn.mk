# bench: graph overhead (W5) and BP-network training (W1-W3) programs
noinst_PROGRAMS += bench/bench_overhead
bench_bench_overhead_SOURCES = bench/bench_overhead.c
