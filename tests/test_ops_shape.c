/* Shape ops: transpose, permute, concat, slice, gather_rows, flatten,
 * unsqueeze, squeeze, and the core's reshape, broadcast_to, sum_to.  Forward
 * values are worked out by hand; gradients by finite differences in f64.
 * These ops are linear, so for second order the callbacks square the result
 * (fn = op(x)^2): then the second derivative runs through the op's backward
 * and that backward's own backward. */
#include "test_ops_grad.h"

typedef enum { K_TRANSPOSE, K_PERMUTE, K_CONCAT, K_SLICE, K_GATHER, K_FLATTEN, K_UNSQUEEZE,
               K_SQUEEZE, K_RESHAPE, K_BROADCAST, K_SUM_TO } kind;

typedef struct sctx {
    kind k;
    int axis;
    int64_t a, b;      /* slice range */
    int perm[8];
    int ndim;          /* target shape for reshape/broadcast_to/sum_to */
    int64_t shape[8];
    nb_tensor *idx;    /* gather_rows indices */
} sctx;

static nb_tensor *f_shape(nb_tensor *const *in, int n, void *vc)
{
    const sctx *c = vc;
    nb_tensor *y = NULL;
    switch (c->k) {
    case K_TRANSPOSE: y = nb_transpose(in[0]); break;
    case K_PERMUTE: y = nb_permute(in[0], c->perm); break;
    case K_CONCAT: y = nb_concat(in, n, c->axis); break;
    case K_SLICE: y = nb_slice(in[0], c->axis, c->a, c->b); break;
    case K_GATHER: y = nb_gather_rows(in[0], c->idx); break;
    case K_FLATTEN: y = nb_flatten(in[0], c->axis); break;
    case K_UNSQUEEZE: y = nb_unsqueeze(in[0], c->axis); break;
    case K_SQUEEZE: y = nb_squeeze(in[0], c->axis); break;
    case K_RESHAPE: y = nb_reshape(in[0], c->ndim, c->shape); break;
    case K_BROADCAST: y = nb_broadcast_to(in[0], c->ndim, c->shape); break;
    case K_SUM_TO: y = nb_sum_to(in[0], c->ndim, c->shape); break;
    }
    /* a weight that differs per element makes every output entry matter */
    nb_tensor *w = y ? nb_arange(nb_tensor_dtype(y), 1, 1 + (double)nb_tensor_numel(y), 1) : NULL;
    w = w ? nb_reshape(w, nb_tensor_ndim(y), nb_tensor_shape(y)) : NULL;
    return nb_square(nb_mul(y, w));
}

static void check_shape_grads(sctx *c, nb_tensor *const *in, int n)
{
    ck_assert_grads(f_shape, in, n, c);
    check_f32_agrees(f_shape, in, n, c, 1e-5);
}

/* 0, 1, 2, ... in the given shape. */
static nb_tensor *seq(nb_dtype dt, int ndim, const int64_t *shape)
{
    int64_t n = 1;
    for (int d = 0; d < ndim; d++)
        n *= shape[d];
    double v[64];
    ck_assert_int_le(n, 64);
    for (int64_t i = 0; i < n; i++)
        v[i] = (double)i;
    return t_vals(dt, v, ndim, shape);
}

static void ck_shape(const nb_tensor *t, int ndim, const int64_t *shape)
{
    ck_assert_msg(t != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_ndim(t), ndim);
    for (int d = 0; d < ndim; d++)
        ck_assert_int_eq(nb_tensor_shape(t)[d], shape[d]);
}

START_TEST(test_transpose_permute_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *t = nb_transpose(seq(dt, NB_SHAPE(2, 3)));
        ck_shape(t, NB_SHAPE(3, 2));
        ck_assert_tensor_near(t, ((double[]){0, 3, 1, 4, 2, 5}), 6, 0);
        nb_tensor *b = nb_transpose(seq(dt, NB_SHAPE(2, 2, 3)));
        ck_shape(b, NB_SHAPE(2, 3, 2));
        ck_assert_tensor_near(b, ((double[]){0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11}), 12, 0);
        /* out[a][b][c] = x[b][c][a] = 12b + 4c + a for x = seq(2x3x4) */
        double want[24];
        for (int a = 0; a < 4; a++)
            for (int bb = 0; bb < 2; bb++)
                for (int c = 0; c < 3; c++)
                    want[(a * 2 + bb) * 3 + c] = 12 * bb + 4 * c + a;
        nb_tensor *p = nb_permute(seq(dt, NB_SHAPE(2, 3, 4)), (const int[]){2, 0, 1});
        ck_shape(p, NB_SHAPE(4, 2, 3));
        ck_assert_tensor_near(p, want, 24, 0);
        ck_assert_tensor_near(nb_permute(seq(dt, NB_SHAPE(2, 3, 4)), (const int[]){-1, 0, -2}), want, 24, 0);
        /* identity permutation and a 0-d tensor (no axes) */
        ck_assert_tensor_near(nb_permute(seq(dt, NB_SHAPE(2, 2)), (const int[]){0, 1}), ((double[]){0, 1, 2, 3}), 4, 0);
        ck_assert_tensor_near(nb_permute(nb_scalar(dt, 5), NULL), ((double[]){5}), 1, 0);
    }
}
END_TEST

START_TEST(test_concat_slice_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *a = seq(dt, NB_SHAPE(2, 2));
        nb_tensor *b = t_vals(dt, (const double[]){4, 5}, NB_SHAPE(2, 1));
        nb_tensor *c = t_vals(dt, (const double[]){6, 7}, NB_SHAPE(1, 2));
        nb_tensor *ab = nb_concat((nb_tensor *[]){a, b}, 2, 1);
        ck_shape(ab, NB_SHAPE(2, 3));
        ck_assert_tensor_near(ab, ((double[]){0, 1, 4, 2, 3, 5}), 6, 0);
        nb_tensor *aca = nb_concat((nb_tensor *[]){a, c, a}, 3, -2);
        ck_shape(aca, NB_SHAPE(5, 2));
        ck_assert_tensor_near(aca, ((double[]){0, 1, 2, 3, 6, 7, 0, 1, 2, 3}), 10, 0);
        ck_assert_tensor_near(nb_concat(&a, 1, 0), ((double[]){0, 1, 2, 3}), 4, 0);

        nb_tensor *x = seq(dt, NB_SHAPE(3, 4));
        nb_tensor *s = nb_slice(x, 1, 1, 3);
        ck_shape(s, NB_SHAPE(3, 2));
        ck_assert_tensor_near(s, ((double[]){1, 2, 5, 6, 9, 10}), 6, 0);
        ck_assert_tensor_near(nb_slice(x, 0, -2, 3), ((double[]){4, 5, 6, 7, 8, 9, 10, 11}), 8, 0);
        ck_assert_tensor_near(nb_slice(x, -1, -1, 4), ((double[]){3, 7, 11}), 3, 0);
        ck_assert_tensor_near(nb_slice(x, 1, 0, -1), ((double[]){0, 1, 2, 4, 5, 6, 8, 9, 10}), 9, 0);
        ck_shape(nb_slice(x, 1, 2, 2), NB_SHAPE(3, 0));
        /* slice of a middle axis: x = seq(2x3x2), rows 1..2 of axis 1 */
        ck_assert_tensor_near(nb_slice(seq(dt, NB_SHAPE(2, 3, 2)), 1, 1, 3), ((double[]){2, 3, 4, 5, 8, 9, 10, 11}), 8, 0);
    }
    /* gradient of a slice: ones at the range, zeros elsewhere */
    nb_tensor *x = nb_tensor_set_requires_grad(seq(NB_F64, NB_SHAPE(2, 3)), true);
    ck_assert_tensor_near(t_grad(nb_sum(nb_slice(x, 1, 1, 2)), x), ((double[]){0, 1, 0, 0, 1, 0}), 6, 0);
}
END_TEST

START_TEST(test_gather_rows_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *table = seq(dt, NB_SHAPE(4, 3));
        nb_tensor *idx = t_vals(dt, (const double[]){2, 0, 2}, NB_SHAPE(3));
        nb_tensor *g = nb_gather_rows(table, idx);
        ck_shape(g, NB_SHAPE(3, 3));
        ck_assert_tensor_near(g, ((double[]){6, 7, 8, 0, 1, 2, 6, 7, 8}), 9, 0);
    }
    /* gradient: each row gets the number of times it was picked */
    nb_tensor *table = nb_tensor_set_requires_grad(seq(NB_F64, NB_SHAPE(4, 3)), true);
    nb_tensor *idx = t_vals(NB_F64, (const double[]){2, 0, 2}, NB_SHAPE(3));
    ck_assert_tensor_near(t_grad(nb_sum(nb_gather_rows(table, idx)), table),
                          ((double[]){1, 1, 1, 0, 0, 0, 2, 2, 2, 0, 0, 0}), 12, 0);
    /* indices never require grad through the op */
    ck_assert_ptr_null(nb_tensor_node(idx));
}
END_TEST

START_TEST(test_small_shape_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *x = seq(dt, NB_SHAPE(2, 3, 4));
        ck_shape(nb_flatten(x, 1), NB_SHAPE(2, 12));
        ck_shape(nb_flatten(x, 0), NB_SHAPE(24));
        ck_shape(nb_flatten(x, -1), NB_SHAPE(2, 3, 4));
        ck_shape(nb_flatten(nb_scalar(dt, 3), 0), NB_SHAPE(1));
        ck_assert_tensor_near(nb_flatten(seq(dt, NB_SHAPE(2, 2)), 0), ((double[]){0, 1, 2, 3}), 4, 0);
        nb_tensor *m = seq(dt, NB_SHAPE(2, 3));
        ck_shape(nb_unsqueeze(m, 0), NB_SHAPE(1, 2, 3));
        ck_shape(nb_unsqueeze(m, 1), NB_SHAPE(2, 1, 3));
        ck_shape(nb_unsqueeze(m, -1), NB_SHAPE(2, 3, 1));
        ck_shape(nb_squeeze(nb_unsqueeze(m, 1), 1), NB_SHAPE(2, 3));
        ck_shape(nb_squeeze(seq(dt, NB_SHAPE(1)), 0), 0, NULL);
        ck_assert_tensor_near(nb_squeeze(nb_unsqueeze(m, -1), -1), ((double[]){0, 1, 2, 3, 4, 5}), 6, 0);
        /* reshape keeps the row-major order; -1 is inferred */
        nb_tensor *r = nb_reshape(m, NB_SHAPE(3, 2));
        ck_shape(r, NB_SHAPE(3, 2));
        ck_assert_tensor_near(r, ((double[]){0, 1, 2, 3, 4, 5}), 6, 0);
        ck_shape(nb_reshape(m, NB_SHAPE(-1, 2)), NB_SHAPE(3, 2));
        /* broadcast_to / sum_to */
        nb_tensor *v = t_vals(dt, (const double[]){1, 2, 3}, NB_SHAPE(3));
        ck_assert_tensor_near(nb_broadcast_to(v, NB_SHAPE(2, 3)), ((double[]){1, 2, 3, 1, 2, 3}), 6, 0);
        nb_tensor *col = t_vals(dt, (const double[]){7, 8}, NB_SHAPE(2, 1));
        ck_assert_tensor_near(nb_broadcast_to(col, NB_SHAPE(2, 3)), ((double[]){7, 7, 7, 8, 8, 8}), 6, 0);
        ck_assert_tensor_near(nb_sum_to(m, NB_SHAPE(3)), ((double[]){3, 5, 7}), 3, 0);
        ck_assert_tensor_near(nb_sum_to(m, NB_SHAPE(2, 1)), ((double[]){3, 12}), 2, 0);
        ck_assert_tensor_near(nb_sum_to(m, 0, NULL), ((double[]){15}), 1, 0);
    }
}
END_TEST

START_TEST(test_grad_transpose_permute)
{
    sctx c = {.k = K_TRANSPOSE};
    nb_tensor *x = t_rand(1, NB_SHAPE(2, 3), -1, 1), *y = t_rand(2, NB_SHAPE(2, 3, 4), -1, 1);
    check_shape_grads(&c, &x, 1);
    check_shape_grads(&c, &y, 1);
    sctx p = {.k = K_PERMUTE, .perm = {2, 0, 1}};
    check_shape_grads(&p, &y, 1);
    sctx q = {.k = K_PERMUTE, .perm = {1, 0}};
    check_shape_grads(&q, &x, 1);
}
END_TEST

START_TEST(test_grad_concat)
{
    sctx c = {.k = K_CONCAT, .axis = 1};
    nb_tensor *in[3] = {t_rand(3, NB_SHAPE(2, 2), -1, 1), t_rand(4, NB_SHAPE(2, 3), -1, 1)};
    check_shape_grads(&c, in, 2);
    c.axis = 0;
    nb_tensor *in3[3] = {t_rand(5, NB_SHAPE(2, 3, 2), -1, 1), t_rand(6, NB_SHAPE(1, 3, 2), -1, 1),
                         t_rand(7, NB_SHAPE(3, 3, 2), -1, 1)};
    check_shape_grads(&c, in3, 3);
    /* an input that does not require grad gets none; the others still do */
    nb_tensor_set_requires_grad(in3[1], false);
    check_shape_grads(&c, in3, 3);
}
END_TEST

START_TEST(test_grad_slice)
{
    sctx c = {.k = K_SLICE, .axis = 1, .a = 1, .b = 3};
    nb_tensor *x = t_rand(8, NB_SHAPE(3, 4), -1, 1);
    check_shape_grads(&c, &x, 1);
    sctx d = {.k = K_SLICE, .axis = -2, .a = -2, .b = 3};
    nb_tensor *y = t_rand(9, NB_SHAPE(2, 3, 4), -1, 1);
    check_shape_grads(&d, &y, 1);
}
END_TEST

START_TEST(test_grad_gather_rows)
{
    sctx c = {.k = K_GATHER, .idx = t_vals(NB_F64, (const double[]){2, 0, 2}, NB_SHAPE(3))};
    nb_tensor *t = t_rand(10, NB_SHAPE(4, 3), -1, 1);
    ck_assert_grads(f_shape, &t, 1, &c);
    /* f32 indices for the f32 comparison */
    sctx d = {.k = K_GATHER, .idx = t_vals(NB_F64, (const double[]){4, 1, 1, 0, 3, 3}, NB_SHAPE(6))};
    nb_tensor *u = t_rand(11, NB_SHAPE(5, 2), -1, 1);
    ck_assert_grads(f_shape, &u, 1, &d);
    nb_tensor *u32 = t_to_f32(u);
    d.idx = t_vals(NB_F32, (const double[]){4, 1, 1, 0, 3, 3}, NB_SHAPE(6));
    nb_tensor *y32 = f_shape(&u32, 1, &d);
    d.idx = t_vals(NB_F64, (const double[]){4, 1, 1, 0, 3, 3}, NB_SHAPE(6));
    nb_tensor *y64 = f_shape(&u, 1, &d);
    ck_assert_ptr_nonnull(y32);
    for (int64_t i = 0; i < 12; i++)
        ck_assert_double_eq_tol(nb_tensor_get(y32, i), nb_tensor_get(y64, i), 1e-5 * (1 + fabs(nb_tensor_get(y64, i))));
}
END_TEST

START_TEST(test_grad_small_shape_ops)
{
    nb_tensor *x = t_rand(12, NB_SHAPE(2, 3, 2), -1, 1), *m = t_rand(13, NB_SHAPE(2, 3), -1, 1);
    sctx f = {.k = K_FLATTEN, .axis = 1};
    check_shape_grads(&f, &x, 1);
    f.axis = 0;
    check_shape_grads(&f, &m, 1);
    sctx u = {.k = K_UNSQUEEZE, .axis = 1};
    check_shape_grads(&u, &m, 1);
    u.axis = -1;
    check_shape_grads(&u, &x, 1);
    sctx s = {.k = K_SQUEEZE, .axis = 0};
    nb_tensor *one = t_rand(14, NB_SHAPE(1, 3), -1, 1), *mid = t_rand(15, NB_SHAPE(2, 1, 2), -1, 1);
    check_shape_grads(&s, &one, 1);
    s.axis = 1;
    check_shape_grads(&s, &mid, 1);
}
END_TEST

START_TEST(test_grad_reshape_broadcast_sum_to)
{
    nb_tensor *m = t_rand(16, NB_SHAPE(2, 3), -1, 1), *x = t_rand(17, NB_SHAPE(2, 3, 4), -1, 1);
    sctx r = {.k = K_RESHAPE, .ndim = 2, .shape = {3, 2}};
    check_shape_grads(&r, &m, 1);
    sctx r2 = {.k = K_RESHAPE, .ndim = 2, .shape = {4, -1}};
    check_shape_grads(&r2, &x, 1);
    /* broadcast_to: (3) -> (2, 3) and (2, 1) -> (2, 2, 3) */
    nb_tensor *v = t_rand(18, NB_SHAPE(3), -1, 1), *col = t_rand(19, NB_SHAPE(2, 1), -1, 1);
    sctx b = {.k = K_BROADCAST, .ndim = 2, .shape = {2, 3}};
    check_shape_grads(&b, &v, 1);
    sctx b2 = {.k = K_BROADCAST, .ndim = 3, .shape = {2, 2, 3}};
    check_shape_grads(&b2, &col, 1);
    /* sum_to: (2, 3) -> (3) and (2, 2, 3) -> (2, 1) */
    sctx s = {.k = K_SUM_TO, .ndim = 1, .shape = {3}};
    check_shape_grads(&s, &m, 1);
    nb_tensor *z = t_rand(20, NB_SHAPE(2, 2, 3), -1, 1);
    sctx s2 = {.k = K_SUM_TO, .ndim = 2, .shape = {2, 1}};
    check_shape_grads(&s2, &z, 1);
}
END_TEST

START_TEST(test_errors)
{
    nb_tensor *v = seq(NB_F64, NB_SHAPE(3)), *m = seq(NB_F64, NB_SHAPE(2, 3));
    nb_tensor *m32 = seq(NB_F32, NB_SHAPE(2, 3));
    ck_assert_ptr_null(nb_transpose(v));
    ck_assert_error(NB_ERR_SHAPE, "transpose: needs at least 2 dimensions, got 3");
    ck_assert_ptr_null(nb_permute(m, (const int[]){0, 0}));
    ck_assert_error(NB_ERR_ARG, "permute: axis 0 appears twice in perm");
    ck_assert_ptr_null(nb_permute(m, (const int[]){0, 2}));
    ck_assert_error(NB_ERR_ARG, "permute: axis 2 is out of range for a 2-d tensor");
    ck_assert_ptr_null(nb_permute(m, NULL));
    ck_assert_error(NB_ERR_NULL, "permute: perm is NULL");

    ck_assert_ptr_null(nb_concat((nb_tensor *[]){m, v}, 2, 0));
    ck_assert_error(NB_ERR_SHAPE, "concat: input 2 is 3 but input 1 is 2x3");
    ck_assert_ptr_null(nb_concat((nb_tensor *[]){m, seq(NB_F64, NB_SHAPE(3, 2))}, 2, 0));
    ck_assert_error(NB_ERR_SHAPE, "all sizes except axis 0 must match");
    ck_assert_ptr_null(nb_concat((nb_tensor *[]){m, m}, 2, 2));
    ck_assert_error(NB_ERR_ARG, "concat: axis 2 is out of range");
    ck_assert_ptr_null(nb_concat((nb_tensor *[]){m, m32}, 2, 0));
    ck_assert_error(NB_ERR_DTYPE, "concat: input 1 is f64 but input 2 is f32");
    ck_assert_ptr_null(nb_concat((nb_tensor *[]){m}, 0, 0));
    ck_assert_error(NB_ERR_ARG, "concat: need an array of at least one tensor");
    ck_assert_ptr_null(nb_concat(NULL, 2, 0));
    ck_assert_error(NB_ERR_NULL, "concat");

    ck_assert_ptr_null(nb_slice(m, 1, 2, 5));
    ck_assert_error(NB_ERR_ARG, "slice: range 2:5 does not fit axis 1 of size 3");
    ck_assert_ptr_null(nb_slice(m, 1, 2, 1));
    ck_assert_error(NB_ERR_ARG, "slice: range 2:1");
    ck_assert_ptr_null(nb_slice(m, 0, -3, 1));
    ck_assert_error(NB_ERR_ARG, "slice: range -3:1 does not fit axis 0 of size 2");
    ck_assert_ptr_null(nb_slice(m, 2, 0, 1));
    ck_assert_error(NB_ERR_ARG, "slice: axis 2 is out of range");

    nb_tensor *idx = t_vals(NB_F64, (const double[]){0, 2}, NB_SHAPE(2));
    ck_assert_ptr_null(nb_gather_rows(m, idx));
    ck_assert_error(NB_ERR_ARG, "gather_rows: index 2 in position 1 is out of range for 2 table rows (valid 0..1)");
    ck_assert_ptr_null(nb_gather_rows(m, t_vals(NB_F64, (const double[]){0.5}, NB_SHAPE(1))));
    ck_assert_error(NB_ERR_ARG, "gather_rows: index 0.5 in position 0 is not an integer");
    ck_assert_ptr_null(nb_gather_rows(m, t_vals(NB_F64, (const double[]){-1}, NB_SHAPE(1))));
    ck_assert_error(NB_ERR_ARG, "index -1 in position 0 is out of range");
    ck_assert_ptr_null(nb_gather_rows(v, idx));
    ck_assert_error(NB_ERR_SHAPE, "gather_rows: the table must be 2-d");
    ck_assert_ptr_null(nb_gather_rows(m32, idx));
    ck_assert_error(NB_ERR_DTYPE, "gather_rows: the index tensor is f64 but the data is f32");
    ck_assert_ptr_null(nb_gather_rows(m, seq(NB_F64, NB_SHAPE(1, 1))));
    ck_assert_error(NB_ERR_SHAPE, "gather_rows: the index tensor must be 1-d, got 1x1");

    ck_assert_ptr_null(nb_squeeze(m, 0));
    ck_assert_error(NB_ERR_SHAPE, "squeeze: axis 0 has size 2, not 1");
    ck_assert_ptr_null(nb_unsqueeze(m, 3));
    ck_assert_error(NB_ERR_ARG, "unsqueeze: axis 3 is out of range");
    ck_assert_ptr_null(nb_flatten(m, 2));
    ck_assert_error(NB_ERR_ARG, "flatten: axis 2 is out of range");
    ck_assert_ptr_null(nb_reshape(m, NB_SHAPE(4, 2)));
    ck_assert_error(NB_ERR_SHAPE, "reshape: cannot view 2x3 (6 elements) as 4x2");
    ck_assert_ptr_null(nb_broadcast_to(m, NB_SHAPE(3, 3)));
    ck_assert_error(NB_ERR_SHAPE, "broadcast_to: cannot broadcast 2x3 to 3x3");
    ck_assert_ptr_null(nb_sum_to(m, NB_SHAPE(2)));
    ck_assert_error(NB_ERR_SHAPE, "sum_to: cannot sum 2x3 down to 2");

    nb_tensor *ok[2] = {m, NULL};
    ck_assert_sticky(nb_transpose(NULL));
    ck_assert_sticky(nb_permute(NULL, (const int[]){1, 0}));
    ck_assert_sticky(nb_concat(ok, 2, 0));
    ck_assert_sticky(nb_slice(NULL, 0, 0, 1));
    ck_assert_sticky(nb_gather_rows(NULL, idx));
    ck_assert_sticky(nb_gather_rows(m, NULL));
    ck_assert_sticky(nb_flatten(NULL, 0));
    ck_assert_sticky(nb_unsqueeze(NULL, 0));
    ck_assert_sticky(nb_squeeze(NULL, 0));
    ck_assert_sticky(nb_reshape(NULL, NB_SHAPE(1)));
    ck_assert_sticky(nb_broadcast_to(NULL, NB_SHAPE(1)));
    ck_assert_sticky(nb_sum_to(NULL, NB_SHAPE(1)));
}
END_TEST

/* Sizes whose product overflows are refused before any arithmetic goes
 * wrong (UBSan saw a signed overflow for INT64_MAX x 4), and a zero-element
 * reshape gets the bound tensor creation applies. */
START_TEST(test_reshape_overflowing_shapes)
{
    nb_tensor *x2 = nb_zeros(NB_F64, NB_SHAPE(2));
    ck_assert_ptr_null(nb_reshape(x2, NB_SHAPE(INT64_MAX, 4)));
    ck_assert_error(NB_ERR_SHAPE, "reshape: shape 9223372036854775807x4 is too large");
    ck_assert_ptr_null(nb_reshape(x2, NB_SHAPE(-1, INT64_MAX, 2)));
    ck_assert_error(NB_ERR_SHAPE, "is too large (its element count overflows)");
    nb_tensor *empty = nb_zeros(NB_F64, NB_SHAPE(0));
    ck_assert_ptr_null(nb_reshape(empty, NB_SHAPE(0, INT64_MAX, 2)));
    ck_assert_error(NB_ERR_SHAPE, "reshape: shape 0x9223372036854775807x2 is too large");
    nb_tensor *ok = nb_reshape(empty, NB_SHAPE(0, 3));
    ck_assert_ptr_nonnull(ok);
    ck_assert_int_eq(nb_tensor_numel(ok), 0);
    /* unsqueeze names the rank of the tensor given, not of its result */
    nb_tensor *m = nb_zeros(NB_F64, NB_SHAPE(2, 3));
    ck_assert_ptr_null(nb_unsqueeze(m, 4));
    ck_assert_error(NB_ERR_ARG, "unsqueeze: axis 4 is out of range for a 2-d tensor (valid: -3..2");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ops_shape");
    TCase *tc = nb_test_case("values");
    tcase_add_test(tc, test_transpose_permute_values);
    tcase_add_test(tc, test_concat_slice_values);
    tcase_add_test(tc, test_gather_rows_values);
    tcase_add_test(tc, test_small_shape_values);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    tc = nb_test_case("gradients");
    tcase_add_test(tc, test_grad_transpose_permute);
    tcase_add_test(tc, test_grad_concat);
    tcase_add_test(tc, test_grad_slice);
    tcase_add_test(tc, test_grad_gather_rows);
    tcase_add_test(tc, test_grad_small_shape_ops);
    tcase_add_test(tc, test_grad_reshape_broadcast_sum_to);
    tcase_add_test(tc, test_reshape_overflowing_shapes);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
