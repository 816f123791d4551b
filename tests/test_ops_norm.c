/* gelu, stack, split_sizes, chunk, pad, var_axis/std_axis, dropout,
 * layer_norm and batch_norm: values worked out by hand, f64 gradcheck and
 * gradgradcheck on two shapes with odd sizes, f32 against f64, large
 * offsets, and the sticky NULL input. */
#include "test_ops_grad.h"

#define SQRT2_3 0.81649658092772603273 /* sqrt(2/3) */

/* ---- gelu ---- */

START_TEST(test_gelu_values)
{
    /* 0.5 x (1 + erf(x / sqrt 2)) with erf(1/sqrt 2) = 0.6826894921370859,
     * erf(sqrt 2) = 0.9544997361036416 */
    const double want[] = {0, 0.8413447460685429, -0.15865525393145707, 1.9544997361036416};
    for (int dt = 0; dt < 2; dt++) {
        nb_dtype t = dt ? NB_F32 : NB_F64;
        nb_tensor *x = t_vals(t, (const double[]){0, 1, -1, 2}, NB_SHAPE(4));
        ck_assert_tensor_near(nb_gelu(x), want, 4, t == NB_F32 ? 1e-6 : 1e-14);
    }
    /* far out: 0 below, x above, finite */
    nb_tensor *far = t_vals(NB_F64, (const double[]){-40, 40}, NB_SHAPE(2));
    ck_assert_tensor_near(nb_gelu(far), ((const double[]){0, 40}), 2, 0);
    /* slope Phi(x) + x phi(x): 0.5 at 0, 0.8413447 + 0.2419707 at 1 */
    nb_tensor *x = nb_tensor_set_requires_grad(
        t_vals(NB_F64, (const double[]){0, 1}, NB_SHAPE(2)), true);
    nb_tensor *g = t_grad(nb_sum(nb_gelu(x)), x);
    ck_assert_tensor_near(g, ((const double[]){0.5, 1.0833154705876864}), 2, 1e-14);
    ck_assert_sticky(nb_gelu(NULL));
}
END_TEST

static nb_tensor *f_gelu(nb_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    return nb_gelu(in[0]);
}

START_TEST(test_gelu_grads)
{
    nb_tensor *x = t_rand(1, NB_SHAPE(5), -3, 3), *y = t_rand(2, NB_SHAPE(3, 7), -3, 3);
    ck_assert_grads(f_gelu, &x, 1, NULL);
    ck_assert_grads(f_gelu, &y, 1, NULL);
    check_f32_agrees(f_gelu, &y, 1, NULL, 1e-6);
}
END_TEST

/* ---- stack, split, chunk ---- */

START_TEST(test_stack_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_dtype t = dt ? NB_F32 : NB_F64;
        nb_tensor *a = t_vals(t, (const double[]){1, 2, 3, 4, 5, 6}, NB_SHAPE(2, 3));
        nb_tensor *b = t_vals(t, (const double[]){7, 8, 9, 10, 11, 12}, NB_SHAPE(2, 3));
        nb_tensor *s0 = nb_stack((nb_tensor *[]){a, b}, 2, 0);
        ck_assert_int_eq(nb_tensor_ndim(s0), 3);
        ck_assert_int_eq(nb_tensor_shape(s0)[0], 2);
        ck_assert_tensor_near(s0, ((const double[]){1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}), 12, 0);
        nb_tensor *s1 = nb_stack((nb_tensor *[]){a, b}, 2, 1);
        ck_assert_int_eq(nb_tensor_shape(s1)[1], 2);
        ck_assert_tensor_near(s1, ((const double[]){1, 2, 3, 7, 8, 9, 4, 5, 6, 10, 11, 12}), 12, 0);
        nb_tensor *s2 = nb_stack((nb_tensor *[]){a, b}, 2, -1);
        ck_assert_int_eq(nb_tensor_shape(s2)[2], 2);
        ck_assert_tensor_near(s2, ((const double[]){1, 7, 2, 8, 3, 9, 4, 10, 5, 11, 6, 12}), 12, 0);
    }
    /* 0-d inputs stack to a vector */
    nb_tensor *v = nb_stack((nb_tensor *[]){nb_scalar(NB_F64, 3), nb_scalar(NB_F64, -1)}, 2, 0);
    ck_assert_int_eq(nb_tensor_ndim(v), 1);
    ck_assert_tensor_near(v, ((const double[]){3, -1}), 2, 0);
    ck_assert_sticky(nb_stack((nb_tensor *[]){v, NULL}, 2, 0));
}
END_TEST

/* the stack squared elementwise (each input's gradient 2 x) */
static nb_tensor *f_stack(nb_tensor *const *in, int n, void *ctx)
{
    int axis = *(const int *)ctx;
    return nb_mul(nb_stack(in, n, axis), nb_stack(in, n, axis));
}

static nb_tensor *f_split(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    int axis = *(const int *)ctx;
    nb_tensor *p[3];
    int64_t len = nb_tensor_shape(in[0])[axis < 0 ? axis + nb_tensor_ndim(in[0]) : axis];
    if (nb_split_sizes(in[0], (const int64_t[]){1, len - 3, 2}, 3, axis, p) < 0)
        return NULL;
    return nb_add(nb_sum(nb_square(p[0])),
                  nb_add(nb_mul_scalar(nb_sum(nb_square(p[1])), 2), nb_mul_scalar(nb_sum(nb_square(p[2])), 3)));
}

static nb_tensor *f_chunk(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    int axis = *(const int *)ctx;
    nb_tensor *p[3];
    int made = nb_chunk(in[0], 3, axis, p);
    if (made < 0)
        return NULL;
    nb_tensor *s = NULL;
    for (int k = 0; k < made; k++) { /* piece k weighted by k + 1, so each is told apart */
        nb_tensor *term = nb_mul_scalar(nb_sum(nb_mul(p[k], nb_sin(p[k]))), k + 1);
        s = s ? nb_add(s, term) : term;
    }
    return s;
}

START_TEST(test_stack_split_grads)
{
    int ax1 = 1, ax0 = 0, axm = -1;
    nb_tensor *two[2] = {t_rand(3, NB_SHAPE(3, 5), -1, 1), t_rand(4, NB_SHAPE(3, 5), -1, 1)};
    ck_assert_grads(f_stack, two, 2, &ax1);
    check_f32_agrees(f_stack, two, 2, &ax1, 1e-6);
    nb_tensor *three[3] = {t_rand(5, NB_SHAPE(7), -1, 1), t_rand(6, NB_SHAPE(7), -1, 1),
                           t_rand(7, NB_SHAPE(7), -1, 1)};
    ck_assert_grads(f_stack, three, 3, &ax0);
    nb_tensor *x = t_rand(8, NB_SHAPE(5, 3), -1, 1), *y = t_rand(9, NB_SHAPE(3, 7), -1, 1);
    ck_assert_grads(f_split, &x, 1, &ax0);
    ck_assert_grads(f_split, &y, 1, &axm);
    ck_assert_grads(f_chunk, &x, 1, &ax0);
    ck_assert_grads(f_chunk, &y, 1, &axm);
    check_f32_agrees(f_chunk, &y, 1, &axm, 1e-6);
}
END_TEST

START_TEST(test_split_chunk_values)
{
    nb_tensor *x = nb_tensor_set_requires_grad(
        t_vals(NB_F64, (const double[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, NB_SHAPE(5, 2)), true);
    nb_tensor *p[4];
    ck_assert_int_eq(nb_split_sizes(x, (const int64_t[]){2, 0, 3}, 3, 0, p), NB_OK);
    ck_assert_tensor_near(p[0], ((const double[]){0, 1, 2, 3}), 4, 0);
    ck_assert_int_eq(nb_tensor_numel(p[1]), 0);
    ck_assert_tensor_near(p[2], ((const double[]){4, 5, 6, 7, 8, 9}), 6, 0);
    /* d/dx of 2 sum(p0) + 3 sum(p2): 2 on rows 0-1, 3 on rows 2-4 */
    nb_tensor *g = t_grad(nb_add(nb_mul_scalar(nb_sum(p[0]), 2), nb_mul_scalar(nb_sum(p[2]), 3)), x);
    ck_assert_tensor_near(g, ((const double[]){2, 2, 2, 2, 3, 3, 3, 3, 3, 3}), 10, 0);
    /* torch.chunk: 5 rows in 4 chunks are pieces of 2, 2, 1 */
    ck_assert_int_eq(nb_chunk(x, 4, 0, p), 3);
    ck_assert_int_eq(nb_tensor_shape(p[0])[0], 2);
    ck_assert_int_eq(nb_tensor_shape(p[1])[0], 2);
    ck_assert_tensor_near(p[2], ((const double[]){8, 9}), 2, 0);
    ck_assert_ptr_null(p[3]);
    /* columns: 2 in 2 chunks */
    ck_assert_int_eq(nb_chunk(x, 2, -1, p), 2);
    ck_assert_tensor_near(p[1], ((const double[]){1, 3, 5, 7, 9}), 5, 0);
    /* 6 in 4: ceil(6/4) = 2, so 3 pieces */
    nb_tensor *six = t_vals(NB_F32, (const double[]){1, 2, 3, 4, 5, 6}, NB_SHAPE(6));
    ck_assert_int_eq(nb_chunk(six, 4, 0, p), 3);
    ck_assert_tensor_near(p[2], ((const double[]){5, 6}), 2, 0);
    /* an empty axis: `chunks` empty pieces, as torch.chunk */
    ck_assert_int_eq(nb_chunk(nb_zeros(NB_F64, NB_SHAPE(3, 0)), 2, 1, p), 2);
    ck_assert_int_eq(nb_tensor_numel(p[1]), 0);
    /* errors leave every slot NULL */
    p[0] = six;
    ck_assert_int_eq(nb_split_sizes(six, (const int64_t[]){2, 2}, 2, 0, p), NB_ERR_ARG);
    ck_assert_ptr_null(p[0]);
    ck_assert_error(NB_ERR_ARG, "split_sizes: the sizes add up to 4 but axis 0 has 6");
    ck_assert_int_eq(nb_chunk(six, 0, 0, p), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "chunk: chunks is 0");
    nb_clear_error();
    nb__test_sticky_seed();
    ck_assert_int_lt(nb_chunk(NULL, 2, 0, p), 0);
    ck_assert_error(NB_ERR_SHAPE, "reshape: cannot view");
}
END_TEST

/* ---- pad ---- */

START_TEST(test_pad_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_dtype t = dt ? NB_F32 : NB_F64;
        nb_tensor *x = t_vals(t, (const double[]){1, 2, 3, 4}, NB_SHAPE(2, 2));
        /* last axis (1, 0), first axis (0, 1), value 9 */
        nb_tensor *y = nb_pad(x, (const int64_t[]){1, 0, 0, 1}, 2, 9);
        ck_assert_int_eq(nb_tensor_shape(y)[0], 3);
        ck_assert_int_eq(nb_tensor_shape(y)[1], 3);
        ck_assert_tensor_near(y, ((const double[]){9, 1, 2, 9, 3, 4, 9, 9, 9}), 9, 0);
        /* one pair: the last axis only */
        nb_tensor *z = nb_pad(x, (const int64_t[]){0, 2}, 1, -1);
        ck_assert_tensor_near(z, ((const double[]){1, 2, -1, -1, 3, 4, -1, -1}), 8, 0);
        /* no pairs: a copy */
        ck_assert_tensor_near(nb_pad(x, NULL, 0, 5), ((const double[]){1, 2, 3, 4}), 4, 0);
    }
    /* 3-d, middle axis: (1, 2, 1) padded (1, 1) on axis 1 */
    nb_tensor *x3 = t_vals(NB_F64, (const double[]){5, 6}, NB_SHAPE(1, 2, 1));
    nb_tensor *y3 = nb_pad(x3, (const int64_t[]){0, 0, 1, 1}, 2, 0);
    ck_assert_int_eq(nb_tensor_shape(y3)[1], 4);
    ck_assert_tensor_near(y3, ((const double[]){0, 5, 6, 0}), 4, 0);
    /* gradient: the padded places get nothing */
    nb_tensor *x = nb_tensor_set_requires_grad(
        t_vals(NB_F64, (const double[]){1, 2, 3}, NB_SHAPE(3)), true);
    nb_tensor *w = t_vals(NB_F64, (const double[]){10, 20, 30, 40, 50, 60}, NB_SHAPE(6));
    nb_tensor *g = t_grad(nb_sum(nb_mul(nb_pad(x, (const int64_t[]){2, 1}, 1, 7), w)), x);
    ck_assert_tensor_near(g, ((const double[]){30, 40, 50}), 3, 0);
    ck_assert_sticky(nb_pad(NULL, (const int64_t[]){1, 1}, 1, 0));
}
END_TEST

typedef struct pad_ctx {
    int64_t pad[6];
    int n_pairs;
} pad_ctx;

static nb_tensor *f_pad(nb_tensor *const *in, int n, void *vc)
{
    (void)n;
    const pad_ctx *c = vc;
    nb_tensor *y = nb_pad(in[0], c->pad, c->n_pairs, 0.5);
    return nb_mul(y, nb_sin(y));
}

START_TEST(test_pad_grads)
{
    pad_ctx c1 = {{2, 1}, 1}, c2 = {{1, 0, 0, 2, 1, 1}, 3};
    nb_tensor *x = t_rand(11, NB_SHAPE(5), -1, 1), *y = t_rand(12, NB_SHAPE(3, 1, 5), -1, 1);
    ck_assert_grads(f_pad, &x, 1, &c1);
    ck_assert_grads(f_pad, &y, 1, &c2);
    check_f32_agrees(f_pad, &y, 1, &c2, 1e-6);
}
END_TEST

/* ---- var, std ---- */

START_TEST(test_var_std_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_dtype t = dt ? NB_F32 : NB_F64;
        double tol = t == NB_F32 ? 1e-6 : 1e-14;
        /* row 0: mean 2, squares 2; row 1: mean 16/3, squares 42/9 */
        nb_tensor *x = t_vals(t, (const double[]){1, 2, 3, 4, 5, 7}, NB_SHAPE(2, 3));
        ck_assert_tensor_near(nb_var_axis(x, 1, 1, false), ((const double[]){1, 7.0 / 3}), 2, tol);
        ck_assert_tensor_near(nb_var_axis(x, -1, 0, true), ((const double[]){2.0 / 3, 14.0 / 9}), 2, tol);
        ck_assert_int_eq(nb_tensor_ndim(nb_var_axis(x, -1, 0, true)), 2);
        ck_assert_tensor_near(nb_var_axis(x, 0, 1, false), ((const double[]){4.5, 4.5, 8}), 3, tol * 10);
        ck_assert_tensor_near(nb_std_axis(x, 1, 1, false), ((const double[]){1, sqrt(7.0 / 3)}), 2, tol);
        ck_assert_tensor_near(nb_std_axis(x, 1, 0, false), ((const double[]){SQRT2_3, sqrt(14.0 / 9)}), 2, tol);
    }
    /* one element with correction 1: 0/0, NaN as in torch */
    nb_tensor *one = t_vals(NB_F64, (const double[]){3}, NB_SHAPE(1));
    ck_assert(isnan(nb_tensor_get(nb_var_axis(one, 0, 1, false), 0)));
    ck_assert_tensor_near(nb_var_axis(one, 0, 0, false), ((const double[]){0}), 1, 0);
    ck_assert_sticky(nb_var_axis(NULL, 0, 1, false));
    ck_assert_sticky(nb_std_axis(NULL, 0, 1, false));
}
END_TEST

START_TEST(test_var_large_offset)
{
    /* 1e4 + {-1, 0, 1, 2}: every value exact in f32; the variance of the
     * centred values is exactly 5/3 (unbiased), where E[x²] - E[x]² in f32
     * would lose every digit (1e8 has an ulp of 8) */
    nb_tensor *x = t_vals(NB_F32, (const double[]){9999, 10000, 10001, 10002}, NB_SHAPE(1, 4));
    ck_assert_tensor_near(nb_var_axis(x, 1, 1, false), ((const double[]){5.0 / 3}), 1, 1e-6);
    /* f64 with noise of 1e-3 on 1e4: variance 1e-6 to 1e-9 relative */
    nb_tensor *y = t_vals(NB_F64, (const double[]){10000.001, 10000.002, 10000.003}, NB_SHAPE(3));
    double v = nb_tensor_get(nb_var_axis(y, 0, 1, false), 0);
    ck_assert_msg(fabs(v - 1e-6) < 1e-12, "var %.17g", v);
}
END_TEST

typedef struct var_ctx {
    int axis, correction;
    bool keepdim, std;
} var_ctx;

static nb_tensor *f_var(nb_tensor *const *in, int n, void *vc)
{
    (void)n;
    const var_ctx *c = vc;
    return c->std ? nb_std_axis(in[0], c->axis, c->correction, c->keepdim)
                  : nb_var_axis(in[0], c->axis, c->correction, c->keepdim);
}

START_TEST(test_var_std_grads)
{
    nb_tensor *x = t_rand(13, NB_SHAPE(3, 5), -1, 1), *y = t_rand(14, NB_SHAPE(3, 1, 7), -1, 1);
    const var_ctx cs[] = {{1, 1, false, false}, {0, 0, true, false}, {1, 1, true, true},
                          {0, 0, false, true}};
    for (int i = 0; i < 4; i++) {
        var_ctx c = cs[i];
        ck_assert_grads(f_var, &x, 1, &c);
        check_f32_agrees(f_var, &x, 1, &c, 1e-5);
        c.axis = c.axis ? -1 : 0;
        ck_assert_grads(f_var, &y, 1, &c);
    }
    /* the gradient by hand: 2 (x - mean) / (n - 1) */
    nb_tensor *v = nb_tensor_set_requires_grad(
        t_vals(NB_F64, (const double[]){1, 2, 6}, NB_SHAPE(3)), true);
    nb_tensor *g = t_grad(nb_var_axis(v, 0, 1, false), v);
    ck_assert_tensor_near(g, ((const double[]){-2, -1, 3}), 3, 1e-14);
}
END_TEST

/* ---- dropout ---- */

START_TEST(test_dropout_statistics)
{
    const int64_t n = 20000;
    nb_tensor *x = nb_ones(NB_F64, NB_SHAPE(n));
    nb_rng rng;
    nb_rng_seed(&rng, 42);
    nb_tensor *y = nb_dropout(x, 0.3, true, &rng);
    ck_assert_ptr_nonnull(y);
    int64_t zeros = 0;
    double sum = 0;
    for (int64_t i = 0; i < n; i++) {
        double v = nb_tensor_get(y, i);
        ck_assert_msg(v == 0 || fabs(v - 1 / 0.7) < 1e-15, "element %lld is %g", (long long)i, v);
        zeros += v == 0;
        sum += v;
    }
    /* share dropped 0.3, sd sqrt(0.21 / n) = 0.0032: within 5 sd */
    ck_assert_msg(fabs((double)zeros / n - 0.3) < 0.016, "dropped %lld of %lld", (long long)zeros,
                  (long long)n);
    ck_assert_msg(fabs(sum / n - 1) < 0.035, "mean %g", sum / n);
    /* f32 too, same mask for the same seed */
    nb_rng_seed(&rng, 42);
    nb_tensor *y32 = nb_dropout(nb_ones(NB_F32, NB_SHAPE(n)), 0.3, true, &rng);
    for (int64_t i = 0; i < n; i++)
        ck_assert((nb_tensor_get(y32, i) == 0) == (nb_tensor_get(y, i) == 0));
}
END_TEST

START_TEST(test_dropout_modes)
{
    nb_tensor *x = t_rand(15, NB_SHAPE(4, 5), -1, 1);
    nb_rng a, b;
    nb_rng_seed(&a, 7);
    nb_rng_seed(&b, 7);
    /* the same seed gives the same mask; the next draw a different one */
    nb_tensor *y1 = nb_dropout(x, 0.5, true, &a), *y2 = nb_dropout(x, 0.5, true, &b);
    nb_tensor *y3 = nb_dropout(x, 0.5, true, &a);
    bool differ = false;
    for (int64_t i = 0; i < 20; i++) {
        ck_assert(nb_tensor_get(y1, i) == nb_tensor_get(y2, i));
        differ |= nb_tensor_get(y1, i) != nb_tensor_get(y3, i);
    }
    ck_assert(differ);
    /* identity when not training or p = 0, without drawing (rng may be NULL) */
    ck_assert_ptr_eq(nb_dropout(x, 0.5, false, NULL), x);
    ck_assert_ptr_eq(nb_dropout(x, 0, true, NULL), x);
    ck_assert_ptr_null(nb_dropout(x, 1, true, &a));
    ck_assert_error(NB_ERR_ARG, "dropout: p is 1");
    ck_assert_ptr_null(nb_dropout(x, 0.5, true, NULL));
    ck_assert_error(NB_ERR_NULL, "dropout: rng is NULL");
    ck_assert_sticky(nb_dropout(NULL, 0.5, true, &a));
}
END_TEST

/* dropout with a fixed mask: the rng is reseeded on every call */
static nb_tensor *f_dropout(nb_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    nb_rng rng;
    nb_rng_seed(&rng, 99);
    nb_tensor *y = nb_dropout(in[0], 0.4, true, &rng);
    return nb_mul(y, nb_sin(y));
}

START_TEST(test_dropout_grads)
{
    /* gradient of sum(dropout(x)) is the mask times 1 / (1 - p) */
    nb_tensor *x = t_rand(16, NB_SHAPE(3, 7), -1, 1);
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    nb_tensor *y = nb_dropout(x, 0.25, true, &rng);
    nb_tensor *g = t_grad(nb_sum(y), x);
    for (int64_t i = 0; i < 21; i++) {
        double m = nb_tensor_get(y, i) == 0 ? 0 : 1 / 0.75;
        ck_assert_double_eq_tol(nb_tensor_get(g, i), m, 1e-15);
        ck_assert_double_eq_tol(nb_tensor_get(y, i), m * nb_tensor_get(x, i), 1e-15);
    }
    nb_tensor *v = t_rand(17, NB_SHAPE(5), -1, 1);
    ck_assert_grads(f_dropout, &v, 1, NULL);
    ck_assert_grads(f_dropout, &x, 1, NULL);
}
END_TEST

/* ---- layer_norm ---- */

START_TEST(test_layer_norm_values)
{
    const double r = 1 / SQRT2_3; /* 1 / sqrt(2/3) */
    for (int dt = 0; dt < 2; dt++) {
        nb_dtype t = dt ? NB_F32 : NB_F64;
        double tol = t == NB_F32 ? 1e-6 : 1e-14;
        /* each row: mean 2 (4), biased variance 2/3 (8/3) */
        nb_tensor *x = t_vals(t, (const double[]){1, 2, 3, 2, 4, 6}, NB_SHAPE(2, 3));
        ck_assert_tensor_near(nb_layer_norm(x, 1, NULL, NULL, 0), ((const double[]){-r, 0, r, -r, 0, r}),
                              6, tol);
        nb_tensor *w = t_vals(t, (const double[]){2, 1, 0.5}, NB_SHAPE(3));
        nb_tensor *b = t_vals(t, (const double[]){0, 1, 0}, NB_SHAPE(3));
        ck_assert_tensor_near(nb_layer_norm(x, 1, w, b, 0),
                              ((const double[]){-2 * r, 1, 0.5 * r, -2 * r, 1, 0.5 * r}), 6, tol);
        /* k = 2, the whole 2x3: mean 3, biased variance 16/6 */
        double s = sqrt(16.0 / 6);
        ck_assert_tensor_near(nb_layer_norm(x, 2, NULL, NULL, 0),
                              ((const double[]){-2 / s, -1 / s, 0, -1 / s, 1 / s, 3 / s}), 6, tol);
        /* eps 1/3: row 0 (x - 2) / sqrt(2/3 + 1/3), row 1 (x - 4) / sqrt(8/3 + 1/3) */
        const double q = 2 / sqrt(3);
        ck_assert_tensor_near(nb_layer_norm(x, 1, NULL, NULL, 1.0 / 3),
                              ((const double[]){-1, 0, 1, -q, 0, q}), 6, tol);
    }
    ck_assert_sticky(nb_layer_norm(NULL, 1, NULL, NULL, 1e-5));
}
END_TEST

START_TEST(test_layer_norm_large_offset)
{
    /* 1e4 + {-1, 0, 1, 2} in f32: centred -1.5, -0.5, 0.5, 1.5, variance 1.25 */
    nb_tensor *x = t_vals(NB_F32, (const double[]){9999, 10000, 10001, 10002}, NB_SHAPE(1, 4));
    const double s = sqrt(1.25);
    ck_assert_tensor_near(nb_layer_norm(x, 1, NULL, NULL, 0),
                          ((const double[]){-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s}), 4, 1e-6);
}
END_TEST

typedef struct ln_ctx {
    int k;
    bool affine;
} ln_ctx;

static nb_tensor *f_layer_norm(nb_tensor *const *in, int n, void *vc)
{
    const ln_ctx *c = vc;
    return nb_layer_norm(in[0], c->k, n > 1 ? in[1] : NULL, n > 2 ? in[2] : NULL, 1e-5);
}

START_TEST(test_layer_norm_grads)
{
    ln_ctx c1 = {1, false}, c2 = {2, true};
    nb_tensor *x = t_rand(18, NB_SHAPE(3, 5), -1, 1);
    ck_assert_grads(f_layer_norm, &x, 1, &c1);
    check_f32_agrees(f_layer_norm, &x, 1, &c1, 1e-5);
    nb_tensor *in[3] = {t_rand(19, NB_SHAPE(2, 3, 5), -1, 1), t_rand(20, NB_SHAPE(3, 5), 0.5, 1.5),
                        t_rand(21, NB_SHAPE(3, 5), -1, 1)};
    ck_assert_grads(f_layer_norm, in, 3, &c2);
    check_f32_agrees(f_layer_norm, in, 3, &c2, 1e-5);
}
END_TEST

/* ---- batch_norm ---- */

START_TEST(test_batch_norm_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_dtype t = dt ? NB_F32 : NB_F64;
        double tol = t == NB_F32 ? 2e-6 : 1e-14;
        /* (N=4, C=2): channel 0 is 1..4 (mean 2.5, biased var 1.25, unbiased
         * 5/3), channel 1 is 2, 2, 2, 6 (mean 3, biased 3, unbiased 4) */
        nb_tensor *x = t_vals(t, (const double[]){1, 2, 2, 2, 3, 2, 4, 6}, NB_SHAPE(4, 2));
        nb_tensor *rm = nb_zeros(t, NB_SHAPE(2)), *rv = nb_ones(t, NB_SHAPE(2));
        uint64_t v0 = nb_tensor_version(rm);
        nb_tensor *y = nb_batch_norm(x, rm, rv, NULL, NULL, true, 0.1, 0);
        const double a = sqrt(1.25), b = sqrt(3);
        ck_assert_tensor_near(y, ((const double[]){-1.5 / a, -1 / b, -0.5 / a, -1 / b, 0.5 / a, -1 / b,
                                                   1.5 / a, 3 / b}), 8, tol);
        ck_assert_tensor_near(rm, ((const double[]){0.25, 0.3}), 2, tol);
        ck_assert_tensor_near(rv, ((const double[]){0.9 + 0.5 / 3, 1.3}), 2, tol);
        ck_assert_uint_gt(nb_tensor_version(rm), v0);
        /* evaluation: the running statistics, unchanged; affine part too */
        nb_tensor *w = t_vals(t, (const double[]){2, -1}, NB_SHAPE(2));
        nb_tensor *bias = t_vals(t, (const double[]){0.5, 0}, NB_SHAPE(2));
        nb_tensor *e = nb_batch_norm(x, rm, rv, w, bias, false, 0.1, 0.01);
        const double s0 = sqrt(0.9 + 0.5 / 3 + 0.01), s1 = sqrt(1.31);
        ck_assert_tensor_near(e, ((const double[]){2 * 0.75 / s0 + 0.5, -1.7 / s1,
                                                   2 * 1.75 / s0 + 0.5, -1.7 / s1,
                                                   2 * 2.75 / s0 + 0.5, -1.7 / s1,
                                                   2 * 3.75 / s0 + 0.5, -5.7 / s1}), 8, tol * 4);
        ck_assert_tensor_near(rm, ((const double[]){0.25, 0.3}), 2, tol);
    }
    ck_assert_sticky(nb_batch_norm(NULL, NULL, NULL, NULL, NULL, true, 0.1, 1e-5));
}
END_TEST

/* Batch norm of (N, C, S...) by loops over the elements, the independent
 * computation that the op is compared with. */
static void bn_by_loops(const nb_tensor *x, const double *w, const double *b, double eps,
                        double *out, double *mean, double *uvar)
{
    int64_t n = nb_tensor_shape(x)[0], c = nb_tensor_shape(x)[1], s = nb_tensor_numel(x) / (n * c);
    for (int64_t ch = 0; ch < c; ch++) {
        double m = 0, v = 0;
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < s; j++)
                m += nb_tensor_get(x, (i * c + ch) * s + j);
        m /= (double)(n * s);
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < s; j++)
                v += pow(nb_tensor_get(x, (i * c + ch) * s + j) - m, 2);
        mean[ch] = m;
        uvar[ch] = v / (double)(n * s - 1);
        v /= (double)(n * s);
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < s; j++) {
                int64_t at = (i * c + ch) * s + j;
                out[at] = (nb_tensor_get(x, at) - m) / sqrt(v + eps) * w[ch] + b[ch];
            }
    }
}

START_TEST(test_batch_norm_shapes)
{
    const int64_t shapes[3][4] = {{5, 3}, {3, 2, 5}, {2, 3, 3, 2}};
    const int ndims[3] = {2, 3, 4};
    for (int k = 0; k < 3; k++) {
        nb_tensor *x = t_rand(30 + k, ndims[k], shapes[k], -2, 3);
        int64_t c = shapes[k][1];
        nb_tensor *w = t_rand(40 + k, 1, &c, 0.5, 1.5), *b = t_rand(50 + k, 1, &c, -1, 1);
        nb_tensor *rm = nb_zeros(NB_F64, 1, &c), *rv = nb_zeros(NB_F64, 1, &c);
        double want[64], mean[3], uvar[3];
        double wv[3], bv[3];
        for (int ch = 0; ch < c; ch++) {
            wv[ch] = nb_tensor_get(w, ch);
            bv[ch] = nb_tensor_get(b, ch);
        }
        bn_by_loops(x, wv, bv, 1e-5, want, mean, uvar);
        nb_tensor *y = nb_batch_norm(x, rm, rv, w, b, true, 1.0, 1e-5);
        ck_assert(nb_tensor_same_shape(y, x));
        ck_assert_tensor_near(y, want, nb_tensor_numel(x), 1e-12);
        /* momentum 1: the running statistics are the batch's (unbiased var) */
        ck_assert_tensor_near(rm, mean, c, 1e-14);
        ck_assert_tensor_near(rv, uvar, c, 1e-14);
    }
}
END_TEST

START_TEST(test_batch_norm_large_offset)
{
    /* one channel at 1e4 + {-1, 0, 1, 2} in f32: centred before squaring */
    nb_tensor *x = t_vals(NB_F32, (const double[]){9999, 10000, 10001, 10002}, NB_SHAPE(4, 1));
    nb_tensor *rv = nb_zeros(NB_F32, NB_SHAPE(1));
    const double s = sqrt(1.25);
    ck_assert_tensor_near(nb_batch_norm(x, NULL, rv, NULL, NULL, true, 1, 0),
                          ((const double[]){-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s}), 4, 1e-6);
    ck_assert_tensor_near(rv, ((const double[]){5.0 / 3}), 1, 1e-6);
}
END_TEST

typedef struct bn_ctx {
    bool training;
    nb_tensor *rm, *rv; /* evaluation's statistics */
} bn_ctx;

static nb_tensor *f_batch_norm(nb_tensor *const *in, int n, void *vc)
{
    const bn_ctx *c = vc;
    return nb_batch_norm(in[0], c->training ? NULL : c->rm, c->training ? NULL : c->rv,
                         n > 1 ? in[1] : NULL, n > 2 ? in[2] : NULL, c->training, 0.1, 1e-5);
}

START_TEST(test_batch_norm_grads)
{
    bn_ctx tr = {true, NULL, NULL};
    nb_tensor *x = t_rand(60, NB_SHAPE(5, 3), -1, 1);
    ck_assert_grads(f_batch_norm, &x, 1, &tr);
    check_f32_agrees(f_batch_norm, &x, 1, &tr, 1e-5);
    nb_tensor *in[3] = {t_rand(61, NB_SHAPE(3, 3, 5), -1, 1), t_rand(62, NB_SHAPE(3), 0.5, 1.5),
                        t_rand(63, NB_SHAPE(3), -1, 1)};
    ck_assert_grads(f_batch_norm, in, 3, &tr);
    check_f32_agrees(f_batch_norm, in, 3, &tr, 1e-5);
    nb_tensor *x4 = t_rand(64, NB_SHAPE(3, 1, 3, 1), -1, 1);
    ck_assert_grads(f_batch_norm, &x4, 1, &tr);
    /* evaluation: an affine map of x, the statistics constant */
    bn_ctx ev = {false, t_vals(NB_F64, (const double[]){0.1, -0.2, 0.3}, NB_SHAPE(3)),
                 t_vals(NB_F64, (const double[]){0.5, 1.5, 2}, NB_SHAPE(3))};
    ck_assert_grads(f_batch_norm, in, 3, &ev);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ops_norm");
    TCase *tc = nb_test_case("values");
    tcase_add_test(tc, test_gelu_values);
    tcase_add_test(tc, test_stack_values);
    tcase_add_test(tc, test_split_chunk_values);
    tcase_add_test(tc, test_pad_values);
    tcase_add_test(tc, test_var_std_values);
    tcase_add_test(tc, test_var_large_offset);
    tcase_add_test(tc, test_dropout_statistics);
    tcase_add_test(tc, test_dropout_modes);
    tcase_add_test(tc, test_layer_norm_values);
    tcase_add_test(tc, test_layer_norm_large_offset);
    tcase_add_test(tc, test_batch_norm_values);
    tcase_add_test(tc, test_batch_norm_shapes);
    tcase_add_test(tc, test_batch_norm_large_offset);
    suite_add_tcase(s, tc);
    tc = nb_test_case("gradients");
    tcase_add_test(tc, test_gelu_grads);
    tcase_add_test(tc, test_stack_split_grads);
    tcase_add_test(tc, test_pad_grads);
    tcase_add_test(tc, test_var_std_grads);
    tcase_add_test(tc, test_dropout_grads);
    tcase_add_test(tc, test_layer_norm_grads);
    tcase_add_test(tc, test_batch_norm_grads);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
