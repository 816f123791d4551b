/* The f32 tanh kernel (kernels/tanh.c, kernels/fast_tanh.h) against the
 * double-precision libm tanh: error in ulps over a sweep of the whole float
 * range, dense sweeps where its two formulas meet and where it saturates,
 * the special values, odd symmetry, and the f32 tanh op's gradient. */
#include "test_util.h"

#include <stdint.h>

#include "kernels/tanh.h"

#define CHUNK 4096

/* |got - ref| in units of the spacing of floats at ref (rounded to float). */
static double ulp_error(float got, double ref)
{
    float r = fabsf((float)ref);
    double spacing = (double)nextafterf(r, INFINITY) - (double)r;
    return fabs((double)got - ref) / spacing;
}

/* Worst error over the positive floats with bit patterns lo, lo+step, ...
 * below hi, and their negatives (which must give exactly the negated value). */
static double sweep(uint32_t lo, uint32_t hi, uint32_t step, float *worst_x)
{
    static float in[CHUNK], out[CHUNK], neg_in[CHUNK], neg_out[CHUNK];
    double worst = 0;
    uint64_t b = lo;
    while (b < hi) {
        int n = 0;
        for (; n < CHUNK && b < hi; n++, b += step) {
            uint32_t bits = (uint32_t)b;
            memcpy(&in[n], &bits, sizeof bits);
            neg_in[n] = -in[n];
        }
        nb_k_tanh_f32(n, in, out, NULL);
        nb_k_tanh_f32(n, neg_in, neg_out, NULL);
        for (int i = 0; i < n; i++) {
            double e = ulp_error(out[i], tanh((double)in[i]));
            if (e > worst) {
                worst = e;
                *worst_x = in[i];
            }
            ck_assert_msg(neg_out[i] == -out[i], "tanh(-%.9g) = %.9g but tanh(%.9g) = %.9g",
                          (double)in[i], (double)neg_out[i], (double)in[i], (double)out[i]);
        }
    }
    return worst;
}

static void check_sweep(float lo, float hi, uint32_t step)
{
    uint32_t blo, bhi;
    memcpy(&blo, &lo, sizeof blo);
    memcpy(&bhi, &hi, sizeof bhi);
    float wx = 0;
    double worst = sweep(blo, bhi, step, &wx);
    ck_assert_msg(worst <= 2.0, "tanh on [%g, %g): %.3f ulp at x = %.9g (allowed 2)", (double)lo,
                  (double)hi, worst, (double)wx);
}

/* Every 1009th float from the smallest subnormal to the largest finite. */
START_TEST(test_whole_range)
{
    check_sweep(0x1p-149f, 0x1.fffffep127f, 1009);
}
END_TEST

/* Every float around 0.55 (polynomial / exp formula) and 9.5 (the clamp),
 * and many where x³ P(x²) becomes negligible. */
START_TEST(test_seams)
{
    check_sweep(0.5f, 0.6f, 1);
    check_sweep(9.0f, 10.0f, 1);
    check_sweep(0x1p-14f, 0x1p-12f, 17);
}
END_TEST

START_TEST(test_special_values)
{
    float in[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 9.5f, -9.5f, 20.0f, 1e30f, 0x1p-149f};
    float out[sizeof in / sizeof in[0]];
    int n = (int)(sizeof in / sizeof in[0]);
    nb_k_tanh_f32(n, in, out, NULL);
    ck_assert(out[0] == 0.0f && !signbit(out[0]));
    ck_assert(out[1] == 0.0f && signbit(out[1]));
    ck_assert(out[2] == 1.0f);
    ck_assert(out[3] == -1.0f);
    ck_assert(isnan(out[4]));
    ck_assert(out[5] == 1.0f && out[6] == -1.0f && out[7] == 1.0f && out[8] == 1.0f);
    ck_assert(out[9] == 0x1p-149f); /* tanh x = x for the tiniest x */
}
END_TEST

/* Values from the closed form tanh x = (e^2x - 1) / (e^2x + 1) in double,
 * through the public f32 op, and the f32 gradient 1 - tanh^2 x. */
START_TEST(test_op_f32)
{
    const double xs[] = {-3.0, -0.7, -0.2, 0.0, 0.3, 0.55, 1.0, 4.0};
    enum { N = sizeof xs / sizeof xs[0] };
    float xf[N];
    double want[N], dwant[N];
    for (int i = 0; i < N; i++) {
        xf[i] = (float)xs[i];
        double e = exp(2.0 * (double)xf[i]);
        want[i] = (e - 1) / (e + 1);
        dwant[i] = 1 - want[i] * want[i];
    }
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f32(xf, NB_SHAPE(N)), true);
    nb_tensor *y = nb_tanh(x);
    ck_assert_tensor_near(y, want, N, 2e-7);
    ck_assert_int_eq(nb_backward(nb_sum(y), NULL), NB_OK);
    ck_assert_tensor_near(nb_tensor_grad(x), dwant, N, 5e-7);
}
END_TEST

static Suite *tanh_suite(void)
{
    Suite *s = suite_create("kernels_tanh");
    TCase *tc = nb_test_case("f32 tanh");
    tcase_add_test(tc, test_whole_range);
    tcase_add_test(tc, test_seams);
    tcase_add_test(tc, test_special_values);
    tcase_add_test(tc, test_op_f32);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return nb_test_run(tanh_suite()); }
