/* The elementwise ops, forward and errors: values worked out by hand and
 * closed forms on two shapes, f32 against f64, first-order gradients against
 * closed-form derivatives, extreme inputs, comparison masks, cast, and every
 * error path (shape and dtype mismatch, bad arguments, NULL and stale
 * inputs).  Finite-difference checks are in test_ops_elementwise_grad.c. */
#include "elementwise_cases.h"

/* f32 forward must agree with f64 on the same (f32-representable) inputs
 * within F32_TOL * max(1, |y|): a few float ulps of libm plus rounding. */
#define F32_TOL 1e-5

static nb_tensor *leaf(nb_tensor *t) { return nb_tensor_set_requires_grad(t, true); }

/* d(sum fn(x))/dx through the engine. */
static nb_tensor *grad_of_sum(nb_tensor *y, nb_tensor *x)
{
    nb_tensor *g = NULL;
    nb_tensor *loss = nb_sum(y);
    ck_assert_msg(loss != NULL, "%s", nb_last_error());
    ck_assert_msg(nb_grad(&loss, 1, &x, 1, NULL, 0, &g) == NB_OK, "%s", nb_last_error());
    return g;
}

/* ================= unary ops (loop tests over un_cases) ================= */

START_TEST(test_unary_hand_values)
{
    const un_case *c = &un_cases[_i];
    nb_tensor *x64 = nb_from_f64(c->hx, NB_SHAPE(c->nhand));
    nb_tensor *y64 = c->fn(x64);
    ck_assert_msg(y64 != NULL, "%s: %s", c->name, nb_last_error());
    ck_assert_int_eq(nb_tensor_dtype(y64), NB_F64);
    ck_assert_tensor_near(y64, c->hy, c->nhand, 1e-12);
    float hx32[3];
    for (int i = 0; i < c->nhand; i++)
        hx32[i] = (float)c->hx[i];
    nb_tensor *y32 = c->fn(nb_from_f32(hx32, NB_SHAPE(c->nhand)));
    ck_assert_msg(y32 != NULL, "%s: %s", c->name, nb_last_error());
    ck_assert_int_eq(nb_tensor_dtype(y32), NB_F32);
    ck_assert_tensor_near(y32, c->hy, c->nhand, 1e-5);
}
END_TEST

/* Closed form on a 1-d and a 3-d shape, and a 0-d scalar. */
START_TEST(test_unary_closed_form_shapes)
{
    const un_case *c = &un_cases[_i];
    const int64_t shapes[3][3] = {{7}, {2, 3, 4}, {0}};
    const int ndims[3] = {1, 3, 0};
    for (int s = 0; s < 3; s++) {
        int64_t n = 1;
        for (int d = 0; d < ndims[s]; d++)
            n *= shapes[s][d];
        double x[24], want[24];
        un_samples(c, 100 + (uint64_t)s, x, n);
        for (int64_t i = 0; i < n; i++)
            want[i] = c->ref(x[i]);
        nb_tensor *y = c->fn(nb_from_f64(x, ndims[s], shapes[s]));
        ck_assert_msg(y != NULL, "%s: %s", c->name, nb_last_error());
        ck_assert_int_eq(nb_tensor_ndim(y), ndims[s]);
        for (int d = 0; d < ndims[s]; d++)
            ck_assert_int_eq(nb_tensor_shape(y)[d], shapes[s][d]);
        for (int64_t i = 0; i < n; i++)
            ck_assert_msg(fabs(nb_tensor_get(y, i) - want[i]) <= 1e-12 * fmax(1, fabs(want[i])),
                          "%s(%.17g) = %.17g, expected %.17g", c->name, x[i], nb_tensor_get(y, i), want[i]);
    }
}
END_TEST

START_TEST(test_unary_f32_agrees_with_f64)
{
    const un_case *c = &un_cases[_i];
    enum { N = 40 };
    double x[N];
    float xf[N];
    un_samples(c, 7, x, N);
    for (int i = 0; i < N; i++)
        xf[i] = (float)x[i];
    nb_tensor *x32 = nb_from_f32(xf, NB_SHAPE(4, 10));
    nb_tensor *y32 = c->fn(x32);
    nb_tensor *y64 = c->fn(nb_cast(x32, NB_F64)); /* exactly the same inputs */
    ck_assert_msg(y32 && y64, "%s: %s", c->name, nb_last_error());
    for (int i = 0; i < N; i++) {
        double a = nb_tensor_get(y32, i), b = nb_tensor_get(y64, i);
        ck_assert_msg(fabs(a - b) <= F32_TOL * fmax(1, fabs(b)), "%s at x=%g: f32 %.9g vs f64 %.17g",
                      c->name, (double)xf[i], a, b);
    }
}
END_TEST

/* First-order gradient through the engine against the closed-form
 * derivative, on a 1-d and a 2-d shape. */
START_TEST(test_unary_gradient_closed_form)
{
    const un_case *c = &un_cases[_i];
    double x[12], want[12];
    un_samples(c, 11, x, 12);
    for (int i = 0; i < 12; i++)
        want[i] = c->dref(x[i]);
    nb_tensor *x1 = leaf(nb_from_f64(x, NB_SHAPE(12)));
    ck_assert_tensor_near(grad_of_sum(c->fn(x1), x1), want, 12, 1e-12 * (1 + fabs(want[0])) + 1e-10);
    nb_tensor *x2 = leaf(nb_from_f64(x, NB_SHAPE(3, 4)));
    ck_assert_tensor_near(grad_of_sum(c->fn(x2), x2), want, 12, 1e-12 * (1 + fabs(want[0])) + 1e-10);
    /* the result is recorded under the op's own name */
    ck_assert_str_eq(nb_node_op_name(nb_tensor_node(c->fn(x1))), c->errname);
}
END_TEST

START_TEST(test_unary_null_is_sticky)
{
    const un_case *c = &un_cases[_i];
    /* alone: NULL with an NB_ERR_NULL message naming the op */
    ck_assert_ptr_null(c->fn(NULL));
    ck_assert_error(NB_ERR_NULL, c->errname);
    /* after an earlier failure: NULL and the first message is kept */
    nb_clear_error();
    nb_tensor *bad = nb_add(nb_zeros(NB_F64, NB_SHAPE(2)), nb_zeros(NB_F64, NB_SHAPE(3)));
    ck_assert_ptr_null(bad);
    char first[512];
    snprintf(first, sizeof first, "%s", nb_last_error());
    ck_assert_ptr_null(c->fn(bad));
    ck_assert_str_eq(nb_last_error(), first);
    ck_assert_int_eq(nb_last_status(), NB_ERR_SHAPE);
}
END_TEST

START_TEST(test_unary_stale_input)
{
    const un_case *c = &un_cases[_i];
    nb_arena *other = nb_arena_new();
    nb_arena_use(other);
    nb_tensor *x = nb_ones(NB_F64, NB_SHAPE(3));
    nb_arena_reset(other);
    nb_arena_use(test_arena);
    ck_assert_ptr_null(c->fn(x));
    ck_assert_error(NB_ERR_STATE, c->errname);
    ck_assert_msg(strstr(nb_last_error(), "reset") != NULL, "%s", nb_last_error());
    nb_arena_free(other);
}
END_TEST

/* Ops that are finite everywhere stay finite (value and gradient) at
 * +-800, where e^800 would overflow both f32 and f64. */
START_TEST(test_unary_extreme_inputs_finite)
{
    const un_case *c = &un_cases[_i];
    if (!c->extreme_finite)
        return;
    const double xs[6] = {-800, -100, -88.8, 88.8, 100, 800};
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *x = nb_cast(nb_from_f64(xs, NB_SHAPE(6)), dt ? NB_F64 : NB_F32);
        leaf(x);
        nb_tensor *y = c->fn(x);
        nb_tensor *g = grad_of_sum(y, x);
        for (int i = 0; i < 6; i++) {
            ck_assert_msg(isfinite(nb_tensor_get(y, i)), "%s(%g) in %s is %g", c->name, xs[i],
                          dt ? "f64" : "f32", nb_tensor_get(y, i));
            ck_assert_msg(isfinite(nb_tensor_get(g, i)), "%s'(%g) in %s is %g", c->name, xs[i],
                          dt ? "f64" : "f32", nb_tensor_get(g, i));
        }
    }
}
END_TEST

/* ================= stability: exact limits far out ================= */

START_TEST(test_saturating_limits)
{
    const double xs[4] = {-800, -40, 40, 800};
    for (int dt = 0; dt < 2; dt++) {
        nb_dtype t = dt ? NB_F64 : NB_F32;
        nb_tensor *x = leaf(nb_cast(nb_from_f64(xs, NB_SHAPE(4)), t));
        /* sigmoid: 0 / 1 far out, gradient y(1-y) -> 0 */
        const double s_want[4] = {0, 0, 1, 1}, zero[4] = {0, 0, 0, 0};
        ck_assert_tensor_near(nb_sigmoid(x), s_want, 4, 1e-15);
        ck_assert_tensor_near(grad_of_sum(nb_sigmoid(x), x), zero, 4, 1e-15);
        /* tanh: -1 / 1, gradient 0 */
        const double t_want[4] = {-1, -1, 1, 1};
        ck_assert_tensor_near(nb_tanh(x), t_want, 4, 0);
        ck_assert_tensor_near(grad_of_sum(nb_tanh(x), x), zero, 4, 1e-15);
        /* softplus: 0 / x, gradient sigmoid(x) = 0 / 1 */
        const double p_want[4] = {0, 0, 40, 800};
        ck_assert_tensor_near(nb_softplus(x), p_want, 4, 1e-12);
        ck_assert_tensor_near(grad_of_sum(nb_softplus(x), x), s_want, 4, 1e-15);
    }
    /* small but representable: sigmoid(-700) = e^-700 / (1 + e^-700), not 0 */
    nb_tensor *y = nb_sigmoid(nb_scalar(NB_F64, -700));
    ck_assert(nb_tensor_item(y) > 0);
    ck_assert_double_eq_tol(nb_tensor_item(y) / exp(-700), 1.0, 1e-12);
    /* softplus(-30) = log1p(e^-30) ~ e^-30, kept to full relative precision */
    ck_assert_double_eq_tol(nb_tensor_item(nb_softplus(nb_scalar(NB_F64, -30))) / exp(-30), 1.0, 1e-12);
}
END_TEST

/* erf: odd, exactly +-1 far out with a zero gradient, and the slope
 * 2/sqrt(pi) at 0, in f32 and f64. */
START_TEST(test_erf_limits_and_symmetry)
{
    const double xs[6] = {-800, -6, 0, 0.3, 6, 800};
    const double want[6] = {-1, -1, 0, 0.32862675945912741, 1, 1}; /* erf(0.3) by its series */
    const double two_over_sqrt_pi = 2 / sqrt(PI);
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *x = leaf(nb_cast(nb_from_f64(xs, NB_SHAPE(6)), dt ? NB_F64 : NB_F32));
        nb_tensor *g = grad_of_sum(nb_erf(x), x);
        nb_tensor *y = nb_erf(x);
        ck_assert_tensor_near(y, want, 6, dt ? 1e-16 : 1e-7);
        ck_assert_double_eq_tol(nb_tensor_get(g, 2), two_over_sqrt_pi, dt ? 1e-15 : 1e-6);
        ck_assert(nb_tensor_get(g, 0) == 0 && nb_tensor_get(g, 5) == 0);
        nb_tensor *neg = nb_erf(nb_neg(x));
        for (int i = 0; i < 6; i++)
            ck_assert(nb_tensor_get(neg, i) == -nb_tensor_get(y, i));
    }
}
END_TEST

START_TEST(test_nan_propagates)
{
    double v[2] = {NAN, 1};
    nb_tensor *x = nb_from_f64(v, NB_SHAPE(2));
    ck_assert(isnan(nb_tensor_get(nb_relu(x), 0)));
    ck_assert(isnan(nb_tensor_get(nb_sigmoid(x), 0)));
    ck_assert(isnan(nb_tensor_get(nb_softplus(x), 0)));
    ck_assert(isnan(nb_tensor_get(nb_clamp(x, -1, 1), 0)));
    ck_assert(isnan(nb_tensor_get(nb_leaky_relu(x, 0.1), 0)));
    ck_assert(isnan(nb_tensor_get(nb_maximum(x, nb_scalar(NB_F64, 0)), 0)));
    ck_assert(isnan(nb_tensor_get(nb_minimum(nb_scalar(NB_F64, 0), x), 0)));
}
END_TEST

/* ================= parameters, kinks and special cases ================= */

START_TEST(test_unary_argument_errors)
{
    nb_tensor *x = nb_ones(NB_F64, NB_SHAPE(3));
    ck_assert_ptr_null(nb_clamp(x, 1, -1));
    ck_assert_error(NB_ERR_ARG, "clamp: need lo <= hi");
    ck_assert_ptr_null(nb_clamp(x, NAN, 1));
    ck_assert_error(NB_ERR_ARG, "clamp: bounds must be numbers (got lo nan, hi 1)");
    ck_assert_ptr_null(nb_leaky_relu(x, NAN));
    ck_assert_error(NB_ERR_ARG, "leaky_relu: slope");
    ck_assert_ptr_null(nb_leaky_relu(x, INFINITY));
    ck_assert_error(NB_ERR_ARG, "leaky_relu");
    /* one-sided clamps */
    const double v[3] = {-5, 0.5, 5};
    nb_tensor *xv = nb_from_f64(v, NB_SHAPE(3));
    const double lo_only[3] = {0, 0.5, 5}, hi_only[3] = {-5, 0.5, 1};
    ck_assert_tensor_near(nb_clamp(xv, 0, INFINITY), lo_only, 3, 0);
    ck_assert_tensor_near(nb_clamp(xv, -INFINITY, 1), hi_only, 3, 0);
    /* lo == hi is allowed: a constant */
    const double c[3] = {2, 2, 2};
    ck_assert_tensor_near(nb_clamp(xv, 2, 2), c, 3, 0);
}
END_TEST

/* At kinks the documented subgradient is used. */
START_TEST(test_unary_kink_subgradients)
{
    const double v[3] = {0, -0.5, 0.7};
    nb_tensor *x = leaf(nb_from_f64(v, NB_SHAPE(3)));
    const double abs_g[3] = {0, -1, 1}, relu_g[3] = {0, 0, 1}, leaky_g[3] = {0.25, 0.25, 1};
    ck_assert_tensor_near(grad_of_sum(nb_abs(x), x), abs_g, 3, 0);
    ck_assert_tensor_near(grad_of_sum(nb_relu(x), x), relu_g, 3, 0);
    ck_assert_tensor_near(grad_of_sum(nb_leaky_relu(x, 0.25), x), leaky_g, 3, 0);
    /* clamp passes the gradient at both bounds (included) */
    const double clamp_g[3] = {1, 1, 1};
    ck_assert_tensor_near(grad_of_sum(nb_clamp(x, -0.5, 0.7), x), clamp_g, 3, 0);
    const double v2[2] = {-0.6, 0.8}, zero[2] = {0, 0};
    nb_tensor *x2 = leaf(nb_from_f64(v2, NB_SHAPE(2)));
    ck_assert_tensor_near(grad_of_sum(nb_clamp(x2, -0.5, 0.7), x2), zero, 2, 0);
}
END_TEST

START_TEST(test_pow_scalar_special_exponents)
{
    const double v[3] = {0, 2, -3};
    nb_tensor *x = leaf(nb_from_f64(v, NB_SHAPE(3)));
    /* p = 0: x^0 = 1 everywhere (also 0^0), gradient exactly 0 (no NaN at 0) */
    const double ones[3] = {1, 1, 1}, zero[3] = {0, 0, 0};
    ck_assert_tensor_near(nb_pow_scalar(x, 0), ones, 3, 0);
    ck_assert_tensor_near(grad_of_sum(nb_pow_scalar(x, 0), x), zero, 3, 0);
    /* p = 1: identity, gradient 1 */
    ck_assert_tensor_near(nb_pow_scalar(x, 1), v, 3, 0);
    ck_assert_tensor_near(grad_of_sum(nb_pow_scalar(x, 1), x), ones, 3, 0);
    /* p = 0.5 on a negative number is NaN (C pow) */
    ck_assert(isnan(nb_tensor_get(nb_pow_scalar(x, 0.5), 2)));
    /* second order of x^3: d²/dx² = 6x, through nb_grad with NB_CREATE_GRAPH */
    nb_tensor *g = NULL, *gg = NULL;
    nb_tensor *loss = nb_sum(nb_pow_scalar(x, 3));
    ck_assert_int_eq(nb_grad(&loss, 1, &x, 1, NULL, NB_CREATE_GRAPH, &g), NB_OK);
    const double g_want[3] = {0, 12, 27}, gg_want[3] = {0, 12, -18};
    ck_assert_tensor_near(g, g_want, 3, 1e-12);
    nb_tensor *gs = nb_sum(g);
    ck_assert_int_eq(nb_grad(&gs, 1, &x, 1, NULL, 0, &gg), NB_OK);
    ck_assert_tensor_near(gg, gg_want, 3, 1e-12);
}
END_TEST

/* A few second derivatives in closed form, so second order has a check
 * that does not depend on finite differences. */
START_TEST(test_second_derivatives_closed_form)
{
    const double v[3] = {-1.2, 0.3, 2.0};
    nb_tensor *x = leaf(nb_from_f64(v, NB_SHAPE(3)));
    struct {
        un_fn fn;
        const char *name;
    } cases[] = {
        {nb_exp, "exp"}, {nb_sigmoid, "sigmoid"}, {nb_softplus, "softplus"}, {nb_sin, "sin"},
        {nb_tanh, "tanh"},
    };
    for (int k = 0; k < 5; k++) {
        nb_tensor *g = NULL, *gg = NULL;
        nb_tensor *loss = nb_sum(cases[k].fn(x));
        ck_assert_int_eq(nb_grad(&loss, 1, &x, 1, NULL, NB_CREATE_GRAPH, &g), NB_OK);
        nb_tensor *gs = nb_sum(g);
        ck_assert_int_eq(nb_grad(&gs, 1, &x, 1, NULL, 0, &gg), NB_OK);
        for (int i = 0; i < 3; i++) {
            double t = v[i], s = 1 / (1 + exp(-t)), want;
            switch (k) {
            case 0: want = exp(t); break;
            case 1: want = s * (1 - s) * (1 - 2 * s); break;
            case 2: want = s * (1 - s); break;
            case 3: want = -sin(t); break;
            default: want = -2 * tanh(t) * (1 - tanh(t) * tanh(t)); break;
            }
            ck_assert_msg(fabs(nb_tensor_get(gg, i) - want) <= 1e-12, "%s'' at %g: %g vs %g", cases[k].name,
                          t, nb_tensor_get(gg, i), want);
        }
    }
}
END_TEST

START_TEST(test_purelin_is_identity)
{
    const double v[3] = {1, -2, 3};
    nb_tensor *x = leaf(nb_from_f64(v, NB_SHAPE(3)));
    ck_assert_ptr_eq(nb_purelin(x), x);
    /* the gradient flows through: d/dx sum(3 * purelin(x)) = 3 */
    const double three[3] = {3, 3, 3};
    ck_assert_tensor_near(grad_of_sum(nb_mul_scalar(nb_purelin(x), 3), x), three, 3, 0);
    ck_assert_ptr_null(nb_purelin(NULL));
    ck_assert_error(NB_ERR_NULL, "purelin");
    nb_arena *other = nb_arena_new();
    nb_arena_use(other);
    nb_tensor *stale = nb_ones(NB_F64, NB_SHAPE(3));
    nb_arena_reset(other);
    nb_arena_use(test_arena);
    ck_assert_ptr_null(nb_purelin(stale));
    ck_assert_error(NB_ERR_STATE, "purelin");
    nb_arena_free(other);
}
END_TEST

/* ================= binary ops (loop tests over bin_cases) ================= */

START_TEST(test_binary_hand_broadcast)
{
    const bin_case *c = &bin_cases[_i];
    for (int dt = 0; dt < 2; dt++) {
        nb_dtype t = dt ? NB_F64 : NB_F32;
        nb_tensor *a = nb_cast(nb_from_f64(hand_a, NB_SHAPE(2, 3)), t);
        nb_tensor *b = nb_cast(nb_from_f64(hand_b, NB_SHAPE(3)), t);
        nb_tensor *y = c->fn(a, b);
        ck_assert_msg(y != NULL, "%s: %s", c->name, nb_last_error());
        ck_assert_int_eq(nb_tensor_dtype(y), t);
        ck_assert_int_eq(nb_tensor_ndim(y), 2);
        ck_assert_int_eq(nb_tensor_shape(y)[0], 2);
        ck_assert_int_eq(nb_tensor_shape(y)[1], 3);
        ck_assert_tensor_near(y, c->hand, 6, dt ? 1e-12 : 1e-4);
        /* b op A broadcasts the other way round: shape 2x3 too */
        nb_tensor *y2 = c->fn(b, a);
        ck_assert_msg(y2 != NULL, "%s: %s", c->name, nb_last_error());
        for (int i = 0; i < 6; i++)
            ck_assert_msg(fabs(nb_tensor_get(y2, i) - c->ref(hand_b[i % 3], hand_a[i])) <=
                              (dt ? 1e-12 : 1e-4) * fmax(1, fabs(c->ref(hand_b[i % 3], hand_a[i]))),
                          "%s reversed, element %d", c->name, i);
    }
}
END_TEST

/* Forward and first-order gradients (summed back over broadcast axes) on
 * every shape pair, against closed forms. */
START_TEST(test_binary_closed_form_all_shapes)
{
    const bin_case *c = &bin_cases[_i];
    for (int s = 0; s < N_SHAPE_PAIRS; s++) {
        const shape_pair *p = &shape_pairs[s];
        double av[8], bv[8];
        int on;
        int64_t os[3];
        bin_samples(c, p, 1000 + (uint64_t)s, av, bv, &on, os);
        nb_tensor *a = leaf(nb_from_f64(av, p->na, p->sa));
        nb_tensor *b = leaf(nb_from_f64(bv, p->nb, p->sb));
        nb_tensor *y = c->fn(a, b);
        ck_assert_msg(y != NULL, "%s: %s", c->name, nb_last_error());
        ck_assert_int_eq(nb_tensor_ndim(y), on);
        int64_t total = nb_tensor_numel(y);
        double want_ga[8] = {0}, want_gb[8] = {0};
        int64_t idx[8] = {0};
        for (int64_t o = 0; o < total; o++) {
            int64_t r = o;
            for (int d = on - 1; d >= 0; d--) {
                ck_assert_int_eq(nb_tensor_shape(y)[d], os[d]);
                idx[d] = r % os[d];
                r /= os[d];
            }
            int64_t ia = bcast_index(p->na, p->sa, on, idx), ib = bcast_index(p->nb, p->sb, on, idx);
            double want = c->ref(av[ia], bv[ib]);
            ck_assert_msg(fabs(nb_tensor_get(y, o) - want) <= 1e-12 * fmax(1, fabs(want)),
                          "%s pair %d element %lld: %g vs %g", c->name, s, (long long)o,
                          nb_tensor_get(y, o), want);
            want_ga[ia] += c->da(av[ia], bv[ib]);
            want_gb[ib] += c->db(av[ia], bv[ib]);
        }
        nb_tensor *loss = nb_sum(y), *g[2] = {NULL, NULL}, *in[2] = {a, b};
        ck_assert_int_eq(nb_grad(&loss, 1, in, 2, NULL, 0, g), NB_OK);
        ck_assert_tensor_near(g[0], want_ga, nb_tensor_numel(a), 1e-11);
        ck_assert_tensor_near(g[1], want_gb, nb_tensor_numel(b), 1e-11);
    }
}
END_TEST

START_TEST(test_binary_f32_agrees_with_f64)
{
    const bin_case *c = &bin_cases[_i];
    const shape_pair *p = &shape_pairs[1];
    double av[8], bv[8];
    int on;
    int64_t os[3];
    bin_samples(c, p, 5, av, bv, &on, os);
    nb_tensor *a32 = nb_cast(nb_from_f64(av, p->na, p->sa), NB_F32);
    nb_tensor *b32 = nb_cast(nb_from_f64(bv, p->nb, p->sb), NB_F32);
    nb_tensor *y32 = c->fn(a32, b32);
    nb_tensor *y64 = c->fn(nb_cast(a32, NB_F64), nb_cast(b32, NB_F64));
    ck_assert_msg(y32 && y64, "%s: %s", c->name, nb_last_error());
    ck_assert_int_eq(nb_tensor_dtype(y32), NB_F32);
    for (int64_t i = 0; i < nb_tensor_numel(y64); i++) {
        double x = nb_tensor_get(y32, i), w = nb_tensor_get(y64, i);
        ck_assert_msg(fabs(x - w) <= F32_TOL * fmax(1, fabs(w)), "%s element %lld: %g vs %g", c->name,
                      (long long)i, x, w);
    }
}
END_TEST

START_TEST(test_binary_shape_mismatch)
{
    const bin_case *c = &bin_cases[_i];
    nb_tensor *a = nb_ones(NB_F64, NB_SHAPE(2, 3)), *b = nb_ones(NB_F64, NB_SHAPE(4, 3));
    ck_assert_ptr_null(c->fn(a, b));
    ck_assert_error(NB_ERR_SHAPE, c->name);
    ck_assert_msg(strstr(nb_last_error(), "2x3") && strstr(nb_last_error(), "4x3") &&
                      strstr(nb_last_error(), "broadcast"),
                  "%s", nb_last_error());
}
END_TEST

START_TEST(test_binary_dtype_mismatch)
{
    const bin_case *c = &bin_cases[_i];
    nb_tensor *a = nb_ones(NB_F32, NB_SHAPE(2, 3)), *b = nb_ones(NB_F64, NB_SHAPE(2, 3));
    ck_assert_ptr_null(c->fn(a, b));
    ck_assert_error(NB_ERR_DTYPE, c->name);
    ck_assert_msg(strstr(nb_last_error(), "nb_cast") != NULL, "%s", nb_last_error());
    ck_assert_ptr_null(c->fn(b, a));
    ck_assert_error(NB_ERR_DTYPE, "f64");
}
END_TEST

START_TEST(test_binary_null_is_sticky)
{
    const bin_case *c = &bin_cases[_i];
    nb_tensor *a = nb_ones(NB_F64, NB_SHAPE(2));
    ck_assert_ptr_null(c->fn(NULL, a));
    ck_assert_error(NB_ERR_NULL, c->name);
    nb_clear_error();
    ck_assert_ptr_null(c->fn(a, NULL));
    ck_assert_error(NB_ERR_NULL, c->name);
    /* an earlier failure's message survives */
    nb_clear_error();
    ck_assert_ptr_null(nb_clamp(a, 2, 1));
    char first[512];
    snprintf(first, sizeof first, "%s", nb_last_error());
    ck_assert_ptr_null(c->fn(NULL, a));
    ck_assert_ptr_null(c->fn(a, NULL));
    ck_assert_ptr_null(c->fn(NULL, NULL));
    ck_assert_str_eq(nb_last_error(), first);
}
END_TEST

START_TEST(test_binary_extreme_inputs_finite)
{
    const bin_case *c = &bin_cases[_i];
    /* pow stays in range with a base near 1; the others take +-800 */
    const double big[4] = {-800, -1, 1, 800}, pos[4] = {0.5, 1, 1.5, 2};
    const double bb[4] = {800, 2, -800, 3}, expo[4] = {-800, 800, 3, -3};
    bool is_pow = c->fn == nb_pow;
    bool is_div = c->fn == nb_div;
    for (int dt = 0; dt < 2; dt++) {
        nb_dtype t = dt ? NB_F64 : NB_F32;
        /* base 0.5^-800 overflows: use bases 0.99.. for pow's big exponents */
        const double pa[4] = {0.999, 1, 1.001, 2};
        nb_tensor *a = leaf(nb_cast(nb_from_f64(is_pow ? pa : big, NB_SHAPE(4)), t));
        nb_tensor *b = leaf(nb_cast(nb_from_f64(is_pow ? expo : (is_div ? pos : bb), NB_SHAPE(4)), t));
        nb_tensor *y = c->fn(a, b);
        nb_tensor *loss = nb_sum(y), *g[2] = {NULL, NULL}, *in[2] = {a, b};
        ck_assert_int_eq(nb_grad(&loss, 1, in, 2, NULL, 0, g), NB_OK);
        for (int i = 0; i < 4; i++) {
            ck_assert_msg(isfinite(nb_tensor_get(y, i)), "%s element %d", c->name, i);
            ck_assert_msg(isfinite(nb_tensor_get(g[0], i)) && isfinite(nb_tensor_get(g[1], i)),
                          "%s gradient element %d (%s)", c->name, i, dt ? "f64" : "f32");
        }
    }
}
END_TEST

/* ================= maximum/minimum ties, pow at a = 0 ================= */

START_TEST(test_max_min_ties_go_to_a)
{
    const double av[3] = {1, 2, 3}, bv[3] = {1, 5, -3};
    nb_tensor *a = leaf(nb_from_f64(av, NB_SHAPE(3))), *b = leaf(nb_from_f64(bv, NB_SHAPE(3)));
    nb_tensor *in[2] = {a, b}, *g[2];
    /* maximum: tie (element 0) -> a; 2 < 5 -> b; 3 > -3 -> a */
    nb_tensor *loss = nb_sum(nb_maximum(a, b));
    ck_assert_int_eq(nb_grad(&loss, 1, in, 2, NULL, 0, g), NB_OK);
    const double max_ga[3] = {1, 0, 1}, max_gb[3] = {0, 1, 0};
    ck_assert_tensor_near(g[0], max_ga, 3, 0);
    ck_assert_tensor_near(g[1], max_gb, 3, 0);
    /* minimum: tie -> a; 2 < 5 -> a; 3 > -3 -> b */
    loss = nb_sum(nb_minimum(a, b));
    ck_assert_int_eq(nb_grad(&loss, 1, in, 2, NULL, 0, g), NB_OK);
    const double min_ga[3] = {1, 1, 0}, min_gb[3] = {0, 0, 1};
    ck_assert_tensor_near(g[0], min_ga, 3, 0);
    ck_assert_tensor_near(g[1], min_gb, 3, 0);
    /* with broadcasting, the tie at hand_a[2] == hand_b[2] == 3 */
    nb_tensor *A = leaf(nb_from_f64(hand_a, NB_SHAPE(2, 3)));
    nb_tensor *B = leaf(nb_from_f64(hand_b, NB_SHAPE(3)));
    nb_tensor *in2[2] = {A, B};
    loss = nb_sum(nb_maximum(A, B));
    ck_assert_int_eq(nb_grad(&loss, 1, in2, 2, NULL, 0, g), NB_OK);
    /* A >= B: [[0,1,1],[1,1,1]]; B gets the rest: column sums of [[1,0,0],[0,0,0]] */
    const double bA[6] = {0, 1, 1, 1, 1, 1}, bB[3] = {1, 0, 0};
    ck_assert_tensor_near(g[0], bA, 6, 0);
    ck_assert_tensor_near(g[1], bB, 3, 0);
}
END_TEST

/* Binary backwards return the gradient in the output's shape; the engine
 * sums it down to a broadcast input's shape, once, with its own sum_to op,
 * which a create-graph pass records, so the reduction is differentiable
 * again. */
START_TEST(test_engine_reduces_broadcast_gradients)
{
    nb_tensor *A = leaf(nb_from_f64(hand_a, NB_SHAPE(2, 3)));
    nb_tensor *B = leaf(nb_from_f64(hand_b, NB_SHAPE(3)));
    nb_tensor *in[2] = {A, B}, *g[2];
    /* d sum(A * B) / dB = column sums of A = (5, 7, 9); / dA = B on each row */
    nb_tensor *loss = nb_sum(nb_mul(A, B));
    ck_assert_int_eq(nb_grad(&loss, 1, in, 2, NULL, NB_CREATE_GRAPH, g), NB_OK);
    const double gB[3] = {5, 7, 9}, gA[6] = {2, 0.5, 3, 2, 0.5, 3};
    ck_assert_tensor_near(g[1], gB, 3, 0);
    ck_assert_tensor_near(g[0], gA, 6, 0);
    ck_assert_str_eq(nb_node_op_name(nb_tensor_node(g[1])), "sum_to");
    /* the same gradient, second order: d/dA of sum(dB * (1, 2, 3)) is (1, 2, 3) per row */
    nb_tensor *w = nb_from_f64((const double[]){1, 2, 3}, NB_SHAPE(3));
    nb_tensor *h = nb_sum(nb_mul(g[1], w)), *gg = NULL;
    ck_assert_int_eq(nb_grad(&h, 1, &A, 1, NULL, 0, &gg), NB_OK);
    const double ggA[6] = {1, 2, 3, 1, 2, 3};
    ck_assert_tensor_near(gg, ggA, 6, 0);
    /* a 0-d input: the whole gradient sums to one value */
    nb_tensor *s = leaf(nb_scalar(NB_F64, 2.0));
    loss = nb_sum(nb_div(A, s));
    ck_assert_int_eq(nb_grad(&loss, 1, &s, 1, NULL, 0, g), NB_OK);
    ck_assert_int_eq(nb_tensor_ndim(g[0]), 0);
    ck_assert_double_eq_tol(nb_tensor_get(g[0], 0), -21.0 / 4.0, 1e-15); /* -sum(A) / s^2 */
}
END_TEST

/* ================= where ================= */

/* The hand example: mask [[1, 0, 1], [0, 1, 0]], a = hand_a (2x3), b = -1
 * (0-d); with a column a (2x1) and a row mask (3); f32 gives the same. */
START_TEST(test_where_values)
{
    const double mv[6] = {1, 0, 1, 0, 1, 0};
    for (int dt = 0; dt < 2; dt++) {
        nb_dtype d = dt ? NB_F64 : NB_F32;
        nb_tensor *m = nb_cast(nb_from_f64(mv, NB_SHAPE(2, 3)), d);
        nb_tensor *a = nb_cast(nb_from_f64(hand_a, NB_SHAPE(2, 3)), d);
        nb_tensor *y = nb_where(m, a, nb_scalar(d, -1));
        const double want[6] = {1, -1, 3, -1, 5, -1};
        ck_assert_tensor_near(y, want, 6, 0);
        ck_assert_int_eq(nb_tensor_dtype(y), d);
        /* mask (3) x a (2x1) x b (2x3): shape 2x3 */
        nb_tensor *row = nb_cast(nb_from_f64((const double[]){0, 1, 1}, NB_SHAPE(3)), d);
        nb_tensor *col = nb_cast(nb_from_f64((const double[]){10, 20}, NB_SHAPE(2, 1)), d);
        y = nb_where(row, col, a);
        const double want2[6] = {1, 10, 10, 4, 20, 20};
        ck_assert_int_eq(nb_tensor_ndim(y), 2);
        ck_assert_int_eq(nb_tensor_shape(y)[0], 2);
        ck_assert_int_eq(nb_tensor_shape(y)[1], 3);
        ck_assert_tensor_near(y, want2, 6, 0);
    }
}
END_TEST

/* d sum(w * where(m, a, b)): w*m for a and w*(1-m) for b, each summed to
 * its input's shape; the mask gets none. */
START_TEST(test_where_gradients)
{
    const double mv[6] = {1, 0, 1, 0, 1, 0}, wv[6] = {1, 2, 3, 4, 5, 6};
    nb_tensor *m = leaf(nb_from_f64(mv, NB_SHAPE(2, 3)));
    nb_tensor *a = leaf(nb_from_f64((const double[]){7, 8}, NB_SHAPE(2, 1)));
    nb_tensor *b = leaf(nb_from_f64(hand_b, NB_SHAPE(3)));
    nb_tensor *w = nb_from_f64(wv, NB_SHAPE(2, 3));
    nb_tensor *loss = nb_sum(nb_mul(nb_where(m, a, b), w));
    nb_tensor *in[2] = {a, b}, *g[2];
    ck_assert_int_eq(nb_grad(&loss, 1, in, 2, NULL, 0, g), NB_OK);
    const double ga[2] = {1 + 3, 5}, gb[3] = {4, 2, 6};
    ck_assert_tensor_near(g[0], ga, 2, 0);
    ck_assert_tensor_near(g[1], gb, 3, 0);
    /* the mask is a constant: no gradient reaches it */
    nb_tensor *gm = NULL;
    ck_assert_int_eq(nb_grad(&loss, 1, &m, 1, NULL, NB_ALLOW_UNUSED, &gm), NB_OK);
    ck_assert_ptr_null(gm);
    ck_assert_int_eq(nb_grad(&loss, 1, &m, 1, NULL, 0, &gm), NB_ERR_GRAD);
    ck_assert_error(NB_ERR_GRAD, "nb_grad: input 1 is not used to compute the outputs");
}
END_TEST

/* The branch not taken may hold NaN/Inf: the result and the gradients of
 * both branches stay finite (mask * a + (1 - mask) * b would give NaN). */
START_TEST(test_where_ignores_the_other_branch)
{
    nb_tensor *x = leaf(nb_from_f64((const double[]){4, -1, 0}, NB_SHAPE(3)));
    nb_tensor *m = nb_greater(x, nb_scalar(NB_F64, 0));
    nb_tensor *lx = nb_log(x); /* NaN at -1, -inf at 0 */
    nb_tensor *y = nb_where(m, lx, nb_mul_scalar(x, 2));
    const double want[3] = {2 * log(2.0), -2, 0};
    ck_assert_tensor_near(y, want, 3, 1e-15);
    nb_tensor *s = nb_sum(y), *g = NULL;
    ck_assert_int_eq(nb_grad(&s, 1, &lx, 1, NULL, 0, &g), NB_OK);
    const double glx[3] = {1, 0, 0};
    ck_assert_tensor_near(g, glx, 3, 0);
    /* through to x, where log's own g/x is 0/-1 = -0 (at x = 0 it would be
     * 0/0, as in any framework: where cannot reach into log's formula) */
    nb_tensor *x2 = leaf(nb_from_f64((const double[]){4, -1, -2}, NB_SHAPE(3)));
    y = nb_where(nb_greater(x2, nb_scalar(NB_F64, 0)), nb_log(x2), nb_mul_scalar(x2, 2));
    const double gx[3] = {0.25, 2, 2};
    ck_assert_tensor_near(grad_of_sum(y, x2), gx, 3, 0);
}
END_TEST

START_TEST(test_where_errors)
{
    nb_tensor *a = nb_ones(NB_F64, NB_SHAPE(2, 3)), *b = nb_zeros(NB_F64, NB_SHAPE(3));
    nb_tensor *m = nb_from_f64((const double[]){1, 0.5, 0}, NB_SHAPE(3));
    ck_assert_ptr_null(nb_where(m, a, b));
    ck_assert_error(NB_ERR_ARG, "where: mask element 1 is 0.5; the mask must hold only 0 and 1");
    nb_tensor_data_f64(m)[1] = NAN;
    ck_assert_ptr_null(nb_where(m, a, b));
    ck_assert_error(NB_ERR_ARG, "where: mask element 1 is nan");
    nb_tensor *m4 = nb_ones(NB_F64, NB_SHAPE(4));
    ck_assert_ptr_null(nb_where(m4, a, b));
    ck_assert_error(NB_ERR_SHAPE, "where: mask 4, a 2x3 and b 3 do not broadcast together (axis -1: 4 vs 3");
    nb_tensor *m32 = nb_ones(NB_F32, NB_SHAPE(3));
    ck_assert_ptr_null(nb_where(m32, a, b));
    ck_assert_error(NB_ERR_DTYPE, "where: input 1 is f32 but input 2 is f64");
    /* alone, a NULL input is named; after an earlier failure the first
     * message is kept */
    nb_clear_error();
    ck_assert_ptr_null(nb_where(m4, NULL, b));
    ck_assert_error(NB_ERR_NULL, "where: input 2 is NULL");
    nb_tensor *bad = nb_add(nb_zeros(NB_F64, NB_SHAPE(2)), nb_zeros(NB_F64, NB_SHAPE(3)));
    char first[512];
    snprintf(first, sizeof first, "%s", nb_last_error());
    ck_assert_ptr_null(nb_where(bad, a, b));
    ck_assert_ptr_null(nb_where(m4, bad, b));
    ck_assert_ptr_null(nb_where(m4, a, bad));
    ck_assert_str_eq(nb_last_error(), first);
}
END_TEST

/* The node keeps the mask: changing it in place before backward is caught. */
START_TEST(test_where_mask_modified_in_place)
{
    nb_tensor *a = leaf(nb_ones(NB_F64, NB_SHAPE(3)));
    nb_tensor *m = nb_from_f64((const double[]){1, 0, 1}, NB_SHAPE(3));
    nb_tensor *loss = nb_sum(nb_where(m, a, nb_scalar(NB_F64, 0)));
    nb_tensor_data_f64(m)[1] = 1;
    nb_tensor_bump_version(m);
    ck_assert_int_lt(nb_backward(loss, NULL), 0);
    ck_assert_error(NB_ERR_STATE, "backward of 'where'");
    ck_assert_error(NB_ERR_STATE, "saved tensor 1 was modified in place");
}
END_TEST

START_TEST(test_pow_base_zero)
{
    const double av[3] = {0, 0, 4}, bv[3] = {2, 0.5, 0.5};
    nb_tensor *a = leaf(nb_from_f64(av, NB_SHAPE(3))), *b = leaf(nb_from_f64(bv, NB_SHAPE(3)));
    nb_tensor *y = nb_pow(a, b);
    const double want[3] = {0, 0, 2};
    ck_assert_tensor_near(y, want, 3, 0);
    nb_tensor *loss = nb_sum(y), *in[2] = {a, b}, *g[2];
    ck_assert_int_eq(nb_grad(&loss, 1, in, 2, NULL, 0, g), NB_OK);
    /* d/db at a = 0 is taken as 0 (the limit for b > 0), not NaN;
     * d/db 4^0.5 = 2 ln 4; d/da: 2*0 = 0, 0.5*0^-0.5 = inf, 0.5*4^-0.5 = 0.25 */
    const double gb[3] = {0, 0, 2 * 2 * LN2};
    ck_assert_tensor_near(g[1], gb, 3, 1e-12);
    ck_assert_double_eq(nb_tensor_get(g[0], 0), 0);
    ck_assert(isinf(nb_tensor_get(g[0], 1)));
    ck_assert_double_eq_tol(nb_tensor_get(g[0], 2), 0.25, 1e-15);
    /* only a requires grad: b's gradient is not computed */
    nb_tensor *c = nb_from_f64(bv, NB_SHAPE(3));
    loss = nb_sum(nb_pow(a, c));
    ck_assert_int_eq(nb_grad(&loss, 1, &a, 1, NULL, 0, g), NB_OK);
    ck_assert_double_eq_tol(nb_tensor_get(g[0], 2), 0.25, 1e-15);
}
END_TEST

/* ================= comparison masks ================= */

START_TEST(test_compare_values)
{
    struct {
        bin_fn fn;
        const char *name;
        double want[6];
    } cases[] = {
        {nb_greater, "greater", {0, 1, 0, 1, 1, 1}},
        {nb_greater_equal, "greater_equal", {0, 1, 1, 1, 1, 1}},
        {nb_less, "less", {1, 0, 0, 0, 0, 0}},
        {nb_less_equal, "less_equal", {1, 0, 1, 0, 0, 0}},
        {nb_equal, "equal", {0, 0, 1, 0, 0, 0}},
    };
    for (int k = 0; k < 5; k++)
        for (int dt = 0; dt < 2; dt++) {
            nb_dtype t = dt ? NB_F64 : NB_F32;
            nb_tensor *a = leaf(nb_cast(nb_from_f64(hand_a, NB_SHAPE(2, 3)), t));
            nb_tensor *b = nb_cast(nb_from_f64(hand_b, NB_SHAPE(3)), t);
            nb_tensor *m = cases[k].fn(a, b);
            ck_assert_msg(m != NULL, "%s: %s", cases[k].name, nb_last_error());
            ck_assert_int_eq(nb_tensor_dtype(m), t);
            ck_assert_int_eq(nb_tensor_ndim(m), 2);
            ck_assert_tensor_near(m, cases[k].want, 6, 0);
            /* never recorded, even though a requires grad */
            ck_assert(!nb_tensor_requires_grad(m));
            ck_assert_ptr_null(nb_tensor_node(m));
            /* errors: shape, dtype, NULL (sticky) */
            nb_clear_error();
            ck_assert_ptr_null(cases[k].fn(a, nb_ones(t, NB_SHAPE(4))));
            ck_assert_error(NB_ERR_SHAPE, cases[k].name);
            ck_assert_ptr_null(cases[k].fn(a, nb_ones(dt ? NB_F32 : NB_F64, NB_SHAPE(3))));
            ck_assert_error(NB_ERR_DTYPE, cases[k].name);
            ck_assert_ptr_null(cases[k].fn(NULL, b));
            ck_assert_error(NB_ERR_DTYPE, cases[k].name); /* the first message is kept */
            nb_clear_error();
            ck_assert_ptr_null(cases[k].fn(a, NULL));
            ck_assert_error(NB_ERR_NULL, cases[k].name);
        }
    /* NaN compares false */
    nb_tensor *n = nb_scalar(NB_F64, NAN);
    ck_assert_double_eq(nb_tensor_item(nb_equal(n, n)), 0);
    ck_assert_double_eq(nb_tensor_item(nb_greater_equal(n, n)), 0);
    ck_assert_double_eq(nb_tensor_item(nb_less(n, nb_scalar(NB_F64, 1))), 0);
}
END_TEST

START_TEST(test_sign_values)
{
    const double v[5] = {-3, -0.0, 0, 2.5, NAN};
    nb_tensor *x = leaf(nb_from_f64(v, NB_SHAPE(5)));
    nb_tensor *s = nb_sign(x);
    const double want[5] = {-1, 0, 0, 1, NAN};
    ck_assert_tensor_near(s, want, 5, 0);
    ck_assert(!nb_tensor_requires_grad(s));
    nb_tensor *s32 = nb_sign(nb_cast(x, NB_F32));
    ck_assert_int_eq(nb_tensor_dtype(s32), NB_F32);
    ck_assert_tensor_near(s32, want, 5, 0);
    ck_assert_ptr_null(nb_sign(NULL));
    ck_assert_error(NB_ERR_NULL, "sign");
}
END_TEST

/* A mask in a backward formula keeps second order right: d²/dx² relu(x)²
 * = 2 [x > 0], computed through relu's masked backward. */
START_TEST(test_masks_keep_second_order)
{
    const double v[4] = {-1.5, -0.2, 0.3, 2};
    nb_tensor *x = leaf(nb_from_f64(v, NB_SHAPE(4)));
    nb_tensor *loss = nb_sum(nb_square(nb_relu(x))), *g = NULL, *gg = NULL;
    ck_assert_int_eq(nb_grad(&loss, 1, &x, 1, NULL, NB_CREATE_GRAPH, &g), NB_OK);
    const double g_want[4] = {0, 0, 0.6, 4}, gg_want[4] = {0, 0, 2, 2};
    ck_assert_tensor_near(g, g_want, 4, 1e-15);
    nb_tensor *gs = nb_sum(g);
    ck_assert_int_eq(nb_grad(&gs, 1, &x, 1, NULL, 0, &gg), NB_OK);
    ck_assert_tensor_near(gg, gg_want, 4, 1e-15);
}
END_TEST

/* ================= cast ================= */

START_TEST(test_cast_values)
{
    const double v[4] = {1.0 / 3.0, -2.5, 1e-40, 16777217.0};
    nb_tensor *x = nb_from_f64(v, NB_SHAPE(2, 2));
    nb_tensor *y = nb_cast(x, NB_F32);
    ck_assert_int_eq(nb_tensor_dtype(y), NB_F32);
    ck_assert_int_eq(nb_tensor_ndim(y), 2);
    /* rounding to nearest float: 1/3 -> 0x1.555556p-2; 2^24 + 1 -> 2^24 (ties to even);
     * 1e-40 is a float subnormal, nearest is 71362 * 2^-149 */
    const float* yd = nb_tensor_data_f32(y);
    ck_assert(yd[0] == 0x1.555556p-2f);
    ck_assert(yd[1] == -2.5f);
    ck_assert(yd[2] == 71362 * 0x1p-149f);
    ck_assert(yd[3] == 16777216.0f);
    /* f32 -> f64 is exact */
    nb_tensor *z = nb_cast(y, NB_F64);
    ck_assert_int_eq(nb_tensor_dtype(z), NB_F64);
    ck_assert(nb_tensor_data_f64(z)[0] == (double)0x1.555556p-2f);
    ck_assert(nb_tensor_data_f64(z)[3] == 16777216.0);
    /* same dtype: a new tensor with the same values */
    nb_tensor *w = nb_cast(x, NB_F64);
    ck_assert_ptr_nonnull(w);
    ck_assert_ptr_ne(w, x);
    ck_assert_tensor_near(w, v, 4, 0);
    nb_tensor_data_f64(w)[0] = 7;
    ck_assert_double_eq(nb_tensor_get(x, 0), 1.0 / 3.0);
    /* 0-d and empty tensors */
    ck_assert_double_eq(nb_tensor_item(nb_cast(nb_scalar(NB_F64, 0.5), NB_F32)), 0.5);
    nb_tensor *e = nb_cast(nb_zeros(NB_F32, NB_SHAPE(0, 3)), NB_F64);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(nb_tensor_numel(e), 0);
}
END_TEST

START_TEST(test_cast_gradients)
{
    /* loss = sum(cast(x, f32) * w): d/dx = w, as f64 */
    const double v[3] = {0.5, -1, 2};
    const float wv[3] = {3, -0.25f, 1.5f};
    nb_tensor *x = leaf(nb_from_f64(v, NB_SHAPE(3)));
    nb_tensor *w = nb_from_f32(wv, NB_SHAPE(3));
    nb_tensor *loss = nb_sum(nb_mul(nb_cast(x, NB_F32), w)), *g = NULL;
    ck_assert_int_eq(nb_tensor_dtype(loss), NB_F32);
    ck_assert_int_eq(nb_grad(&loss, 1, &x, 1, NULL, 0, &g), NB_OK);
    ck_assert_int_eq(nb_tensor_dtype(g), NB_F64);
    const double gw[3] = {3, -0.25, 1.5};
    ck_assert_tensor_near(g, gw, 3, 0);
    ck_assert_str_eq(nb_node_op_name(nb_tensor_node(nb_cast(x, NB_F32))), "cast");
    /* nb_backward into an f32 leaf through an f64 computation */
    nb_tensor *x32 = leaf(nb_from_f32(wv, NB_SHAPE(3)));
    ck_assert_int_eq(nb_backward(nb_sum(nb_square(nb_cast(x32, NB_F64))), NULL), NB_OK);
    nb_tensor *g32 = nb_tensor_grad(x32);
    ck_assert_int_eq(nb_tensor_dtype(g32), NB_F32);
    const double g32_want[3] = {6, -0.5, 3};
    ck_assert_tensor_near(g32, g32_want, 3, 0);
    /* second order across the cast: d²/dx² sum(cast(x, f32)³) = 6x */
    nb_tensor *l3 = nb_sum(nb_pow_scalar(nb_cast(x, NB_F32), 3)), *g1 = NULL, *g2 = NULL;
    ck_assert_int_eq(nb_grad(&l3, 1, &x, 1, NULL, NB_CREATE_GRAPH, &g1), NB_OK);
    ck_assert_int_eq(nb_tensor_dtype(g1), NB_F64);
    nb_tensor *s1 = nb_sum(g1);
    ck_assert_int_eq(nb_grad(&s1, 1, &x, 1, NULL, 0, &g2), NB_OK);
    const double g2_want[3] = {3, -6, 12};
    ck_assert_tensor_near(g2, g2_want, 3, 1e-5);
    /* same-dtype cast passes the gradient unchanged */
    loss = nb_sum(nb_mul_scalar(nb_cast(x, NB_F64), 2));
    ck_assert_int_eq(nb_grad(&loss, 1, &x, 1, NULL, 0, &g), NB_OK);
    const double twos[3] = {2, 2, 2};
    ck_assert_tensor_near(g, twos, 3, 0);
}
END_TEST

START_TEST(test_cast_errors)
{
    nb_tensor *x = nb_ones(NB_F64, NB_SHAPE(2));
    ck_assert_ptr_null(nb_cast(x, (nb_dtype)7));
    ck_assert_error(NB_ERR_DTYPE, "cast: unknown dtype 7");
    nb_clear_error();
    ck_assert_ptr_null(nb_cast(NULL, NB_F32));
    ck_assert_error(NB_ERR_NULL, "cast");
    /* sticky: the earlier message stays */
    ck_assert_ptr_null(nb_cast(x, (nb_dtype)-1));
    char first[512];
    snprintf(first, sizeof first, "%s", nb_last_error());
    ck_assert_ptr_null(nb_cast(NULL, NB_F64));
    ck_assert_str_eq(nb_last_error(), first);
    /* stale input */
    nb_arena *other = nb_arena_new();
    nb_arena_use(other);
    nb_tensor *stale = nb_ones(NB_F32, NB_SHAPE(3));
    nb_arena_reset(other);
    nb_arena_use(test_arena);
    ck_assert_ptr_null(nb_cast(stale, NB_F64));
    ck_assert_error(NB_ERR_STATE, "cast");
    nb_arena_free(other);
}
END_TEST

/* What backward reads is declared (NB_SAVES_*): an in-place write to it
 * between forward and backward is reported, naming the op. */
START_TEST(test_saved_tensors_modified_in_place)
{
    struct {
        un_fn fn;
        const char *name;
        bool saves_output; /* else the input */
    } cases[] = {
        {nb_exp, "exp", true},          {nb_log, "log", false},       {nb_sqrt, "sqrt", true},
        {nb_abs, "abs", false},         {nb_sin, "sin", false},       {nb_cos, "cos", false},
        {nb_sigmoid, "sigmoid", true},  {nb_relu, "relu", false},     {nb_softplus, "softplus", false},
        {w_pow3, "pow_scalar", false},  {w_leaky, "leaky_relu", false}, {w_clamp, "clamp", false},
    };
    for (int k = 0; k < (int)(sizeof cases / sizeof cases[0]); k++) {
        nb_tensor *x = leaf(nb_full(NB_F64, NB_SHAPE(3), 0.5));
        nb_tensor *h = nb_mul_scalar(x, 1); /* a non-leaf we may write to */
        nb_tensor *y = cases[k].fn(h);
        nb_tensor_fill(cases[k].saves_output ? y : h, 0.25);
        nb_clear_error();
        ck_assert_int_eq(nb_backward(nb_sum(y), NULL), NB_ERR_STATE);
        ck_assert_error(NB_ERR_STATE, cases[k].name);
        ck_assert_msg(strstr(nb_last_error(), "modified in place") != NULL, "%s", nb_last_error());
    }
    /* the binary ops save both inputs */
    bin_fn bins[3] = {nb_pow, nb_maximum, nb_minimum};
    const char *bnames[3] = {"pow", "maximum", "minimum"};
    for (int k = 0; k < 3; k++)
        for (int side = 0; side < 2; side++) {
            nb_tensor *a = nb_mul_scalar(leaf(nb_full(NB_F64, NB_SHAPE(2), 1.5)), 1);
            nb_tensor *b = nb_mul_scalar(leaf(nb_full(NB_F64, NB_SHAPE(2), 0.5)), 1);
            nb_tensor *y = bins[k](a, b);
            nb_tensor_fill(side ? b : a, 2);
            ck_assert_int_eq(nb_backward(nb_sum(y), NULL), NB_ERR_STATE);
            ck_assert_error(NB_ERR_STATE, bnames[k]);
        }
}
END_TEST

/* Without grad mode, or without inputs requiring grad, nothing is recorded. */
START_TEST(test_no_recording_without_grad)
{
    nb_tensor *x = leaf(nb_ones(NB_F64, NB_SHAPE(2)));
    nb_tensor *y = NULL;
    NB_NO_GRAD { y = nb_sigmoid(nb_exp(x)); }
    ck_assert(!nb_tensor_requires_grad(y));
    ck_assert_ptr_null(nb_tensor_node(y));
    nb_tensor *z = nb_maximum(nb_ones(NB_F64, NB_SHAPE(2)), nb_zeros(NB_F64, NB_SHAPE(2)));
    ck_assert(!nb_tensor_requires_grad(z));
    ck_assert(nb_tensor_requires_grad(nb_maximum(x, nb_zeros(NB_F64, NB_SHAPE(2)))));
}
END_TEST

static Suite *elementwise_suite(void)
{
    Suite *s = suite_create("ops_elementwise");
    TCase *tc = nb_test_case("unary");
    tcase_add_loop_test(tc, test_unary_hand_values, 0, N_UN_CASES);
    tcase_add_loop_test(tc, test_unary_closed_form_shapes, 0, N_UN_CASES);
    tcase_add_loop_test(tc, test_unary_f32_agrees_with_f64, 0, N_UN_CASES);
    tcase_add_loop_test(tc, test_unary_gradient_closed_form, 0, N_UN_CASES);
    tcase_add_loop_test(tc, test_unary_null_is_sticky, 0, N_UN_CASES);
    tcase_add_loop_test(tc, test_unary_stale_input, 0, N_UN_CASES);
    tcase_add_loop_test(tc, test_unary_extreme_inputs_finite, 0, N_UN_CASES);
    suite_add_tcase(s, tc);

    tc = nb_test_case("unary_special");
    tcase_add_test(tc, test_saturating_limits);
    tcase_add_test(tc, test_nan_propagates);
    tcase_add_test(tc, test_erf_limits_and_symmetry);
    tcase_add_test(tc, test_unary_argument_errors);
    tcase_add_test(tc, test_unary_kink_subgradients);
    tcase_add_test(tc, test_pow_scalar_special_exponents);
    tcase_add_test(tc, test_second_derivatives_closed_form);
    tcase_add_test(tc, test_purelin_is_identity);
    suite_add_tcase(s, tc);

    tc = nb_test_case("binary");
    tcase_add_loop_test(tc, test_binary_hand_broadcast, 0, N_BIN_CASES);
    tcase_add_loop_test(tc, test_binary_closed_form_all_shapes, 0, N_BIN_CASES);
    tcase_add_loop_test(tc, test_binary_f32_agrees_with_f64, 0, N_BIN_CASES);
    tcase_add_loop_test(tc, test_binary_shape_mismatch, 0, N_BIN_CASES);
    tcase_add_loop_test(tc, test_binary_dtype_mismatch, 0, N_BIN_CASES);
    tcase_add_loop_test(tc, test_binary_null_is_sticky, 0, N_BIN_CASES);
    tcase_add_loop_test(tc, test_binary_extreme_inputs_finite, 0, N_BIN_CASES);
    tcase_add_test(tc, test_max_min_ties_go_to_a);
    tcase_add_test(tc, test_pow_base_zero);
    tcase_add_test(tc, test_engine_reduces_broadcast_gradients);
    suite_add_tcase(s, tc);

    tc = nb_test_case("where");
    tcase_add_test(tc, test_where_values);
    tcase_add_test(tc, test_where_gradients);
    tcase_add_test(tc, test_where_ignores_the_other_branch);
    tcase_add_test(tc, test_where_errors);
    tcase_add_test(tc, test_where_mask_modified_in_place);
    suite_add_tcase(s, tc);

    tc = nb_test_case("masks_and_cast");
    tcase_add_test(tc, test_compare_values);
    tcase_add_test(tc, test_sign_values);
    tcase_add_test(tc, test_masks_keep_second_order);
    tcase_add_test(tc, test_cast_values);
    tcase_add_test(tc, test_cast_gradients);
    tcase_add_test(tc, test_cast_errors);
    tcase_add_test(tc, test_saved_tensors_modified_in_place);
    tcase_add_test(tc, test_no_recording_without_grad);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return nb_test_run(elementwise_suite()); }
