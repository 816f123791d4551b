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
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
