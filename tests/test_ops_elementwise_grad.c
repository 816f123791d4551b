/* The elementwise ops, gradients by finite differences: nb_gradcheck (first
 * order, full Jacobian) and nb_gradgradcheck (second order) in f64, for every
 * unary op on two shapes and every binary op on same-shape and broadcast
 * pairs, plus cast, purelin and where.  Samples keep 0.1 away from kinks (abs,
 * relu, leaky_relu, clamp bounds, maximum/minimum ties), where a central
 * difference straddling the kink would disagree with any subgradient. */
#include "elementwise_cases.h"

static nb_tensor *call_unary(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    return ((const un_case *)ctx)->fn(in[0]);
}

static nb_tensor *call_binary(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    return ((const bin_case *)ctx)->fn(in[0], in[1]);
}

/* Run both checks with the default tolerances (atol 1e-5, rtol 1e-3, eps
 * 1e-6) and fail with the checker's own message. */
static void check_both(nb_fn fn, nb_tensor *const *in, int n, void *ctx, const char *name,
                       const char *shape, const nb_gradcheck_opts *opts)
{
    nb_gradcheck_result r;
    memset(&r, 0, sizeof r);
    int rc = nb_gradcheck(fn, in, n, ctx, opts, &r);
    ck_assert_msg(rc == NB_OK && r.passed, "%s on %s: gradcheck: %s | %s", name, shape, r.message,
                  nb_last_error());
    ck_assert_msg(r.checked > 0, "%s on %s: nothing was checked", name, shape);
    memset(&r, 0, sizeof r);
    rc = nb_gradgradcheck(fn, in, n, ctx, opts, &r);
    ck_assert_msg(rc == NB_OK && r.passed, "%s on %s: gradgradcheck: %s | %s", name, shape,
                  r.message, nb_last_error());
    ck_assert_msg(r.checked > 0, "%s on %s: nothing was checked (2nd order)", name, shape);
}

START_TEST(test_unary_gradcheck)
{
    const un_case *c = &un_cases[_i];
    const int64_t shapes[2][2] = {{5}, {2, 3}};
    const int ndims[2] = {1, 2};
    const char *names[2] = {"5", "2x3"};
    for (int s = 0; s < 2; s++) {
        double x[6];
        un_samples(c, 40 + (uint64_t)s, x, 6);
        nb_tensor *in = nb_tensor_set_requires_grad(nb_from_f64(x, ndims[s], shapes[s]), true);
        check_both(call_unary, &in, 1, (void *)c, c->name, names[s], NULL);
    }
}
END_TEST

START_TEST(test_binary_gradcheck)
{
    const bin_case *c = &bin_cases[_i];
    const char *names[N_SHAPE_PAIRS] = {"2x3 & 2x3", "2x3 & 3", "2x1 & 1x3", "scalar & 2x2"};
    for (int s = 0; s < N_SHAPE_PAIRS; s++) {
        const shape_pair *p = &shape_pairs[s];
        double av[8], bv[8];
        int on;
        int64_t os[3];
        bin_samples(c, p, 77 + (uint64_t)s, av, bv, &on, os);
        nb_tensor *in[2] = {nb_tensor_set_requires_grad(nb_from_f64(av, p->na, p->sa), true),
                            nb_tensor_set_requires_grad(nb_from_f64(bv, p->nb, p->sb), true)};
        check_both(call_binary, in, 2, (void *)c, c->name, names[s], NULL);
        /* one input constant: only the other is checked */
        nb_tensor *half[2] = {in[0], nb_from_f64(bv, p->nb, p->sb)};
        check_both(call_binary, half, 2, (void *)c, c->name, names[s], NULL);
    }
}
END_TEST

static nb_tensor *call_cast_same(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_mul(nb_cast(in[0], NB_F64), in[0]);
}

/* f64 -> f32 -> f64: the values are rounded to float, so the central
 * difference needs a step far above float's resolution; the function is
 * linear between roundings, so a big step is exact enough. */
static nb_tensor *call_cast_round_trip(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_mul_scalar(nb_cast(nb_cast(in[0], NB_F32), NB_F64), 3);
}

START_TEST(test_cast_gradcheck)
{
    const double v[6] = {0.5, -1.25, 2, 0.75, -0.3, 1.1};
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64(v, NB_SHAPE(2, 3)), true);
    check_both(call_cast_same, &x, 1, NULL, "cast f64->f64", "2x3", NULL);
    nb_gradcheck_opts big_step = {.eps = 1e-2, .atol = 1e-4};
    check_both(call_cast_round_trip, &x, 1, NULL, "cast f64->f32->f64", "2x3", &big_step);
    nb_tensor *x1 = nb_tensor_set_requires_grad(nb_from_f64(v, NB_SHAPE(6)), true);
    check_both(call_cast_round_trip, &x1, 1, NULL, "cast f64->f32->f64", "6", &big_step);
}
END_TEST

static nb_tensor *call_purelin(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_mul(nb_purelin(in[0]), nb_sin(in[0]));
}

START_TEST(test_purelin_gradcheck)
{
    const double v[4] = {0.5, -1.25, 2, 0.75};
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64(v, NB_SHAPE(4)), true);
    check_both(call_purelin, &x, 1, NULL, "purelin(x) * sin(x)", "4", NULL);
    nb_tensor *x2 = nb_tensor_set_requires_grad(nb_from_f64(v, NB_SHAPE(2, 2)), true);
    check_both(call_purelin, &x2, 1, NULL, "purelin(x) * sin(x)", "2x2", NULL);
}
END_TEST

/* A composite the way a BP network uses the ops: logsig(W x + b) with
 * broadcasting, then softplus, maximum against a constant and clamp. */
static nb_tensor *call_composite(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    nb_tensor *h = nb_logsig(nb_add(nb_matmul(in[0], in[1]), in[2]));
    nb_tensor *floor = nb_full(NB_F64, NB_SHAPE(1), 0.6);
    return nb_clamp(nb_maximum(nb_softplus(nb_mul_scalar(h, 3)), floor), -5, 5);
}

START_TEST(test_composite_gradcheck)
{
    const double xv[6] = {0.5, -1, 0.25, 1.5, -0.5, 2}, wv[6] = {0.3, -0.2, 0.1, 0.4, -0.6, 0.5},
                 bv[2] = {0.1, -0.3};
    nb_tensor *in[3] = {nb_tensor_set_requires_grad(nb_from_f64(xv, NB_SHAPE(2, 3)), true),
                        nb_tensor_set_requires_grad(nb_from_f64(wv, NB_SHAPE(3, 2)), true),
                        nb_tensor_set_requires_grad(nb_from_f64(bv, NB_SHAPE(2)), true)};
    check_both(call_composite, in, 3, NULL, "composite", "2x3 @ 3x2 + 2", NULL);
}
END_TEST

/* where(mask, a, b) with the mask a fixed constant: same shapes, and all
 * three broadcast (mask 2x3 with a 3 and b 2x1; mask 3 with a 2x1 and a
 * 0-d b).  a and b enter through sin and a square, so the second derivative
 * is not trivially zero. */
static nb_tensor *call_where(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    return nb_where(ctx, nb_sin(in[0]), nb_square(in[1]));
}

START_TEST(test_where_gradcheck)
{
    const double m6[6] = {1, 0, 0, 1, 1, 0}, m3[3] = {0, 1, 1};
    const double av[6] = {0.5, -1.25, 2, 0.75, -0.3, 1.1}, bv[6] = {0.2, -0.7, 1.3, 0.9, -1.5, 0.4};
    nb_tensor *m = nb_from_f64(m6, NB_SHAPE(2, 3));
    nb_tensor *same[2] = {nb_tensor_set_requires_grad(nb_from_f64(av, NB_SHAPE(2, 3)), true),
                          nb_tensor_set_requires_grad(nb_from_f64(bv, NB_SHAPE(2, 3)), true)};
    check_both(call_where, same, 2, m, "where", "2x3, 2x3, 2x3", NULL);
    nb_tensor *bc[2] = {nb_tensor_set_requires_grad(nb_from_f64(av, NB_SHAPE(3)), true),
                        nb_tensor_set_requires_grad(nb_from_f64(bv, NB_SHAPE(2, 1)), true)};
    check_both(call_where, bc, 2, m, "where", "2x3, 3, 2x1", NULL);
    nb_tensor *bc2[2] = {nb_tensor_set_requires_grad(nb_from_f64(av, NB_SHAPE(2, 1)), true),
                         nb_tensor_set_requires_grad(nb_from_f64(bv, 0, NULL), true)};
    check_both(call_where, bc2, 2, nb_from_f64(m3, NB_SHAPE(3)), "where", "3, 2x1, scalar", NULL);
}
END_TEST

static Suite *elementwise_grad_suite(void)
{
    Suite *s = suite_create("ops_elementwise_grad");
    TCase *tc = nb_test_case("unary");
    tcase_add_loop_test(tc, test_unary_gradcheck, 0, N_UN_CASES);
    suite_add_tcase(s, tc);
    tc = nb_test_case("binary");
    tcase_add_loop_test(tc, test_binary_gradcheck, 0, N_BIN_CASES);
    suite_add_tcase(s, tc);
    tc = nb_test_case("other");
    tcase_add_test(tc, test_cast_gradcheck);
    tcase_add_test(tc, test_purelin_gradcheck);
    tcase_add_test(tc, test_composite_gradcheck);
    tcase_add_test(tc, test_where_gradcheck);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return nb_test_run(elementwise_grad_suite()); }
