/* nabla: unit tests of the GEMM kernels.  Every implementation available
 * in this build and on this CPU is compared, for float and double, with a
 * naive triple loop computed in double. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/gemm.h"

static const nb_gemm_impl all_impls[] = {NB_GEMM_AUTO, NB_GEMM_PORTABLE,
                                         NB_GEMM_AVX2, NB_GEMM_AVX512,
                                         NB_GEMM_BLAS};
#define N_IMPLS (sizeof all_impls / sizeof all_impls[0])

/* Padding of stored rows and of C's spare columns: never to be read
 * (NaN, which would poison any result it reached) or written (sentinel). */
#define SENTINEL 12345.0

typedef struct {
    bool ta, tb;
    int64_t m, n, k;
    double alpha, beta;
    int64_t pad;  /* extra elements per stored row of A, B and C */
    bool nan_c;   /* fill C with NaN before the call (meaningful for beta 0) */
    bool user_ws; /* pass a workspace of nb_gemm_workspace_bytes */
} gemm_case;

static uint64_t rng_state;

static double rnd(void)
{
    /* xorshift64: deterministic inputs in [-1, 1). */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / (double)(UINT64_C(1) << 52) - 1.0;
}

static void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    ck_assert_ptr_nonnull(p);
    return p;
}

/* Runs one case with one implementation and element type; returns the
 * call's status and checks values when it is 0. */
static int run_case(nb_gemm_impl impl, bool f64, const gemm_case *g)
{
    int64_t ar = g->ta ? g->k : g->m, ac = g->ta ? g->m : g->k;
    int64_t br = g->tb ? g->n : g->k, bc = g->tb ? g->k : g->n;
    int64_t lda = ac + g->pad, ldb = bc + g->pad, ldc = g->n + g->pad;
    size_t na = (size_t)(ar * lda), nbn = (size_t)(br * ldb);
    size_t nc = (size_t)(g->m * ldc);
    double *a = xmalloc(na * sizeof *a), *b = xmalloc(nbn * sizeof *b);
    double *c0 = xmalloc(nc * sizeof *c0), *c = xmalloc(nc * sizeof *c);

    rng_state = 0x9E3779B97F4A7C15u ^ (uint64_t)(g->m * 131 + g->n * 7 + g->k);
    for (int64_t i = 0; i < ar; i++)
        for (int64_t j = 0; j < lda; j++)
            a[i * lda + j] = j < ac ? rnd() : NAN;
    for (int64_t i = 0; i < br; i++)
        for (int64_t j = 0; j < ldb; j++)
            b[i * ldb + j] = j < bc ? rnd() : NAN;
    for (int64_t i = 0; i < g->m; i++)
        for (int64_t j = 0; j < ldc; j++)
            c0[i * ldc + j] = j < g->n ? (g->nan_c ? NAN : rnd()) : SENTINEL;

    void *ws = NULL;
    if (g->user_ws) {
        size_t wb = nb_gemm_workspace_bytes(f64 ? 8 : 4, g->m, g->n, g->k);
        ws = aligned_alloc(64, (wb + 63) / 64 * 64 + 64);
        ck_assert_ptr_nonnull(ws);
    }

    int rc;
    if (f64) {
        memcpy(c, c0, nc * sizeof *c);
        rc = nb_gemm_f64_with(impl, g->ta, g->tb, g->m, g->n, g->k, g->alpha,
                              a, lda, b, ldb, g->beta, c, ldc, ws);
    } else {
        float *af = xmalloc(na * sizeof *af), *bf = xmalloc(nbn * sizeof *bf);
        float *cf = xmalloc(nc * sizeof *cf);
        for (size_t i = 0; i < na; i++) af[i] = (float)a[i];
        for (size_t i = 0; i < nbn; i++) bf[i] = (float)b[i];
        for (size_t i = 0; i < nc; i++) cf[i] = (float)c0[i];
        /* Compare against the values the float call really saw. */
        for (size_t i = 0; i < na; i++) a[i] = af[i];
        for (size_t i = 0; i < nbn; i++) b[i] = bf[i];
        for (size_t i = 0; i < nc; i++) c0[i] = cf[i];
        rc = nb_gemm_f32_with(impl, g->ta, g->tb, g->m, g->n, g->k,
                              (float)g->alpha, af, lda, bf, ldb,
                              (float)g->beta, cf, ldc, ws);
        for (size_t i = 0; i < nc; i++) c[i] = cf[i];
        free(af);
        free(bf);
        free(cf);
    }

    if (rc == 0) {
        double eps = f64 ? 1e-14 : 1e-5;
        for (int64_t i = 0; i < g->m; i++) {
            for (int64_t j = 0; j < ldc; j++) {
                double got = c[i * ldc + j];
                if (j >= g->n) {
                    ck_assert_msg(got == SENTINEL,
                                  "%s: C padding (%lld,%lld) overwritten",
                                  nb_gemm_impl_name(impl), (long long)i,
                                  (long long)j);
                    continue;
                }
                double s = 0, mag = 0;
                for (int64_t p = 0; p < g->k; p++) {
                    double x = g->ta ? a[p * lda + i] : a[i * lda + p];
                    double y = g->tb ? b[j * ldb + p] : b[p * ldb + j];
                    s += x * y;
                    mag += fabs(x * y);
                }
                double want = g->alpha * s, bound = fabs(g->alpha) * mag;
                if (g->beta != 0) {
                    want += g->beta * c0[i * ldc + j];
                    bound += fabs(g->beta * c0[i * ldc + j]);
                }
                double tol = eps * sqrt((double)g->k + 1) * bound + 1e-30;
                ck_assert_msg(fabs(got - want) <= tol,
                              "%s %s ta=%d tb=%d %lldx%lldx%lld alpha=%g "
                              "beta=%g: C(%lld,%lld) = %.9g, want %.9g",
                              nb_gemm_impl_name(impl), f64 ? "f64" : "f32",
                              g->ta, g->tb, (long long)g->m, (long long)g->n,
                              (long long)g->k, g->alpha, g->beta,
                              (long long)i, (long long)j, got, want);
            }
        }
    }
    free(ws);
    free(a);
    free(b);
    free(c0);
    free(c);
    return rc;
}

/* Runs a case with every available implementation and both types. */
static void run_all(const gemm_case *g)
{
    for (size_t i = 0; i < N_IMPLS; i++) {
        if (!nb_gemm_impl_available(all_impls[i]))
            continue;
        for (int f64 = 0; f64 <= 1; f64++)
            ck_assert_int_eq(run_case(all_impls[i], f64, g), 0);
    }
}

/* Runs the shape with all four transpose combinations. */
static void run_transposes(gemm_case g)
{
    for (int t = 0; t < 4; t++) {
        g.ta = t & 1;
        g.tb = (t >> 1) & 1;
        run_all(&g);
    }
}

static const int64_t shapes[][3] = {
    {1, 1, 1}, {7, 13, 5}, {65, 129, 31}, {17, 33, 300}, {1, 50, 9},
    {40, 1, 17}, {3, 5, 1}, {13, 31, 2}, {12, 32, 256}, {25, 65, 257},
};

START_TEST(test_shapes)
{
    gemm_case g = {.m = shapes[_i][0], .n = shapes[_i][1],
                   .k = shapes[_i][2], .alpha = 1, .beta = 0};
    run_transposes(g);
}
END_TEST

/* Shapes of the small-shape paths (kernels/gemm_small_tmpl.h): a row or
 * column vector (m == 1, n == 1), outer products (k == 1), and narrow
 * products (n <= 16) with tiles of one and two vectors, ragged last tiles
 * and k spanning several 256-deep chunks. */
static const int64_t small_shapes[][3] = {
    {1, 37, 19},  {1, 100, 300}, {1, 7, 1},    {1, 16, 33},  {45, 1, 33},
    {300, 1, 7},  {1, 1, 40},    {33, 70, 1},  {5, 3, 1},    {64, 10, 256},
    {256, 10, 64}, {17, 10, 300}, {29, 16, 31}, {13, 9, 5},  {50, 8, 600},
    {7, 2, 2},    {23, 4, 513},  {19, 12, 257}, {2, 11, 3},  {31, 5, 17},
};

START_TEST(test_small_shapes)
{
    static const double alphas[] = {1, -0.5}, betas[] = {0, 1, -1.5};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++) {
            gemm_case g = {.m = small_shapes[_i][0], .n = small_shapes[_i][1],
                           .k = small_shapes[_i][2], .alpha = alphas[i],
                           .beta = betas[j], .pad = i + j,
                           .nan_c = betas[j] == 0};
            run_transposes(g);
        }
}
END_TEST

/* Every narrow width n = 1..17 (the in-place AVX2 paths take A
 * transposed with 8 <= n <= 12 and A, B not transposed with n <= 16; the
 * others go to the generic narrow tiles or the packed driver), odd m
 * (ragged last tiles of 8 and of 6 rows, and m < 8) and odd k (one past a
 * 256-deep chunk in the last pair), rows stored with 3 spare elements. */
static const int64_t narrow_mk[][2] = {{7, 5}, {29, 67}, {13, 257}};

START_TEST(test_narrow_n)
{
    int64_t n = _i + 1;
    static const double alphas[] = {1, -0.75}, betas[] = {0, 1.5};
    for (size_t s = 0; s < sizeof narrow_mk / sizeof narrow_mk[0]; s++)
        for (int ab = 0; ab < 2; ab++) {
            gemm_case g = {.m = narrow_mk[s][0], .n = n, .k = narrow_mk[s][1],
                           .alpha = alphas[ab], .beta = betas[ab], .pad = 3,
                           .nan_c = betas[ab] == 0};
            run_transposes(g);
        }
}
END_TEST

/* Odd sizes just past the AVX2 blocks (m > mc = 264 and k > kc = 256 cut
 * into nearly equal blocks), with n and k not multiples of 8 (the register
 * transposes of the packers and their tails) and padded rows. */
START_TEST(test_odd_blocks)
{
    gemm_case g = {.m = 271, .n = 35, .k = 275, .alpha = 0.5, .beta = -1.25,
                   .pad = 5};
    run_transposes(g);
    g.m = 5, g.n = 17, g.k = 9, g.beta = 0, g.nan_c = true;
    run_transposes(g);
}
END_TEST

START_TEST(test_alpha_beta)
{
    static const double alphas[] = {1, -0.5, 2.5}, betas[] = {0, 1, -1.5};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            gemm_case g = {.m = 65, .n = 129, .k = 31, .alpha = alphas[i],
                           .beta = betas[j]};
            run_transposes(g);
            g.m = 7, g.n = 13, g.k = 300;
            run_transposes(g);
        }
}
END_TEST

START_TEST(test_ld_padding)
{
    gemm_case g = {.m = 65, .n = 129, .k = 31, .alpha = 0.75, .beta = 0.5,
                   .pad = 5};
    run_transposes(g);
    g.m = 1, g.n = 1, g.k = 1, g.pad = 3;
    run_transposes(g);
    g.m = 17, g.n = 33, g.k = 300, g.pad = 16, g.beta = 0;
    run_transposes(g);
}
END_TEST

START_TEST(test_beta0_nan)
{
    gemm_case g = {.m = 65, .n = 129, .k = 31, .alpha = 1, .beta = 0,
                   .nan_c = true, .pad = 2};
    run_transposes(g);
    g.m = 7, g.n = 13, g.k = 5, g.alpha = -2;
    run_transposes(g);
    g.k = 0; /* no product at all: C still becomes zero */
    run_transposes(g);
    g.k = 4, g.alpha = 0; /* alpha 0: A, B unread, C zero */
    run_transposes(g);
}
END_TEST

START_TEST(test_zero_sizes)
{
    static const int64_t z[][3] = {{0, 5, 3}, {4, 0, 3}, {4, 5, 0},
                                   {0, 0, 0}, {1, 1, 0}};
    for (size_t s = 0; s < sizeof z / sizeof z[0]; s++) {
        gemm_case g = {.m = z[s][0], .n = z[s][1], .k = z[s][2],
                       .alpha = 1.5, .beta = -2, .pad = 1};
        run_transposes(g); /* k == 0: C = beta * C */
        g.beta = 1;
        run_transposes(g);
    }
    gemm_case g = {.m = 9, .n = 7, .k = 5, .alpha = 0, .beta = 0.5};
    run_transposes(g);
}
END_TEST

START_TEST(test_large)
{
    gemm_case g = {.m = 256, .n = 256, .k = 256, .alpha = 1, .beta = 0};
    run_transposes(g);
    g.beta = 1, g.alpha = -1;
    run_all(&g);
}
END_TEST

/* Crosses every blocking boundary of every kernel: m beyond mc, k beyond
 * kc (several k-blocks, so beta applies once), n beyond nc. */
START_TEST(test_blocking)
{
    gemm_case g = {.m = 501, .n = 37, .k = 20, .alpha = 1, .beta = 0.5};
    run_transposes(g);
    g.m = 5, g.n = 70, g.k = 777;
    run_transposes(g);
    g.m = 3, g.n = 4100, g.k = 2;
    run_all(&g);
}
END_TEST

/* The three products of one dense layer in training workload W1. */
START_TEST(test_w1_shapes)
{
    gemm_case fwd = {.m = 64, .n = 256, .k = 784, .alpha = 1, .beta = 0};
    run_all(&fwd);
    gemm_case dx = {.tb = true, .m = 64, .n = 784, .k = 256, .alpha = 1};
    run_all(&dx);
    gemm_case dw = {.ta = true, .m = 784, .n = 256, .k = 64, .alpha = 1,
                    .beta = 1};
    run_all(&dw);
}
END_TEST

/* The register-transpose packers (A not transposed, B transposed) work on
 * 16 x 16 blocks with masked loads and stores: rows of a sliver that are
 * not a multiple of 16 (12-row A slivers, 32-column B slivers and their
 * ragged edges), k tails of every length 1..17 and beyond a k-block, and
 * rows with padding after them (NaN there must never be read). */
START_TEST(test_pack_edges)
{
    static const int64_t ks[] = {1, 2, 15, 16, 17, 31, 33, 513, 530};
    static const int64_t mns[][2] = {{1, 1},  {11, 31}, {12, 32},
                                     {13, 33}, {29, 47}, {37, 10}};
    for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++)
        for (size_t si = 0; si < sizeof mns / sizeof mns[0]; si++)
            for (int64_t pad = 0; pad <= 3; pad += 3) {
                gemm_case g = {.tb = true, .m = mns[si][0], .n = mns[si][1],
                               .k = ks[ki], .alpha = 1, .beta = 0.5,
                               .pad = pad};
                run_all(&g);
                g.tb = false;
                run_all(&g);
            }
}
END_TEST

/* The products of training workload W2 (784-1024-1024-10, minibatch 256)
 * whose shapes are not already covered: k = 10 and n = 10. */
START_TEST(test_w2_shapes)
{
    gemm_case fwd3 = {.m = 256, .n = 10, .k = 1024, .alpha = 1, .beta = 0};
    run_all(&fwd3);
    gemm_case dx3 = {.tb = true, .m = 256, .n = 1024, .k = 10, .alpha = 1};
    run_all(&dx3);
    gemm_case dw3 = {.ta = true, .m = 1024, .n = 10, .k = 256, .alpha = 1,
                     .beta = 1};
    run_all(&dw3);
}
END_TEST

START_TEST(test_user_workspace)
{
    gemm_case g = {.m = 64, .n = 256, .k = 784, .alpha = 1, .beta = 0,
                   .user_ws = true};
    run_transposes(g);
    g.m = 65, g.n = 129, g.k = 31, g.beta = 2;
    run_transposes(g);
    ck_assert_uint_eq(nb_gemm_workspace_bytes(4, 0, 10, 10), 0);
    ck_assert_uint_eq(nb_gemm_workspace_bytes(3, 10, 10, 10), 0);
    ck_assert_uint_gt(nb_gemm_workspace_bytes(8, 10, 10, 10), 0);
}
END_TEST

/* Results must not depend on how many threads OpenMP may use. */
START_TEST(test_threads)
{
#ifdef _OPENMP
    int saved = omp_get_max_threads();
    for (int nt = 1; nt <= 3; nt++) {
        omp_set_num_threads(nt);
        gemm_case g = {.m = 64, .n = 256, .k = 784, .alpha = 1, .beta = 0,
                       .user_ws = nt == 2};
        run_all(&g);
        g.ta = true, g.m = 784, g.n = 256, g.k = 64;
        run_all(&g);
        g.ta = false, g.m = 3, g.n = 1000, g.k = 700;
        run_all(&g);
    }
    omp_set_num_threads(saved);
#else
    gemm_case g = {.m = 64, .n = 256, .k = 784, .alpha = 1, .beta = 0};
    run_all(&g);
#endif
}
END_TEST

/* A threaded call and a one-thread call give the same bits: the driver
 * picks either way per call from the speeds it measures (the first two calls
 * of a shape try both, then every 32nd tries the slower one), so 70 calls of
 * one shape take both ways whatever the machine's load. */
START_TEST(test_threads_bitwise)
{
#ifdef _OPENMP
    int saved = omp_get_max_threads();
    const int64_t m = 96, n = 256, k = 300;
    float *a = xmalloc(sizeof(float) * (size_t)(m * k)), *b = xmalloc(sizeof(float) * (size_t)(k * n));
    float *want = xmalloc(sizeof(float) * (size_t)(m * n)), *got = xmalloc(sizeof(float) * (size_t)(m * n));
    for (int64_t i = 0; i < m * k; i++)
        a[i] = (float)rnd();
    for (int64_t i = 0; i < k * n; i++)
        b[i] = (float)rnd();
    omp_set_num_threads(1);
    ck_assert_int_eq(nb_gemm_f32(false, true, m, n, k, 1.0f, a, k, b, k, 0.0f, want, n, NULL), 0);
    omp_set_num_threads(2);
    for (int rep = 0; rep < 70; rep++) {
        memset(got, 0, sizeof(float) * (size_t)(m * n));
        ck_assert_int_eq(nb_gemm_f32(false, true, m, n, k, 1.0f, a, k, b, k, 0.0f, got, n, NULL), 0);
        ck_assert_msg(memcmp(got, want, sizeof(float) * (size_t)(m * n)) == 0, "call %d differs", rep);
    }
    omp_set_num_threads(saved);
    free(a), free(b), free(want), free(got);
#endif
}
END_TEST

START_TEST(test_api)
{
    ck_assert_str_eq(nb_gemm_impl_name(NB_GEMM_PORTABLE), "portable");
    ck_assert_str_eq(nb_gemm_impl_name(NB_GEMM_AVX2), "avx2");
    ck_assert_str_eq(nb_gemm_impl_name(NB_GEMM_AVX512), "avx512");
    ck_assert_str_eq(nb_gemm_impl_name(NB_GEMM_BLAS), "blas");
    ck_assert(nb_gemm_impl_available(NB_GEMM_AUTO));
    ck_assert(nb_gemm_impl_available(NB_GEMM_PORTABLE));
    /* An AVX-512 machine has AVX2 too. */
    if (nb_gemm_impl_available(NB_GEMM_AVX512))
        ck_assert(nb_gemm_impl_available(NB_GEMM_AVX2));

    float a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4] = {7, 7, 7, 7};
    for (size_t i = 0; i < N_IMPLS; i++) {
        int rc = nb_gemm_f32_with(all_impls[i], false, false, 2, 2, 2, 1, a,
                                  2, b, 2, 0, c, 2, NULL);
        if (!nb_gemm_impl_available(all_impls[i])) {
            /* Unavailable: -2, nothing computed. */
            ck_assert_int_eq(rc, -2);
            ck_assert(c[0] == 7 && c[3] == 7);
        } else {
            ck_assert_int_eq(rc, 0);
            ck_assert(c[0] == 1 && c[1] == 2 && c[2] == 3 && c[3] == 4);
            memset(c, 0, sizeof c);
            c[0] = c[1] = c[2] = c[3] = 7;
        }
    }
    ck_assert_int_eq(nb_gemm_f32_with((nb_gemm_impl)99, false, false, 2, 2,
                                      2, 1, a, 2, b, 2, 0, c, 2, NULL),
                     -2);
    /* Invalid arguments: -1 and C untouched. */
    ck_assert_int_eq(nb_gemm_f32(false, false, -1, 2, 2, 1, a, 2, b, 2, 0, c,
                                 2, NULL),
                     -1);
    ck_assert_int_eq(nb_gemm_f32(false, false, 2, 2, 2, 1, a, 1, b, 2, 0, c,
                                 2, NULL),
                     -1);
    ck_assert_int_eq(nb_gemm_f32(true, false, 2, 2, 2, 1, a, 2, b, 2, 0, c,
                                 1, NULL),
                     -1);
    ck_assert(c[0] == 7 && c[3] == 7);
    double ad[1] = {3}, bd[1] = {4}, cd[1] = {NAN};
    ck_assert_int_eq(nb_gemm_f64(false, false, 1, 1, 1, 0.5, ad, 1, bd, 1, 0,
                                 cd, 1, NULL),
                     0);
    ck_assert(cd[0] == 6);
}
END_TEST

static Suite *gemm_suite(void)
{
    Suite *s = suite_create("gemm");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_shapes, 0,
                        (int)(sizeof shapes / sizeof shapes[0]));
    tcase_add_loop_test(tc, test_small_shapes, 0,
                        (int)(sizeof small_shapes / sizeof small_shapes[0]));
    tcase_add_loop_test(tc, test_narrow_n, 0, 17);
    tcase_add_test(tc, test_odd_blocks);
    tcase_add_test(tc, test_alpha_beta);
    tcase_add_test(tc, test_ld_padding);
    tcase_add_test(tc, test_beta0_nan);
    tcase_add_test(tc, test_zero_sizes);
    tcase_add_test(tc, test_large);
    tcase_add_test(tc, test_blocking);
    tcase_add_test(tc, test_w1_shapes);
    tcase_add_test(tc, test_pack_edges);
    tcase_add_test(tc, test_w2_shapes);
    tcase_add_test(tc, test_user_workspace);
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_threads_bitwise);
    tcase_add_test(tc, test_api);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    printf("gemm implementations available:");
    for (size_t i = 1; i < N_IMPLS; i++)
        if (nb_gemm_impl_available(all_impls[i]))
            printf(" %s", nb_gemm_impl_name(all_impls[i]));
    printf("\n");
    SRunner *sr = srunner_create(gemm_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
