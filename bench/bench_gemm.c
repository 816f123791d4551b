/* nabla: GEMM benchmark (workload W4 plus the per-minibatch products of
 * training workload W1).  For every implementation available here, and
 * for the CBLAS library when the build has one, it prints GFLOP/s as the
 * best of several repetitions, with one thread and with all of them.
 *
 * Usage: bench_gemm [min_seconds_per_entry [max_threads]]
 *   min_seconds_per_entry: default 0.3
 *   max_threads: 1 measures one thread only; default all threads */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef NB_HAVE_CBLAS
#include <cblas.h>
#endif

#include "kernels/gemm.h"

typedef struct {
    const char *name;
    bool ta, tb;
    int64_t m, n, k;
} shape;

static const shape shapes[] = {
    {"W4 1024^3", false, false, 1024, 1024, 1024},
    {"W1 fwd X*W", false, false, 64, 256, 784},
    {"W1 dX=dY*W^T", false, true, 64, 784, 256},
    {"W1 dW=X^T*dY", true, false, 784, 256, 64},
    /* W2 (784-1024-1024-10, minibatch 256): forward, dX, dW per layer. */
    {"W2 fwd1", false, false, 256, 1024, 784},
    {"W2 fwd2", false, false, 256, 1024, 1024},
    {"W2 fwd3", false, false, 256, 10, 1024},
    {"W2 dX2", false, true, 256, 1024, 1024},
    {"W2 dX3", false, true, 256, 1024, 10},
    {"W2 dW1", true, false, 784, 1024, 256},
    {"W2 dW2", true, false, 1024, 1024, 256},
    {"W2 dW3", true, false, 1024, 10, 256},
};
#define N_SHAPES (sizeof shapes / sizeof shapes[0])

static const nb_gemm_impl impls[] = {NB_GEMM_PORTABLE, NB_GEMM_AVX2,
                                     NB_GEMM_AVX512, NB_GEMM_BLAS};
#define N_IMPLS (sizeof impls / sizeof impls[0])

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void set_threads(int nt)
{
#ifdef _OPENMP
    omp_set_num_threads(nt);
#endif
#if defined(NB_HAVE_CBLAS) && defined(OPENBLAS_VERSION)
    openblas_set_num_threads(nt);
#endif
    (void)nt;
}

/* Best GFLOP/s over repetitions lasting at least min_s in all (at least
 * three, at most 200); 0 when the implementation is unavailable. */
static double measure(nb_gemm_impl impl, const shape *s, const float *a,
                      const float *b, float *c, void *ws, double min_s)
{
    int64_t lda = s->ta ? s->m : s->k, ldb = s->tb ? s->k : s->n;
    double best = 1e30, total = 0;
    for (int rep = 0; rep < 200 && (rep < 3 || total < min_s); rep++) {
        double t0 = now();
        int rc = nb_gemm_f32_with(impl, s->ta, s->tb, s->m, s->n, s->k, 1.0f,
                                  a, lda, b, ldb, 0.0f, c, s->n, ws);
        double dt = now() - t0;
        if (rc != 0)
            return 0;
        total += dt;
        if (dt < best)
            best = dt;
    }
    return 2.0 * (double)s->m * (double)s->n * (double)s->k / best * 1e-9;
}

int main(int argc, char **argv)
{
    double min_s = argc > 1 ? atof(argv[1]) : 0.3;
    int max_nt = 1;
#ifdef _OPENMP
    max_nt = omp_get_max_threads();
#endif
    if (argc > 2 && atoi(argv[2]) >= 1 && atoi(argv[2]) < max_nt)
        max_nt = atoi(argv[2]);
    int thread_counts[2] = {1, max_nt};
    int n_counts = max_nt > 1 ? 2 : 1;

    printf("f32 GEMM, GFLOP/s (best of repetitions); AUTO = %s\n",
           nb_gemm_impl_name(nb_gemm_impl_available(NB_GEMM_AVX512)
                                 ? NB_GEMM_AVX512
                                 : nb_gemm_impl_available(NB_GEMM_AVX2)
                                       ? NB_GEMM_AVX2
                                       : NB_GEMM_PORTABLE));
    for (int tc = 0; tc < n_counts; tc++) {
        int nt = thread_counts[tc];
        set_threads(nt);
        printf("\nthreads: %d\n%-14s %5s %5s %5s", nt, "shape", "m", "n", "k");
        for (size_t i = 0; i < N_IMPLS; i++)
            printf(" %9s", nb_gemm_impl_name(impls[i]));
        printf(" %12s\n", "avx512/blas");
        for (size_t si = 0; si < N_SHAPES; si++) {
            const shape *s = &shapes[si];
            size_t na = (size_t)(s->m * s->k), nbn = (size_t)(s->k * s->n);
            size_t nc = (size_t)(s->m * s->n);
            float *a = malloc(na * sizeof *a), *b = malloc(nbn * sizeof *b);
            float *c = malloc(nc * sizeof *c);
            size_t wb = nb_gemm_workspace_bytes(4, s->m, s->n, s->k);
            void *ws = aligned_alloc(64, (wb + 63) / 64 * 64 + 64);
            if (!a || !b || !c || !ws) {
                fprintf(stderr, "bench_gemm: out of memory\n");
                return EXIT_FAILURE;
            }
            for (size_t i = 0; i < na; i++) a[i] = (float)((i * 7) % 13) - 6;
            for (size_t i = 0; i < nbn; i++) b[i] = (float)((i * 5) % 11) - 5;
            printf("%-14s %5lld %5lld %5lld", s->name, (long long)s->m,
                   (long long)s->n, (long long)s->k);
            double g[N_IMPLS];
            for (size_t i = 0; i < N_IMPLS; i++) {
                g[i] = nb_gemm_impl_available(impls[i])
                           ? measure(impls[i], s, a, b, c, ws, min_s)
                           : 0;
                if (g[i] > 0)
                    printf(" %9.1f", g[i]);
                else
                    printf(" %9s", "-");
                fflush(stdout);
            }
            if (g[2] > 0 && g[3] > 0)
                printf(" %11.2fx", g[2] / g[3]);
            printf("\n");
            free(a);
            free(b);
            free(c);
            free(ws);
        }
    }
    return EXIT_SUCCESS;
}
