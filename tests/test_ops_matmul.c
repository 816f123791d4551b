/* Matrix products (ops_basic.h): nb_matmul and nb_matmul_t on 2-D operands,
 * batched 3-D operands, broadcast batches ((b,m,k) @ (k,n) and
 * (m,k) @ (b,k,n)), and all four transpose-flag combinations.  Forward
 * values are worked out by hand; gradients by finite differences (first
 * and second order) in f64. */
#include "test_ops_grad.h"

typedef struct mctx {
    bool ta, tb;
} mctx;

static nb_tensor *f_mm(nb_tensor *const *in, int n, void *vc)
{
    (void)n;
    const mctx *c = vc;
    return nb_matmul_t(in[0], in[1], c->ta, c->tb);
}

/* A = [[1,2,3],[4,5,6]], B = [[7,8],[9,10],[11,12]]: A B = [[58,64],[139,154]] */
static const double A[] = {1, 2, 3, 4, 5, 6}, AT[] = {1, 4, 2, 5, 3, 6};
static const double B[] = {7, 8, 9, 10, 11, 12}, BT[] = {7, 9, 11, 8, 10, 12};
static const double AB[] = {58, 64, 139, 154};

START_TEST(test_matmul_2d_flags)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *a = t_vals(dt, A, NB_SHAPE(2, 3)), *at = t_vals(dt, AT, NB_SHAPE(3, 2));
        nb_tensor *b = t_vals(dt, B, NB_SHAPE(3, 2)), *bt = t_vals(dt, BT, NB_SHAPE(2, 3));
        nb_tensor *r = nb_matmul(a, b);
        ck_assert_tensor_near(r, AB, 4, 0);
        ck_assert_int_eq(nb_tensor_ndim(r), 2);
        ck_assert_tensor_near(nb_matmul_t(a, b, false, false), AB, 4, 0);
        ck_assert_tensor_near(nb_matmul_t(at, b, true, false), AB, 4, 0);
        ck_assert_tensor_near(nb_matmul_t(a, bt, false, true), AB, 4, 0);
        ck_assert_tensor_near(nb_matmul_t(at, bt, true, true), AB, 4, 0);
        /* B A is 3x3; its row 0 is (7*1 + 8*4, 7*2 + 8*5, 7*3 + 8*6) */
        ck_assert_tensor_near(nb_matmul(b, a), ((double[]){39, 54, 69, 49, 68, 87, 59, 82, 105}), 9, 0);
        /* an outer product of a column and a row */
        nb_tensor *c = t_vals(dt, (const double[]){1, 2}, NB_SHAPE(2, 1));
        nb_tensor *w = t_vals(dt, (const double[]){3, 4, 5}, NB_SHAPE(1, 3));
        ck_assert_tensor_near(nb_matmul(c, w), ((double[]){3, 4, 5, 6, 8, 10}), 6, 0);
    }
}
END_TEST

START_TEST(test_matmul_batched)
{
    /* batch 1: 2A and B1 = [[1,0],[0,1],[0,0]]: 2A B1 = [[2,4],[8,10]] */
    double a2[12], b2[12], at2[12];
    for (int i = 0; i < 6; i++) {
        a2[i] = A[i];
        a2[6 + i] = 2 * A[i];
        at2[i] = AT[i];
        at2[6 + i] = 2 * AT[i];
        b2[i] = B[i];
    }
    const double b1[] = {1, 0, 0, 1, 0, 0};
    for (int i = 0; i < 6; i++)
        b2[6 + i] = b1[i];
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *a = t_vals(dt, a2, NB_SHAPE(2, 2, 3)), *b = t_vals(dt, b2, NB_SHAPE(2, 3, 2));
        nb_tensor *r = nb_matmul(a, b);
        ck_assert_int_eq(nb_tensor_ndim(r), 3);
        ck_assert_int_eq(nb_tensor_shape(r)[0], 2);
        ck_assert_tensor_near(r, ((double[]){58, 64, 139, 154, 2, 4, 8, 10}), 8, 0);
        ck_assert_tensor_near(nb_matmul_t(t_vals(dt, at2, NB_SHAPE(2, 3, 2)), b, true, false),
                              ((double[]){58, 64, 139, 154, 2, 4, 8, 10}), 8, 0);
        /* (b,m,k) @ (k,n): B shared by both batches -> AB, 2AB */
        nb_tensor *bb = t_vals(dt, B, NB_SHAPE(3, 2));
        ck_assert_tensor_near(nb_matmul(a, bb), ((double[]){58, 64, 139, 154, 116, 128, 278, 308}), 8, 0);
        /* (m,k) @ (b,k,n): A shared -> AB, A B1 = [[1,2],[4,5]] */
        nb_tensor *aa = t_vals(dt, A, NB_SHAPE(2, 3));
        nb_tensor *r2 = nb_matmul(aa, b);
        ck_assert_int_eq(nb_tensor_ndim(r2), 3);
        ck_assert_tensor_near(r2, ((double[]){58, 64, 139, 154, 1, 2, 4, 5}), 8, 0);
        /* the same with b given transposed */
        double bt2[12];
        for (int m = 0; m < 2; m++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 2; j++)
                    bt2[m * 6 + j * 3 + i] = b2[m * 6 + i * 2 + j];
        ck_assert_tensor_near(nb_matmul_t(aa, t_vals(dt, bt2, NB_SHAPE(2, 2, 3)), false, true),
                              ((double[]){58, 64, 139, 154, 1, 2, 4, 5}), 8, 0);
        /* (2,1,m,k) @ (3,k,n) broadcasts to a (2,3,m,n) batch */
        nb_tensor *r4 = nb_matmul(t_vals(dt, a2, NB_SHAPE(2, 1, 2, 3)), t_vals(dt, (const double[]){7, 8, 9, 10, 11, 12, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, NB_SHAPE(3, 3, 2)));
        ck_assert_int_eq(nb_tensor_ndim(r4), 4);
        ck_assert_int_eq(nb_tensor_shape(r4)[1], 3);
        ck_assert_tensor_near(r4, ((double[]){58, 64, 139, 154, 1, 2, 4, 5, 0, 0, 0, 0,
                                              116, 128, 278, 308, 2, 4, 8, 10, 0, 0, 0, 0}), 24, 0);
    }
}
END_TEST

/* Gradients for every flag combination on the given operand shapes (the
 * shapes are of the stored operands, already transposed where flagged). */
static void check_mm_grads(uint64_t seed, int na, const int64_t *sa, int nb, const int64_t *sb,
                           bool ta, bool tb)
{
    mctx c = {ta, tb};
    nb_tensor *in[2] = {t_rand(seed, na, sa, -1, 1), t_rand(seed + 1, nb, sb, -1, 1)};
    ck_assert_grads(f_mm, in, 2, &c);
    check_f32_agrees(f_mm, in, 2, &c, 1e-5);
}

START_TEST(test_grad_2d)
{
    check_mm_grads(1, NB_SHAPE(3, 4), NB_SHAPE(4, 2), false, false);
    check_mm_grads(3, NB_SHAPE(4, 3), NB_SHAPE(4, 2), true, false);
    check_mm_grads(5, NB_SHAPE(3, 4), NB_SHAPE(2, 4), false, true);
    check_mm_grads(7, NB_SHAPE(4, 3), NB_SHAPE(2, 4), true, true);
    check_mm_grads(9, NB_SHAPE(1, 5), NB_SHAPE(5, 1), false, false);
}
END_TEST

START_TEST(test_grad_batched)
{
    check_mm_grads(11, NB_SHAPE(2, 3, 4), NB_SHAPE(2, 4, 2), false, false);
    check_mm_grads(13, NB_SHAPE(2, 4, 3), NB_SHAPE(2, 2, 4), true, true);
    check_mm_grads(15, NB_SHAPE(2, 4, 3), NB_SHAPE(2, 4, 2), true, false);
    check_mm_grads(17, NB_SHAPE(2, 3, 4), NB_SHAPE(2, 2, 4), false, true);
}
END_TEST

START_TEST(test_grad_broadcast_batches)
{
    /* (b,m,k) @ (k,n): the shared B's gradient sums over the batch */
    check_mm_grads(21, NB_SHAPE(2, 3, 4), NB_SHAPE(4, 2), false, false);
    check_mm_grads(23, NB_SHAPE(2, 4, 3), NB_SHAPE(2, 4), true, true);
    /* (m,k) @ (b,k,n) */
    check_mm_grads(25, NB_SHAPE(3, 4), NB_SHAPE(2, 4, 2), false, false);
    check_mm_grads(27, NB_SHAPE(4, 3), NB_SHAPE(2, 2, 4), true, true);
    check_mm_grads(29, NB_SHAPE(3, 4), NB_SHAPE(2, 2, 4), false, true);
    check_mm_grads(31, NB_SHAPE(4, 3), NB_SHAPE(2, 4, 2), true, false);
    /* (2,1,m,k) @ (3,k,n) */
    check_mm_grads(33, NB_SHAPE(2, 1, 2, 3), NB_SHAPE(3, 3, 2), false, false);
}
END_TEST

START_TEST(test_errors)
{
    nb_tensor *a = t_vals(NB_F64, A, NB_SHAPE(2, 3)), *b = t_vals(NB_F64, B, NB_SHAPE(3, 2));
    ck_assert_ptr_null(nb_matmul(a, a));
    ck_assert_error(NB_ERR_SHAPE, "matmul: inner sizes differ (a is 2x3, b is 2x3: 3 vs 2); did you mean to transpose");
    ck_assert_ptr_null(nb_matmul_t(a, b, true, false));
    ck_assert_error(NB_ERR_SHAPE, "matmul: inner sizes differ (transposed a is 2x3, b is 3x2: 2 vs 3)");
    ck_assert_ptr_null(nb_matmul(t_vals(NB_F64, A, NB_SHAPE(6)), b));
    ck_assert_error(NB_ERR_SHAPE, "matmul: operands must have at least 2 dimensions (a is 6, b is 3x2)");
    nb_tensor *a3 = nb_zeros(NB_F64, NB_SHAPE(2, 2, 3)), *b3 = nb_zeros(NB_F64, NB_SHAPE(3, 3, 2));
    ck_assert_ptr_null(nb_matmul(a3, b3));
    ck_assert_error(NB_ERR_SHAPE, "matmul (batch axes): shapes 2 and 3 do not broadcast");
    ck_assert_ptr_null(nb_matmul(a, t_vals(NB_F32, B, NB_SHAPE(3, 2))));
    ck_assert_error(NB_ERR_DTYPE, "matmul: input 1 is f64 but input 2 is f32");
    ck_assert_sticky(nb_matmul(NULL, b));
    ck_assert_sticky(nb_matmul(a, NULL));
    ck_assert_sticky(nb_matmul_t(NULL, NULL, true, false));
}
END_TEST


/* In nb_backward, a weight's gradient is added into its .grad by the GEMM
 * itself once .grad exists (nb__grad_sink): the values must be those of
 * the usual path (a returned gradient added into .grad), the graph used up,
 * the version of .grad bumped, and no temporary of the weight's size made.
 * A = [[1,2,3],[4,5,6]], C = [[1,-2],[3,0.5]]: d sum((A W) * C) / dW =
 * A^T C = [[13,0],[17,-1.5],[21,-3]]. */
static void noop_hook(const nb_backward_event *ev, void *ctx) { (void)ev, (void)ctx; }

static nb_tensor *weighted_loss(nb_tensor *a, nb_tensor *w, bool tb, nb_tensor *c)
{
    return nb_sum(nb_mul(nb_matmul_t(a, w, false, tb), c));
}

START_TEST(test_weight_grad_added_into_grad)
{
    static const double dw[] = {13, 0, 17, -1.5, 21, -3}, dwt[] = {13, 17, 21, 0, -1.5, -3};
    static const double cv[] = {1, -2, 3, 0.5};
    for (int dt = 0; dt < 2; dt++) {
        for (int tb = 0; tb < 2; tb++) {
            const double *want = tb ? dwt : dw;
            nb_tensor *a = t_vals(dt, A, NB_SHAPE(2, 3)), *c = t_vals(dt, cv, NB_SHAPE(2, 2));
            nb_tensor *w = tb ? t_vals(dt, BT, NB_SHAPE(2, 3)) : t_vals(dt, B, NB_SHAPE(3, 2));
            nb_tensor_set_requires_grad(w, true);
            ck_assert_int_eq(nb_backward(weighted_loss(a, w, tb, c), NULL), 0); /* makes .grad */
            ck_assert_tensor_near(nb_tensor_grad(w), want, 6, 0);
            uint64_t v = nb_tensor_version(nb_tensor_grad(w));
            nb_tensor *loss = weighted_loss(a, w, tb, c);
            ck_assert_int_eq(nb_backward(loss, NULL), 0); /* added by the GEMM */
            double twice[6], thrice[6];
            for (int i = 0; i < 6; i++)
                twice[i] = 2 * want[i], thrice[i] = 3 * want[i];
            ck_assert_tensor_near(nb_tensor_grad(w), twice, 6, 0);
            ck_assert_uint_gt(nb_tensor_version(nb_tensor_grad(w)), v);
            ck_assert_int_lt(nb_backward(loss, NULL), 0); /* the graph is used up */
            ck_assert_error(NB_ERR_STATE, "was already used by a backward pass");
            ck_assert_tensor_near(nb_tensor_grad(w), twice, 6, 0);
            /* watched by a hook: the usual path, same sum */
            void *prev_ctx;
            nb_backward_hook prev = nb_set_backward_hook(noop_hook, NULL, &prev_ctx);
            ck_assert_int_eq(nb_backward(weighted_loss(a, w, tb, c), NULL), 0);
            nb_set_backward_hook(prev, prev_ctx, NULL);
            ck_assert_tensor_near(nb_tensor_grad(w), thrice, 6, 0);
            /* w used twice in one graph: two edges, so the usual path; the
             * second use adds A^T ones = column sums of A per row of W */
            nb_tensor_zero_grad(w);
            nb_tensor *two = nb_add(weighted_loss(a, w, tb, c), nb_sum(nb_matmul_t(a, w, false, tb)));
            ck_assert_int_eq(nb_backward(two, NULL), 0);
            static const double rs[] = {5, 7, 9}; /* A^T (1,1) */
            double both[6];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 2; j++)
                    both[tb ? j * 3 + i : i * 2 + j] = (tb ? dwt[j * 3 + i] : dw[i * 2 + j]) + rs[i];
            ck_assert_tensor_near(nb_tensor_grad(w), both, 6, 0);
        }
    }
}
END_TEST

/* The fused path makes no temporary of the weight's size: a backward
 * through a 48x40 f64 weight uses at least 48*40*8 bytes less arena than
 * the same backward watched by a hook. */
START_TEST(test_weight_grad_needs_no_temporary)
{
    nb_tensor *x = t_rand(41, NB_SHAPE(4, 48), -1, 1), *w = t_rand(43, NB_SHAPE(48, 40), -1, 1);
    nb_tensor_set_requires_grad(w, true);
    ck_assert_int_eq(nb_backward(nb_sum(nb_matmul(x, w)), NULL), 0);
    nb_arena *arena = nb_arena_current();
    nb_tensor *loss = nb_sum(nb_matmul(x, w));
    size_t before = nb_arena_used(arena);
    ck_assert_int_eq(nb_backward(loss, NULL), 0);
    size_t fused = nb_arena_used(arena) - before;
    loss = nb_sum(nb_matmul(x, w));
    void *prev_ctx;
    nb_backward_hook prev = nb_set_backward_hook(noop_hook, NULL, &prev_ctx);
    before = nb_arena_used(arena);
    ck_assert_int_eq(nb_backward(loss, NULL), 0);
    size_t usual = nb_arena_used(arena) - before;
    nb_set_backward_hook(prev, prev_ctx, NULL);
    ck_assert_uint_ge(usual, fused + 48 * 40 * sizeof(double));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ops_matmul");
    TCase *tc = nb_test_case("values");
    tcase_add_test(tc, test_matmul_2d_flags);
    tcase_add_test(tc, test_matmul_batched);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    tc = nb_test_case("gradients");
    tcase_add_test(tc, test_grad_2d);
    tcase_add_test(tc, test_grad_batched);
    tcase_add_test(tc, test_grad_broadcast_batches);
    tcase_add_test(tc, test_weight_grad_added_into_grad);
    tcase_add_test(tc, test_weight_grad_needs_no_temporary);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
