/* Reductions: sum, sum_axis (ops_basic.h), mean, max/min, argmax/argmin,
 * logsumexp.  Forward values are worked out by hand; gradients by finite
 * differences (first and second order) in f64. */
#include "test_ops_grad.h"

#define ALL 99 /* "reduce every element" in the callbacks below */

typedef enum { K_SUM, K_MEAN, K_MAX, K_MIN, K_LSE } kind;

typedef struct rctx {
    kind k;
    int axis;     /* ALL or an axis */
    bool keepdim;
    bool square;  /* square the result, so that second order is not trivially 0 */
} rctx;

/* fn(x) or, with a second input b, fn(x + b) (b broadcast). */
static nb_tensor *f_reduce(nb_tensor *const *in, int n, void *vc)
{
    const rctx *c = vc;
    nb_tensor *x = n > 1 ? nb_add(in[0], in[1]) : in[0], *y = NULL;
    bool all = c->axis == ALL;
    switch (c->k) {
    case K_SUM: y = all ? nb_sum(x) : nb_sum_axis(x, c->axis, c->keepdim); break;
    case K_MEAN: y = all ? nb_mean(x) : nb_mean_axis(x, c->axis, c->keepdim); break;
    case K_MAX: y = all ? nb_max(x) : nb_max_axis(x, c->axis, c->keepdim); break;
    case K_MIN: y = all ? nb_min(x) : nb_min_axis(x, c->axis, c->keepdim); break;
    case K_LSE: y = all ? nb_logsumexp(x) : nb_logsumexp_axis(x, c->axis, c->keepdim); break;
    }
    return c->square ? nb_square(y) : y;
}

/* Gradients on a 2-D and a 3-D shape, every axis and all, plus a broadcast
 * input; f32 within 1e-5 of f64. */
static void check_reduction_grads(kind k)
{
    const int64_t s2[] = {3, 4}, s3[] = {2, 3, 2}, sb[] = {4};
    const int axes2[] = {ALL, 0, 1, -1}, axes3[] = {ALL, 0, 1, 2};
    for (int i = 0; i < 4; i++) {
        rctx c = {k, axes2[i], i % 2 == 0, k != K_LSE};
        nb_tensor *x = t_rand(10 + i, 2, s2, -2, 2);
        ck_assert_grads(f_reduce, &x, 1, &c);
        check_f32_agrees(f_reduce, &x, 1, &c, 1e-5);
        nb_tensor *y = t_rand(20 + i, 3, s3, -2, 2);
        c.axis = axes3[i];
        ck_assert_grads(f_reduce, &y, 1, &c);
        check_f32_agrees(f_reduce, &y, 1, &c, 1e-5);
    }
    /* broadcast: reduce(x + b) with b (4) spread over the rows of x (3 x 4) */
    rctx c = {k, 0, false, k != K_LSE};
    nb_tensor *in[2] = {t_rand(31, 2, s2, -2, 2), t_rand(32, 1, sb, -1, 1)};
    ck_assert_grads(f_reduce, in, 2, &c);
    check_f32_agrees(f_reduce, in, 2, &c, 1e-5);
}

/* x = [[1, 2, 3], [4, 5, 6]] */
static nb_tensor *x23(nb_dtype dt)
{
    return t_vals(dt, (const double[]){1, 2, 3, 4, 5, 6}, NB_SHAPE(2, 3));
}

/* x[o][j][i] = 6o + 2j + i, shape 2x3x2 (axis 1 has inner size 2) */
static nb_tensor *x232(nb_dtype dt)
{
    double v[12];
    for (int i = 0; i < 12; i++)
        v[i] = i;
    return t_vals(dt, v, NB_SHAPE(2, 3, 2));
}

START_TEST(test_sum_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *x = x23(dt);
        ck_assert_tensor_near(nb_sum(x), (double[]){21}, 1, 1e-6);
        ck_assert_int_eq(nb_tensor_ndim(nb_sum(x)), 0);
        ck_assert_tensor_near(nb_sum_axis(x, 0, false), ((double[]){5, 7, 9}), 3, 1e-6);
        nb_tensor *r = nb_sum_axis(x, -1, true);
        ck_assert_tensor_near(r, ((double[]){6, 15}), 2, 1e-6);
        ck_assert_int_eq(nb_tensor_ndim(r), 2);
        ck_assert_int_eq(nb_tensor_shape(r)[1], 1);
        ck_assert_tensor_near(nb_sum_axis(x232(dt), 1, false), ((double[]){6, 9, 24, 27}), 4, 1e-6);
    }
}
END_TEST

START_TEST(test_mean_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *x = x23(dt);
        ck_assert_tensor_near(nb_mean(x), (double[]){3.5}, 1, 1e-6);
        ck_assert_tensor_near(nb_mean_axis(x, 0, false), ((double[]){2.5, 3.5, 4.5}), 3, 1e-6);
        ck_assert_tensor_near(nb_mean_axis(x, 1, true), ((double[]){2, 5}), 2, 1e-6);
        ck_assert_tensor_near(nb_mean_axis(x232(dt), 1, false), ((double[]){2, 3, 8, 9}), 4, 1e-6);
        ck_assert_tensor_near(nb_mean_axis(x232(dt), -1, false), ((double[]){0.5, 2.5, 4.5, 6.5, 8.5, 10.5}), 6, 1e-6);
    }
    /* gradient: 1/n everywhere */
    nb_tensor *x = nb_tensor_set_requires_grad(x23(NB_F64), true);
    ck_assert_tensor_near(t_grad(nb_mean(x), x), ((double[]){1. / 6, 1. / 6, 1. / 6, 1. / 6, 1. / 6, 1. / 6}), 6, 1e-12);
    ck_assert_tensor_near(t_grad(nb_sum(nb_mean_axis(x, 0, false)), x), ((double[]){.5, .5, .5, .5, .5, .5}), 6, 1e-12);
}
END_TEST

START_TEST(test_extrema_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *x = t_vals(dt, (const double[]){1, 5, 3, 4, 2, 6}, NB_SHAPE(2, 3));
        ck_assert_tensor_near(nb_max(x), (double[]){6}, 1, 0);
        ck_assert_tensor_near(nb_min(x), (double[]){1}, 1, 0);
        ck_assert_tensor_near(nb_max_axis(x, 0, false), ((double[]){4, 5, 6}), 3, 0);
        ck_assert_tensor_near(nb_max_axis(x, 1, false), ((double[]){5, 6}), 2, 0);
        ck_assert_tensor_near(nb_min_axis(x, 0, true), ((double[]){1, 2, 3}), 3, 0);
        ck_assert_tensor_near(nb_min_axis(x, -1, false), ((double[]){1, 2}), 2, 0);
        ck_assert_tensor_near(nb_argmax_axis(x, 0, false), ((double[]){1, 0, 1}), 3, 0);
        ck_assert_tensor_near(nb_argmax_axis(x, 1, false), ((double[]){1, 2}), 2, 0);
        ck_assert_tensor_near(nb_argmin_axis(x, 0, false), ((double[]){0, 1, 0}), 3, 0);
        ck_assert_tensor_near(nb_argmin_axis(x, 1, true), ((double[]){0, 1}), 2, 0);
        ck_assert_int_eq(nb_tensor_dtype(nb_argmax_axis(x, 0, false)), dt);
        ck_assert_int_eq(nb_tensor_shape(nb_argmin_axis(x, 1, true))[1], 1);
        nb_tensor *y = x232(dt);
        ck_assert_tensor_near(nb_max_axis(y, 1, false), ((double[]){4, 5, 10, 11}), 4, 0);
        ck_assert_tensor_near(nb_min_axis(y, 1, false), ((double[]){0, 1, 6, 7}), 4, 0);
        ck_assert_tensor_near(nb_argmax_axis(y, 1, false), ((double[]){2, 2, 2, 2}), 4, 0);
        ck_assert_tensor_near(nb_argmin_axis(y, 0, false), ((double[]){0, 0, 0, 0, 0, 0}), 6, 0);
    }
    /* NaN propagates to max and argmax points at it */
    nb_tensor *n = t_vals(NB_F64, (const double[]){1, NAN, 3}, NB_SHAPE(3));
    ck_assert(isnan(nb_tensor_item(nb_max(n))));
    ck_assert_tensor_near(nb_argmax_axis(n, 0, false), ((double[]){1}), 1, 0);
}
END_TEST

/* The gradient goes to the one element argmax names; ties go to the first. */
START_TEST(test_extrema_grad_ties)
{
    nb_tensor *x = nb_tensor_set_requires_grad(t_vals(NB_F64, (const double[]){2, 7, 7, 1}, NB_SHAPE(4)), true);
    ck_assert_tensor_near(t_grad(nb_max(x), x), ((double[]){0, 1, 0, 0}), 4, 0);
    ck_assert_tensor_near(t_grad(nb_max_axis(x, 0, false), x), ((double[]){0, 1, 0, 0}), 4, 0);
    nb_tensor *m = nb_tensor_set_requires_grad(t_vals(NB_F64, (const double[]){3, 1, 1, 0, 0, 5}, NB_SHAPE(2, 3)), true);
    /* row mins: row 0 ties at j = 1, 2 (first wins); row 1 ties at j = 0, 1 */
    ck_assert_tensor_near(t_grad(nb_sum(nb_min_axis(m, 1, false)), m), ((double[]){0, 1, 0, 1, 0, 0}), 6, 0);
    /* column maxes of a 2x3 with a tie in column 0 */
    nb_tensor *c = nb_tensor_set_requires_grad(t_vals(NB_F64, (const double[]){4, 1, 9, 4, 2, 8}, NB_SHAPE(2, 3)), true);
    ck_assert_tensor_near(t_grad(nb_sum(nb_max_axis(c, 0, true)), c), ((double[]){1, 0, 1, 0, 1, 0}), 6, 0);
    /* all-element min: first of the equal minima by flat index */
    ck_assert_tensor_near(t_grad(nb_min(m), m), ((double[]){0, 0, 0, 1, 0, 0}), 6, 0);
    /* argmax is outside the graph */
    nb_tensor *a = nb_argmax_axis(x, 0, false);
    ck_assert(!nb_tensor_requires_grad(a));
    ck_assert_ptr_null(nb_tensor_node(a));
}
END_TEST

START_TEST(test_logsumexp_values)
{
    for (int dt = 0; dt < 2; dt++) {
        double tol = dt == NB_F32 ? 1e-4 : 1e-12;
        nb_tensor *x = t_vals(dt, (const double[]){0, log(3.0), 1000, 1000}, NB_SHAPE(2, 2));
        ck_assert_tensor_near(nb_logsumexp_axis(x, 1, false), ((double[]){log(4.0), 1000 + log(2.0)}), 2, tol);
        ck_assert_tensor_near(nb_logsumexp(x), ((double[]){1000 + log(2.0)}), 1, tol);
        nb_tensor *lo = t_vals(dt, (const double[]){-1000, -1000, -1000}, NB_SHAPE(3));
        ck_assert_tensor_near(nb_logsumexp(lo), ((double[]){-1000 + log(3.0)}), 1, tol);
        /* column 0: lse(0, 2, 4) = 4 + log(1 + e^-2 + e^-4) */
        double e = 4 + log(1 + exp(-2.0) + exp(-4.0));
        ck_assert_tensor_near(nb_logsumexp_axis(x232(dt), 1, true), ((double[]){e, e + 1, e + 6, e + 7}), 4, tol * 10);
    }
    /* gradient at +-1000: softmax of the slice, finite */
    nb_tensor *x = nb_tensor_set_requires_grad(t_vals(NB_F64, (const double[]){1000, 1000, -1000, -1000 + log(3.0)}, NB_SHAPE(2, 2)), true);
    ck_assert_tensor_near(t_grad(nb_sum(nb_logsumexp_axis(x, 1, false)), x), ((double[]){.5, .5, .25, .75}), 4, 1e-12);
    /* an Inf in a slice gives that Inf, not NaN */
    nb_tensor *inf = t_vals(NB_F64, (const double[]){1, INFINITY}, NB_SHAPE(2));
    ck_assert(isinf(nb_tensor_item(nb_logsumexp(inf))));
}
END_TEST

START_TEST(test_grad_sum) { check_reduction_grads(K_SUM); }
END_TEST
START_TEST(test_grad_mean) { check_reduction_grads(K_MEAN); }
END_TEST
START_TEST(test_grad_max) { check_reduction_grads(K_MAX); }
END_TEST
START_TEST(test_grad_min) { check_reduction_grads(K_MIN); }
END_TEST
START_TEST(test_grad_logsumexp)
{
    check_reduction_grads(K_LSE);
    /* large logits: the gradient is still right */
    rctx c = {K_LSE, 1, false, false};
    nb_tensor *x = t_rand(41, NB_SHAPE(2, 3), 999, 1001);
    ck_assert_grads(f_reduce, &x, 1, &c);
}
END_TEST

START_TEST(test_errors)
{
    nb_tensor *x = x23(NB_F64);
    ck_assert_ptr_null(nb_mean_axis(x, 2, false));
    ck_assert_error(NB_ERR_ARG, "mean_axis: axis 2 is out of range for a 2-d tensor");
    ck_assert_ptr_null(nb_max_axis(x, -3, false));
    ck_assert_error(NB_ERR_ARG, "max_axis: axis -3 is out of range");
    ck_assert_ptr_null(nb_min_axis(x, 5, true));
    ck_assert_error(NB_ERR_ARG, "min_axis");
    ck_assert_ptr_null(nb_argmax_axis(x, 2, false));
    ck_assert_error(NB_ERR_ARG, "argmax_axis");
    ck_assert_ptr_null(nb_argmin_axis(x, -4, false));
    ck_assert_error(NB_ERR_ARG, "argmin_axis");
    ck_assert_ptr_null(nb_logsumexp_axis(x, 3, false));
    ck_assert_error(NB_ERR_ARG, "logsumexp_axis");
    ck_assert_ptr_null(nb_sum_axis(x, 2, false));
    ck_assert_error(NB_ERR_ARG, "sum_axis");
    nb_tensor *s = nb_scalar(NB_F64, 1);
    ck_assert_ptr_null(nb_mean_axis(s, 0, false));
    ck_assert_error(NB_ERR_ARG, "mean_axis: axis 0 given for a 0-d tensor (a scalar has no axes)");
    nb_tensor *empty = nb_zeros(NB_F64, NB_SHAPE(2, 0));
    ck_assert_ptr_null(nb_max_axis(empty, 1, false));
    ck_assert_error(NB_ERR_SHAPE, "max_axis: cannot reduce an empty axis (tensor is 2x0)");
    ck_assert_ptr_null(nb_min(empty));
    ck_assert_error(NB_ERR_SHAPE, "min: cannot reduce an empty tensor");
    ck_assert(isnan(nb_tensor_item(nb_mean(empty))));
    /* NULL input without an earlier failure: NB_ERR_NULL naming the op */
    nb_clear_error();
    ck_assert_ptr_null(nb_mean(NULL));
    ck_assert_error(NB_ERR_NULL, "mean");
    /* sticky: a NULL input keeps the first message */
    ck_assert_sticky(nb_sum(NULL));
    ck_assert_sticky(nb_sum_axis(NULL, 0, false));
    ck_assert_sticky(nb_mean(NULL));
    ck_assert_sticky(nb_mean_axis(NULL, 0, true));
    ck_assert_sticky(nb_max(NULL));
    ck_assert_sticky(nb_max_axis(NULL, 0, false));
    ck_assert_sticky(nb_min(NULL));
    ck_assert_sticky(nb_min_axis(NULL, 0, false));
    ck_assert_sticky(nb_argmax_axis(NULL, 0, false));
    ck_assert_sticky(nb_argmin_axis(NULL, 0, false));
    ck_assert_sticky(nb_logsumexp(NULL));
    ck_assert_sticky(nb_logsumexp_axis(NULL, 0, false));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ops_reduce");
    TCase *tc = nb_test_case("values");
    tcase_add_test(tc, test_sum_values);
    tcase_add_test(tc, test_mean_values);
    tcase_add_test(tc, test_extrema_values);
    tcase_add_test(tc, test_extrema_grad_ties);
    tcase_add_test(tc, test_logsumexp_values);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    tc = nb_test_case("gradients");
    tcase_add_test(tc, test_grad_sum);
    tcase_add_test(tc, test_grad_mean);
    tcase_add_test(tc, test_grad_max);
    tcase_add_test(tc, test_grad_min);
    tcase_add_test(tc, test_grad_logsumexp);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
