/* W5: graph overhead.  Forward + backward of a chain of N tiny ops on 1x1
 * f32 tensors (alternating x*1.0000001 and x+0.0000001, as the PyTorch peer
 * does), reported in ns per op and in bytes of step arena per op (nodes,
 * data and the backward pass's records and gradients; tensor headers live in
 * the arena's header zone and are not counted).  Best of 3 runs (--reps R:
 * of R); the step arena is reset between runs, so after the first run no
 * memory is requested.
 * Usage: bench_overhead [--reps R] [N ...]   (default: 100000 1000000) */
#define _POSIX_C_SOURCE 200809L
#include <nabla.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int reps = 3;

static int run(long n)
{
    nb_arena *params = nb_arena_new(), *step = nb_arena_new();
    if (!params || !step)
        return 1;
    nb_arena_use(params);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_ones(NB_F32, NB_SHAPE(1, 1)), true);
    double best = 1e30, grad = 0;
    size_t used = 0;
    for (int rep = 0; rep < reps; rep++) {
        nb_arena_use(step);
        double t0 = now();
        nb_tensor *y = x;
        for (long i = 0; i < n && y; i++)
            y = (i % 2) ? nb_mul_scalar(y, 1.0000001) : nb_add_scalar(y, 0.0000001);
        if (!y || nb_backward(nb_sum(y), NULL) < 0) {
            fprintf(stderr, "bench_overhead: %s\n", nb_last_error());
            return 1;
        }
        double dt = now() - t0;
        if (dt < best)
            best = dt;
        grad = nb_tensor_get(nb_tensor_grad(x), 0);
        used = nb_arena_used(step);
        nb_tensor_zero_grad(x);
        nb_arena_reset(step);
    }
    printf("nabla chain N=%ld: %.0f ns per op (forward+backward), %.0f bytes per op, dy/dx = %.6f, "
           "step arena %.1f MiB\n",
           n, best / (double)n * 1e9, (double)used / (double)n, grad,
           (double)nb_arena_reserved(step) / (1 << 20));
    nb_arena_free(step);
    nb_arena_free(params);
    return 0;
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 2 && !strcmp(argv[1], "--reps")) {
        reps = (int)strtol(argv[2], NULL, 10);
        if (reps < 1) {
            fprintf(stderr, "bench_overhead: bad --reps '%s'\n", argv[2]);
            return 2;
        }
        first = 3;
    }
    if (argc <= first)
        return run(100000) || run(1000000);
    for (int i = first; i < argc; i++) {
        long n = strtol(argv[i], NULL, 10);
        if (n < 1) {
            fprintf(stderr, "bench_overhead: bad N '%s'\n", argv[i]);
            return 2;
        }
        if (run(n))
            return 1;
    }
    return 0;
}
