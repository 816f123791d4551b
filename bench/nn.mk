# bench: graph overhead (W5) and BP-network training (W1-W3) programs
noinst_PROGRAMS += bench/bench_overhead bench/bench_mlp
EXTRA_DIST += bench/compare.sh bench/README.md
