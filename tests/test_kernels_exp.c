/* The f32 exp, log and sigmoid kernels (kernels/exp.c, kernels/fast_exp.h)
 * against double-precision libm, for the portable loop and the AVX2+FMA one
 * (where the CPU has it): chosen points and sweeps in ulps (exp and log
 * within 1, sigmoid within 3), the special values, lengths that are not a
 * multiple of the vector width, the shifted-sum kernel of softmax, and the
 * f32 ops that run them.  The check of all 2^32 inputs is bench/exp_accuracy
 * (make exp-accuracy), too long for a unit test. */
#include "test_util.h"

#include <float.h>
#include <stdint.h>

#include "kernels/exp.h"

#define CHUNK 4096

static double ref_exp(double x) { return exp(x); }
static double ref_log(double x) { return log(x); }
static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

static double (*const refs[])(double) = {ref_exp, ref_log, ref_sigmoid};
static const char *const names[] = {"exp", "log", "sigmoid"};
static const double bounds[] = {1.0, 1.0, 3.0};

/* |got - ref| in ulps of the float nearest ref; an infinite error unless
 * both agree on NaN and on infinities. */
static double ulp_error(float got, double ref)
{
    if (isnan(ref))
        return isnan(got) ? 0 : INFINITY;
    float r = (float)ref;
    if (isinf(r) || isinf(got) || isnan(got))
        return got == r ? 0 : INFINITY;
    float a = fabsf(r);
    double spacing = a == FLT_MAX ? 0x1p104 : (double)nextafterf(a, INFINITY) - (double)a;
    return fabs((double)got - ref) / spacing;
}

/* Runs variant (fn, fused) on n inputs and checks each result's error; false
 * when the variant is not available here. */
static bool check_values(nb_k_fast_fn fn, bool fused, int n, const float *in)
{
    static float out[CHUNK];
    ck_assert_int_le(n, CHUNK);
    if (!nb_k_fast_f32_variant(fn, fused, n, in, out))
        return false;
    for (int i = 0; i < n; i++) {
        double e = ulp_error(out[i], refs[fn]((double)in[i]));
        ck_assert_msg(e <= bounds[fn], "%s (%s) of %a = %a: %.3f ulp (allowed %.0f)", names[fn],
                      fused ? "avx2+fma" : "portable", (double)in[i], (double)out[i], e,
                      bounds[fn]);
    }
    return true;
}

/* Every `step`-th float bit pattern from lo up to hi (inclusive). */
static void check_sweep(nb_k_fast_fn fn, float lo, float hi, uint32_t step)
{
    static float in[CHUNK];
    uint32_t blo, bhi;
    memcpy(&blo, &lo, sizeof blo);
    memcpy(&bhi, &hi, sizeof bhi);
    for (int fused = 0; fused < 2; fused++) {
        uint64_t b = blo;
        while (b <= bhi) {
            int n = 0;
            for (; n < CHUNK && b <= bhi; n++, b += step) {
                uint32_t bits = (uint32_t)b;
                memcpy(&in[n], &bits, sizeof bits);
            }
            if (!check_values(fn, fused, n, in))
                break;
        }
    }
}

/* Points where the formulas change or the results leave the normal range. */
static const float points[] = {
    0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 2.0f, 0x1p-149f, -0x1p-149f, 0x1p-126f, 0x1.fffffcp-127f,
    0.34657359f, -0.34657359f, 0.70710677f, 0.70710683f, 1.41421354f, 1.41421366f,
    88.7228317f, 88.7228394f, 89.0f, -87.3365479f, -87.5f, -103.278931f, -103.972076f,
    -104.0f, -110.0f, -120.0f, 110.0f, 1000.0f, FLT_MAX, -FLT_MAX, 1e-7f, -1e-7f, 15.9424f,
    16.6355f, -16.6355f, 3.0e38f, 1.17549421e-38f, 5.0f, -5.85337114f, 0.693147182f};

START_TEST(test_points)
{
    int n = (int)(sizeof points / sizeof points[0]);
    for (int fn = 0; fn < 3; fn++) {
        ck_assert(check_values((nb_k_fast_fn)fn, false, n, points));
        check_values((nb_k_fast_fn)fn, true, n, points);
    }
}
END_TEST

/* Sweeps over the whole float range (positive and negative), densely where
 * exp leaves the normal range and log meets its subnormal scaling and its
 * reduction boundary at sqrt(1/2). */
START_TEST(test_sweeps)
{
    for (int fn = 0; fn < 3; fn++) {
        check_sweep((nb_k_fast_fn)fn, 0x1p-149f, FLT_MAX, 4099);
        check_sweep((nb_k_fast_fn)fn, -FLT_MAX, -0x1p-149f, 4099);
    }
    check_sweep(NB_K_FAST_EXP, 88.0f, 89.0f, 7);
    check_sweep(NB_K_FAST_EXP, -104.0f, -86.0f, 13);
    check_sweep(NB_K_FAST_EXP, -1.0f, 1.0f, 4001);
    check_sweep(NB_K_FAST_LOG, 0x1p-149f, 0x1p-120f, 1013);
    check_sweep(NB_K_FAST_LOG, 0.70f, 0.72f, 3);
    check_sweep(NB_K_FAST_LOG, 0.99f, 1.01f, 5);
    check_sweep(NB_K_FAST_SIGMOID, -104.0f, -80.0f, 13);
    check_sweep(NB_K_FAST_SIGMOID, -8.0f, 8.0f, 101);
}
END_TEST

START_TEST(test_special_values)
{
    const float in[] = {INFINITY, -INFINITY, NAN, -NAN, 0.0f, -0.0f, -1.0f, 0x1p-149f};
    enum { N = sizeof in / sizeof in[0] };
    float o[N];
    for (int fused = 0; fused < 2; fused++) {
        if (!nb_k_fast_f32_variant(NB_K_FAST_EXP, fused, N, in, o))
            continue;
        ck_assert(o[0] == INFINITY && o[1] == 0.0f && isnan(o[2]) && isnan(o[3]));
        ck_assert(o[4] == 1.0f && o[5] == 1.0f && o[7] == 1.0f);
        nb_k_fast_f32_variant(NB_K_FAST_LOG, fused, N, in, o);
        ck_assert(o[0] == INFINITY && isnan(o[1]) && isnan(o[2]) && isnan(o[3]));
        ck_assert(o[4] == -INFINITY && o[5] == -INFINITY && isnan(o[6]));
        ck_assert_float_eq(o[7], (float)log(0x1p-149));
        nb_k_fast_f32_variant(NB_K_FAST_SIGMOID, fused, N, in, o);
        ck_assert(o[0] == 1.0f && o[1] == 0.0f && isnan(o[2]) && isnan(o[3]));
        ck_assert(o[4] == 0.5f && o[5] == 0.5f);
    }
}
END_TEST

/* Every length up to 40 through the dispatched kernels (the vector loops'
 * remainders), each element against the single-value helper's bound, and
 * the elements past n untouched. */
START_TEST(test_lengths)
{
    float in[41], out[41];
    for (int i = 0; i < 41; i++)
        in[i] = 0.37f * (float)(i - 20);
    for (int n = 0; n <= 40; n++) {
        void (*const fns[])(int64_t, const float *, float *, const void *) = {
            nb_k_exp_f32, nb_k_log_f32, nb_k_sigmoid_f32};
        for (int fn = 0; fn < 3; fn++) {
            for (int i = 0; i < 41; i++)
                out[i] = -7.0f;
            fns[fn](n, in, out, NULL);
            for (int i = 0; i < n; i++)
                ck_assert_msg(ulp_error(out[i], refs[fn]((double)in[i])) <= bounds[fn],
                              "%s, n = %d, element %d", names[fn], n, i);
            ck_assert_float_eq(out[n], -7.0f);
        }
    }
}
END_TEST

/* nb_k_exp_shift_sum_f32: the terms e^(x - shift) and their sum, odd
 * lengths, with and without storing the terms. */
START_TEST(test_shift_sum)
{
    float in[37], out[37];
    for (int n = 1; n <= 37; n += 6) {
        double want = 0;
        for (int i = 0; i < n; i++) {
            in[i] = 0.25f * (float)i - 3.0f;
            want += exp((double)in[i] - 1.5);
        }
        double s = nb_k_exp_shift_sum_f32(n, in, 1.5f, out);
        ck_assert_double_eq_tol(s, want, 4e-7 * want);
        ck_assert_double_eq_tol(nb_k_exp_shift_sum_f32(n, in, 1.5f, NULL), s, 1e-12 * s);
        for (int i = 0; i < n; i++)
            ck_assert(ulp_error(out[i], exp((double)(in[i] - 1.5f))) <= 1.0);
    }
}
END_TEST

/* The f32 ops that run the kernels: exp, log and sigmoid with their
 * gradients, and softmax / log-softmax / logsumexp of f32 rows against the
 * same computed in double. */
START_TEST(test_ops_f32)
{
    const float xs[] = {-3.0f, -0.7f, -0.2f, 0.3f, 0.55f, 1.0f, 4.0f};
    enum { N = sizeof xs / sizeof xs[0] };
    double we[N], wl[N], ws[N], dl[N], ds[N];
    for (int i = 0; i < N; i++) {
        double x = xs[i];
        we[i] = exp(x);
        wl[i] = log(fabs(x));
        dl[i] = 1 / fabs(x);
        ws[i] = 1 / (1 + exp(-x));
        ds[i] = ws[i] * (1 - ws[i]);
    }
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f32(xs, NB_SHAPE(N)), true);
    nb_tensor *e = nb_exp(x);
    ck_assert_tensor_near(e, we, N, 3e-7 * 60);
    ck_assert_int_eq(nb_backward(nb_sum(e), NULL), NB_OK);
    ck_assert_tensor_near(nb_tensor_grad(x), we, N, 3e-7 * 60);
    nb_tensor *ax = nb_tensor_set_requires_grad(nb_abs(nb_detach(x)), true);
    nb_tensor *l = nb_log(ax);
    ck_assert_tensor_near(l, wl, N, 3e-7);
    ck_assert_int_eq(nb_backward(nb_sum(l), NULL), NB_OK);
    ck_assert_tensor_near(nb_tensor_grad(ax), dl, N, 2e-6);
    nb_tensor *x2 = nb_tensor_set_requires_grad(nb_from_f32(xs, NB_SHAPE(N)), true);
    nb_tensor *s = nb_sigmoid(x2);
    ck_assert_tensor_near(s, ws, N, 2e-7);
    ck_assert_int_eq(nb_backward(nb_sum(s), NULL), NB_OK);
    ck_assert_tensor_near(nb_tensor_grad(x2), ds, N, 2e-7);

    /* two rows of N: softmax, log_softmax, logsumexp along axis 1 */
    float rows[2 * N];
    double sm[2 * N], lsm[2 * N], lse[2];
    for (int r = 0; r < 2; r++) {
        double m = -INFINITY, sum = 0;
        for (int i = 0; i < N; i++) {
            rows[r * N + i] = xs[i] * (float)(r + 1);
            m = fmax(m, rows[r * N + i]);
        }
        for (int i = 0; i < N; i++)
            sum += exp(rows[r * N + i] - m);
        lse[r] = m + log(sum);
        for (int i = 0; i < N; i++) {
            lsm[r * N + i] = rows[r * N + i] - lse[r];
            sm[r * N + i] = exp(lsm[r * N + i]);
        }
    }
    nb_tensor *t = nb_from_f32(rows, NB_SHAPE(2, N));
    ck_assert_tensor_near(nb_softmax(t, 1), sm, 2 * N, 2e-7);
    ck_assert_tensor_near(nb_log_softmax(t, 1), lsm, 2 * N, 2e-6);
    ck_assert_tensor_near(nb_logsumexp_axis(t, 1, false), lse, 2, 2e-6);
}
END_TEST

static Suite *exp_suite(void)
{
    Suite *s = suite_create("kernels_exp");
    TCase *tc = nb_test_case("f32 exp, log, sigmoid");
    tcase_add_test(tc, test_points);
    tcase_add_test(tc, test_sweeps);
    tcase_add_test(tc, test_special_values);
    tcase_add_test(tc, test_lengths);
    tcase_add_test(tc, test_shift_sum);
    tcase_add_test(tc, test_ops_f32);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return nb_test_run(exp_suite()); }
