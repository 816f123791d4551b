/* nabla: GEMM benchmark (workload W4 plus the per-minibatch products of
 * training workloads W1-W3).  For every implementation available here,
 * and for the CBLAS library when the build has one, it prints GFLOP/s as
 * the median of alternating samples (the machine is shared: one
 * implementation's samples are interleaved with the others'), our best
 * kernel over BLAS as the median and range of the per-sample ratios, and
 * W1's GEMM-only limit: the samples/s a training step could reach if it
 * did nothing but its five matrix products at the measured speeds.
 *
 * Usage: bench_gemm [--w1] [--reps N] [--cpu] [--only SHAPE] [--no-portable]
 *                   [seconds_per_sample [max_threads]]
 *   --w1: the W1 products only, one thread (for bench/compare.sh)
 *   --reps: samples per implementation and shape, default 5
 *   --cpu: time by the calling thread's CPU clock instead of the wall
 *     clock, so that time the scheduler gives to other programs of a
 *     shared machine is not counted (meaningful for one thread only:
 *     with more, the other threads' work is not seen)
 *   --only SHAPE: the shapes whose name starts with SHAPE ("W1 fwd2",
 *     "W2"), as often as it is given
 *   --no-portable: skip the plain C kernels (the slowest part of a run)
 *   --own NAME: the kernel of ours ("avx2", "avx512", "portable") that the
 *     ratio column and the W1 limit compare with BLAS; default AUTO's
 *   seconds_per_sample: default 0.05
 *   max_threads: 1 measures one thread only; default all threads */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    bool w1; /* one of the five products of a W1 training step */
} shape;

static const shape shapes[] = {
    {"W4 1024^3", false, false, 1024, 1024, 1024, false},
    /* W1 (784-256-10, minibatch 64): forward, then dX2 and dW per layer
     * (no dX1: the input needs no gradient). */
    {"W1 fwd1", false, false, 64, 256, 784, true},
    {"W1 fwd2", false, false, 64, 10, 256, true},
    {"W1 dX2", false, true, 64, 256, 10, true},
    {"W1 dW2", true, false, 256, 10, 64, true},
    {"W1 dW1", true, false, 784, 256, 64, true},
    {"W1 dX=dY*W^T", false, true, 64, 784, 256, false},
    /* W2 (784-1024-1024-10, minibatch 256): forward, dX, dW per layer. */
    {"W2 fwd1", false, false, 256, 1024, 784, false},
    {"W2 fwd2", false, false, 256, 1024, 1024, false},
    {"W2 fwd3", false, false, 256, 10, 1024, false},
    {"W2 dX2", false, true, 256, 1024, 1024, false},
    {"W2 dX3", false, true, 256, 1024, 10, false},
    {"W2 dW1", true, false, 784, 1024, 256, false},
    {"W2 dW2", true, false, 1024, 1024, 256, false},
    {"W2 dW3", true, false, 1024, 10, 256, false},
    /* W3 (784-32-10, minibatch 1) */
    {"W3 fwd1", false, false, 1, 32, 784, false},
    {"W3 fwd2", false, false, 1, 10, 32, false},
    {"W3 dX2", false, true, 1, 32, 10, false},
    {"W3 dW1", true, false, 784, 32, 1, false},
    {"W3 dW2", true, false, 32, 10, 1, false},
};
#define N_SHAPES (sizeof shapes / sizeof shapes[0])

static const nb_gemm_impl impls[] = {NB_GEMM_PORTABLE, NB_GEMM_AVX2,
                                     NB_GEMM_AVX512, NB_GEMM_BLAS};
#define N_IMPLS (sizeof impls / sizeof impls[0])
#define MAX_REPS 64

/* The clock of the samples: wall time, or with --cpu the CPU time of the
 * calling thread (clock_gettime's per-thread clock). */
static clockid_t clock_id = CLOCK_MONOTONIC;

static double now(void)
{
    struct timespec ts;
    clock_gettime(clock_id, &ts);
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

/* GFLOP/s of one sample: calls repeated for at least min_s seconds (at
 * least 3 calls); 0 when the implementation fails. */
static double sample(nb_gemm_impl impl, const shape *s, const float *a,
                     const float *b, float *c, void *ws, double min_s)
{
    int64_t lda = s->ta ? s->m : s->k, ldb = s->tb ? s->k : s->n;
    double t0 = now(), dt;
    long calls = 0;
    do {
        if (nb_gemm_f32_with(impl, s->ta, s->tb, s->m, s->n, s->k, 1.0f, a,
                             lda, b, ldb, 0.0f, c, s->n, ws) != 0)
            return 0;
        calls++;
        dt = now() - t0;
    } while (calls < 3 || dt < min_s);
    return 2.0 * (double)s->m * (double)s->n * (double)s->k * (double)calls /
           dt * 1e-9;
}

static int cmp_double(const void *x, const void *y)
{
    double u = *(const double *)x, v = *(const double *)y;
    return (u > v) - (u < v);
}

static double median(const double *v, int n)
{
    double t[MAX_REPS];
    memcpy(t, v, (size_t)n * sizeof *t);
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static double min_of(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++) m = v[i] < m ? v[i] : m;
    return m;
}

static double max_of(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++) m = v[i] > m ? v[i] : m;
    return m;
}

#define MAX_ONLY 16

/* Whether shape s is selected by the --only prefixes (all are without). */
static bool selected(const shape *s, const char *const *only, int n_only)
{
    if (n_only == 0)
        return true;
    for (int i = 0; i < n_only; i++)
        if (strncmp(s->name, only[i], strlen(only[i])) == 0)
            return true;
    return false;
}

int main(int argc, char **argv)
{
    /* [--w1] [--reps N] [--cpu] [--only SHAPE] [--no-portable]
     * [seconds_per_sample [max_threads]] */
    bool w1_only = false, portable = true;
    const char *only[MAX_ONLY];
    int n_only = 0;
    const char *own_name = NULL;
    int reps = 5, pos = 0;
    double min_s = 0.05;
    int max_nt = 1;
#ifdef _OPENMP
    max_nt = omp_get_max_threads();
#endif
    int want_nt = max_nt;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--w1") == 0) {
            w1_only = true;
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--cpu") == 0) {
            clock_id = CLOCK_THREAD_CPUTIME_ID;
        } else if (strcmp(argv[i], "--own") == 0 && i + 1 < argc) {
            own_name = argv[++i];
        } else if (strcmp(argv[i], "--no-portable") == 0) {
            portable = false;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            if (n_only == MAX_ONLY) {
                fprintf(stderr, "bench_gemm: at most %d --only\n", MAX_ONLY);
                return EXIT_FAILURE;
            }
            only[n_only++] = argv[++i];
        } else if (pos == 0) {
            min_s = atof(argv[i]);
            pos++;
        } else {
            want_nt = atoi(argv[i]);
            pos++;
        }
    }
    if (reps < 1 || reps > MAX_REPS || !(min_s > 0)) {
        fprintf(stderr, "bench_gemm: --reps 1..%d and seconds > 0\n", MAX_REPS);
        return EXIT_FAILURE;
    }
    if (want_nt >= 1 && want_nt < max_nt)
        max_nt = want_nt;
    /* The calling thread's clock does not see the work of other threads. */
    if (clock_id != CLOCK_MONOTONIC)
        max_nt = 1;
    int thread_counts[2] = {1, max_nt};
    int n_counts = max_nt > 1 && !w1_only ? 2 : 1;
    /* Our own best kernel here (what NB_GEMM_AUTO runs). */
    size_t own = nb_gemm_impl_available(NB_GEMM_AVX512) ? 2
                 : nb_gemm_impl_available(NB_GEMM_AVX2) ? 1
                                                        : 0;
    if (own_name) {
        size_t i = 0;
        while (i < 3 && strcmp(nb_gemm_impl_name(impls[i]), own_name) != 0)
            i++;
        if (i == 3 || !nb_gemm_impl_available(impls[i])) {
            fprintf(stderr, "bench_gemm: --own %s: no such kernel here\n", own_name);
            return EXIT_FAILURE;
        }
        own = i;
    }
    bool blas = nb_gemm_impl_available(NB_GEMM_BLAS);

    printf("f32 GEMM, GFLOP/s: median of %d alternating samples of >= %.2f s "
           "(%s time) each; AUTO = %s\n",
           reps, min_s, clock_id == CLOCK_MONOTONIC ? "wall" : "thread CPU",
           nb_gemm_impl_name(nb_gemm_impl_available(NB_GEMM_AVX512) ? NB_GEMM_AVX512
                             : nb_gemm_impl_available(NB_GEMM_AVX2) ? NB_GEMM_AVX2
                                                                    : NB_GEMM_PORTABLE));
    for (int tc = 0; tc < n_counts; tc++) {
        int nt = thread_counts[tc];
        set_threads(nt);
        double w1_s[2] = {0, 0}; /* seconds per W1 step: own, BLAS */
        int w1_done = 0;          /* W1 products measured (5 for a limit) */
        printf("\nthreads: %d\n%-14s %5s %5s %5s", nt, "shape", "m", "n", "k");
        for (size_t i = 0; i < N_IMPLS; i++)
            printf(" %9s", nb_gemm_impl_name(impls[i]));
        printf("  %s/blas median [min-max]\n", nb_gemm_impl_name(impls[own]));
        for (size_t si = 0; si < N_SHAPES; si++) {
            const shape *s = &shapes[si];
            if ((w1_only && !s->w1) || !selected(s, only, n_only))
                continue;
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
            fflush(stdout);
            double g[N_IMPLS][MAX_REPS], ratio[MAX_REPS];
            bool on[N_IMPLS];
            for (size_t i = 0; i < N_IMPLS; i++)
                /* the plain C kernels only once, on one thread: a reference */
                on[i] = nb_gemm_impl_available(impls[i]) &&
                        (impls[i] != NB_GEMM_PORTABLE ||
                         (portable && nt == 1 && !w1_only));
            for (int r = 0; r < reps; r++) {
                /* alternate the order so drifts of the machine's load hit
                 * every implementation alike */
                for (size_t q = 0; q < N_IMPLS; q++) {
                    size_t i = r % 2 ? N_IMPLS - 1 - q : q;
                    g[i][r] = on[i] ? sample(impls[i], s, a, b, c, ws, min_s) : 0;
                }
                ratio[r] = blas && g[3][r] > 0 ? g[own][r] / g[3][r] : 0;
            }
            double med[N_IMPLS];
            for (size_t i = 0; i < N_IMPLS; i++) {
                med[i] = on[i] ? median(g[i], reps) : 0;
                if (med[i] > 0)
                    printf(" %9.1f", med[i]);
                else
                    printf(" %9s", "-");
            }
            if (blas && med[3] > 0)
                printf("  %.2fx [%.2f-%.2f]", median(ratio, reps),
                       min_of(ratio, reps), max_of(ratio, reps));
            printf("\n");
            if (s->w1) {
                w1_done++;
                double flop = 2.0 * (double)s->m * (double)s->n * (double)s->k;
                w1_s[0] += med[own] > 0 ? flop / (med[own] * 1e9) : 0;
                w1_s[1] += med[3] > 0 ? flop / (med[3] * 1e9) : 0;
            }
            free(a);
            free(b);
            free(c);
            free(ws);
        }
        /* A W1 step (minibatch 64) can go no faster than its five matrix
         * products at these speeds. */
        if (w1_done < 5)
            continue;
        printf("w1_gemm_limit threads=%d %s_samples_per_s=%.0f", nt,
               nb_gemm_impl_name(impls[own]), w1_s[0] > 0 ? 64.0 / w1_s[0] : 0);
        if (blas)
            printf(" blas_samples_per_s=%.0f", w1_s[1] > 0 ? 64.0 / w1_s[1] : 0);
        printf("\n");
    }
    return EXIT_SUCCESS;
}
