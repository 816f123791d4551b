# bench: sources, tests and programs of this part
noinst_PROGRAMS += bench/bench_gemm
