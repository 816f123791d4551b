/* slice's gradient: the fast first-order path (added into the input's
 * gradient in place, O(size of the slice)) against the op-composed formula
 * (pad into zeros, the reference that create-graph passes use), f64
 * gradcheck and gradgradcheck of a sequence cut into steps, and the memory a
 * backward pass over T one-step slices takes, which must grow like T. */
#include "test_ops_grad.h"

/* Sum over every step t of w_t * tanh(x[:, t]) with x (N, T, F) cut one
 * step at a time, as a sequence layer does, plus an overlapping range and a
 * use of x itself, so gradients from slices and from a whole-tensor op meet
 * in the same accumulator. */
static nb_tensor *f_steps(nb_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    nb_tensor *x = in[0];
    int64_t T = nb_tensor_dim(x, 1);
    nb_tensor *acc = nb_sum(nb_mul(nb_slice(x, 1, 0, T > 1 ? 2 : 1), nb_slice(x, 1, 0, T > 1 ? 2 : 1)));
    for (int64_t t = 0; t < T; t++) {
        nb_tensor *xt = nb_slice(x, 1, t, t + 1);
        acc = nb_add(acc, nb_mul_scalar(nb_sum(nb_tanh(xt)), (double)(t + 1)));
    }
    /* a slice of a slice, along the last axis */
    acc = nb_add(acc, nb_sum(nb_slice(nb_slice(x, -1, 0, 1), 0, 0, 1)));
    return nb_add(acc, nb_mul_scalar(nb_sum(nb_mul(x, x)), 0.25));
}

/* x.grad from nb_backward (the fast path) equals the formula's gradient
 * (nb_grad with NB_CREATE_GRAPH runs .backward), f64 and f32, and
 * gradients of another input are untouched. */
START_TEST(test_fast_path_matches_formula)
{
    const int64_t shapes[3][3] = {{3, 7, 4}, {1, 5, 1}, {2, 1, 3}};
    for (int s = 0; s < 3; s++) {
        for (int d = 0; d < 2; d++) {
            nb_tensor *x64 = t_rand(40 + s, 3, shapes[s], -1, 1);
            nb_tensor *x = d ? t_to_f32(x64) : x64;
            nb_tensor *loss = f_steps(&x, 1, NULL);
            ck_assert_ptr_nonnull(loss);
            nb_tensor *ref = NULL;
            ck_assert_int_eq(nb_grad(&loss, 1, &x, 1, NULL, NB_CREATE_GRAPH, &ref), NB_OK);
            nb_tensor *fast = NULL;
            ck_assert_int_eq(nb_grad(&loss, 1, &x, 1, NULL, 0, &fast), NB_OK);
            ck_assert_int_eq(nb_backward(loss, NULL), NB_OK);
            nb_tensor *g = nb_tensor_grad(x);
            ck_assert_ptr_nonnull(g);
            double tol = d ? 1e-5 : 1e-13;
            for (int64_t i = 0; i < nb_tensor_numel(x); i++) {
                double r = nb_tensor_get(ref, i);
                ck_assert_double_eq_tol(nb_tensor_get(g, i), r, tol * (1 + fabs(r)));
                ck_assert_double_eq_tol(nb_tensor_get(fast, i), r, tol * (1 + fabs(r)));
            }
        }
    }
}
END_TEST

/* Slices of an intermediate (not a leaf): the gradient flows on to the
 * leaf below through the engine's accumulator. */
START_TEST(test_fast_path_intermediate)
{
    nb_tensor *a = t_rand(7, NB_SHAPE(4, 6), -1, 1);
    nb_tensor *h = nb_exp(a);
    nb_tensor *loss = nb_add(nb_sum(nb_slice(h, 1, 1, 3)), nb_sum(nb_slice(h, 1, 2, 6)));
    ck_assert_int_eq(nb_backward(loss, NULL), NB_OK);
    nb_tensor *g = nb_tensor_grad(a);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 6; j++) {
            double times = (j >= 1 && j < 3) + (j >= 2 && j < 6);
            ck_assert_double_eq_tol(nb_tensor_get(g, i * 6 + j),
                                    times * exp(nb_tensor_get(a, i * 6 + j)), 1e-14);
        }
}
END_TEST

/* f64 gradcheck and gradgradcheck of the step-by-step function on two
 * shapes (batch 1 and odd sizes), and f32 against f64. */
START_TEST(test_steps_grads)
{
    const int64_t shapes[2][3] = {{2, 5, 3}, {1, 3, 1}};
    for (int s = 0; s < 2; s++) {
        nb_tensor *x = t_rand(50 + s, 3, shapes[s], -1, 1);
        ck_assert_grads(f_steps, &x, 1, NULL);
        check_f32_agrees(f_steps, &x, 1, NULL, 1e-5);
    }
}
END_TEST

/* Bytes the step arena hands out for one backward pass over T one-step
 * slices of an (N, T, F) leaf. */
static size_t backward_bytes(int64_t T)
{
    nb_arena *step = nb_arena_new();
    ck_assert_ptr_nonnull(step);
    nb_arena *prev = nb_arena_use(step);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_ones(NB_F64, NB_SHAPE(4, T, 8)), true);
    nb_tensor *acc = NULL;
    for (int64_t t = 0; t < T; t++) {
        nb_tensor *s = nb_sum(nb_slice(x, 1, t, t + 1));
        acc = acc ? nb_add(acc, s) : s;
    }
    ck_assert_ptr_nonnull(acc);
    size_t before = nb_arena_used(step);
    nb_tensor *gx = NULL;
    ck_assert_int_eq(nb_grad(&acc, 1, &x, 1, NULL, 0, &gx), NB_OK);
    for (int64_t i = 0; i < nb_tensor_numel(gx); i++)
        ck_assert_double_eq(nb_tensor_get(gx, i), 1.0);
    size_t used = nb_arena_used(step) - before;
    nb_arena_use(prev);
    nb_arena_free(step);
    return used;
}

/* Twice the steps, about twice the memory: with a zero tensor of the whole
 * input per slice it would be four times. */
START_TEST(test_backward_linear_in_steps)
{
    size_t b64 = backward_bytes(64), b128 = backward_bytes(128);
    ck_assert_msg(b128 < 3 * b64, "backward over 128 steps took %zu bytes, over 64 %zu", b128, b64);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ops_slice");
    TCase *tc = nb_test_case("ops_slice");
    tcase_add_test(tc, test_fast_path_matches_formula);
    tcase_add_test(tc, test_fast_path_intermediate);
    tcase_add_test(tc, test_steps_grads);
    tcase_add_test(tc, test_backward_linear_in_steps);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
