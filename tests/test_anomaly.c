/* Anomaly mode: the first NaN/Inf is an NB_ERR_NUMERIC error naming the op
 * and the line of this file where it was created, in forward and in
 * backward.  This suite is compiled as user code, so the call-site macros of
 * nabla/sites.h are active. */
#include <stdio.h>

#include "test_util.h"

/* "test_anomaly.c:<line>" as the message should print it. */
static char *site(int line)
{
    static char buf[64];
    snprintf(buf, sizeof buf, "test_anomaly.c:%d", line);
    return buf;
}

static void anomaly_setup(void)
{
    nb_test_setup();
    nb_set_anomaly_mode(true);
}

static void anomaly_teardown(void)
{
    nb_set_anomaly_mode(false);
    nb_test_teardown();
}

START_TEST(test_forward_div_zero_by_zero)
{
    nb_tensor *a = nb_from_f64((const double[]){0, 1}, NB_SHAPE(2));
    nb_tensor *b = nb_from_f64((const double[]){0, 2}, NB_SHAPE(2));
    nb_tensor *h = nb_mul_scalar(a, 3.0);
    int line = __LINE__ + 1;
    nb_tensor *q = nb_div(h, b);
    ck_assert_ptr_null(q);
    ck_assert_error(NB_ERR_NUMERIC, "anomaly: forward of 'div'");
    ck_assert_error(NB_ERR_NUMERIC, site(line));
    ck_assert_error(NB_ERR_NUMERIC, "produced 1 NaN/Inf");
    /* sticky: the rest of the expression keeps the first message */
    ck_assert_ptr_null(nb_sum(nb_tanh(q)));
    ck_assert_error(NB_ERR_NUMERIC, site(line));
    /* off: the NaN goes through silently */
    nb_set_anomaly_mode(false);
    nb_tensor *q2 = nb_div(h, b);
    ck_assert_ptr_nonnull(q2);
    ck_assert(isnan(nb_tensor_get(q2, 0)));
}
END_TEST

START_TEST(test_forward_log_of_negative)
{
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64((const double[]){2, -1, 3}, NB_SHAPE(3)), true);
    nb_tensor *s = nb_add_scalar(x, 0.5);
    int line = __LINE__ + 1;
    nb_tensor *l = nb_log(s);
    ck_assert_ptr_null(l);
    ck_assert_error(NB_ERR_NUMERIC, "anomaly: forward of 'log'");
    ck_assert_error(NB_ERR_NUMERIC, site(line));
    /* NaN inputs are not blamed on the op that receives them */
    nb_set_anomaly_mode(false);
    nb_tensor *bad = nb_log(s);
    nb_set_anomaly_mode(true);
    nb_clear_error();
    ck_assert_ptr_nonnull(nb_tanh(bad));
}
END_TEST

/* sqrt(0) is 0, but its derivative 1/(2 sqrt x) is infinite there. */
START_TEST(test_backward_sqrt_at_zero)
{
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64((const double[]){4, 0}, NB_SHAPE(2)), true);
    nb_tensor *sq = nb_square(x);
    int line = __LINE__ + 1;
    nb_tensor *r = nb_sqrt(sq);
    nb_tensor *loss = nb_sum(nb_mul_scalar(r, 2.0));
    ck_assert_ptr_nonnull(loss);
    ck_assert_int_eq(nb_backward(loss, NULL), NB_ERR_NUMERIC);
    ck_assert_error(NB_ERR_NUMERIC, "anomaly in the backward of 'sqrt'");
    ck_assert_error(NB_ERR_NUMERIC, site(line));
    ck_assert_ptr_null(nb_tensor_grad(x)); /* nothing half-accumulated into x */
}
END_TEST

/* a / b with b = 1e-200: the value (1e200) is finite, but the gradient
 * for b, -a/b², overflows. */
START_TEST(test_backward_div_overflow)
{
    nb_tensor *a = nb_tensor_set_requires_grad(nb_from_f64((const double[]){1, 1}, NB_SHAPE(2)), true);
    nb_tensor *b = nb_tensor_set_requires_grad(nb_from_f64((const double[]){1e-200, 1}, NB_SHAPE(2)), true);
    int line = __LINE__ + 1;
    nb_tensor *q = nb_div(a, b);
    nb_tensor *loss = nb_sum(nb_mul_scalar(q, 1e-200));
    ck_assert_ptr_nonnull(loss);
    ck_assert_int_eq(nb_backward(loss, NULL), NB_ERR_NUMERIC);
    ck_assert_error(NB_ERR_NUMERIC, "anomaly in the backward of 'div'");
    ck_assert_error(NB_ERR_NUMERIC, site(line));
    /* without anomaly mode the same pass succeeds and leaves an Inf/NaN */
    nb_set_anomaly_mode(false);
    ck_assert_int_eq(nb_backward(loss, NULL), NB_OK);
    ck_assert(!isfinite(nb_tensor_get(nb_tensor_grad(b), 0)));
}
END_TEST

/* A custom op whose hand-written backward produces a NaN directly (not
 * through an op): caught by the engine's check of every gradient. */
static nb_tensor *id_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)save, (void)user;
    return nb_tensor_clone(in[0]);
}

static int nan_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n, nb_tensor *out,
                   nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved, (void)n, (void)out, (void)g, (void)user;
    gin[0] = nb_full(NB_F64, nb_tensor_ndim(in[0]), nb_tensor_shape(in[0]), NAN);
    return 0;
}

START_TEST(test_backward_custom_op_nan)
{
    nb_op_registry *reg = nb_op_registry_new();
    nb_custom_op_def d = {.name = "leaky_id", .n_inputs = 1, .forward = id_fwd,
                          .backward = nan_bwd, .once_differentiable = true};
    const nb_custom_op *op = nb_custom_op_define(reg, &d);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64((const double[]){1, 2}, NB_SHAPE(2)), true);
    int line = __LINE__ + 1;
    nb_tensor *y = nb_custom_op_apply(op, &x, 1);
    ck_assert_int_eq(nb_backward(nb_sum(y), NULL), NB_ERR_NUMERIC);
    ck_assert_error(NB_ERR_NUMERIC, "anomaly: backward of 'leaky_id'");
    ck_assert_error(NB_ERR_NUMERIC, site(line));
    ck_assert_error(NB_ERR_NUMERIC, "gradient of input 1");
    nb_op_registry_free(reg);
}
END_TEST

/* A NaN that enters from data: a leaf holding it is named at its first use,
 * with the op, the call site and the element. */
START_TEST(test_nan_in_a_data_leaf)
{
    nb_tensor *W = nb_tensor_set_requires_grad(nb_from_f64((const double[]){1, 2, 3, 4, 5, 6}, NB_SHAPE(2, 3)), true);
    nb_tensor *x = nb_from_f64((const double[]){1, 2, 3, 4, NAN, 6}, NB_SHAPE(3, 2));
    ck_assert_int_eq(nb_tensor_set_name(x, "x"), NB_OK);
    int line = __LINE__ + 1;
    nb_tensor *h = nb_matmul(W, x);
    ck_assert_ptr_null(h);
    ck_assert_error(NB_ERR_NUMERIC, "anomaly: input 2 of 'matmul' at ");
    ck_assert_error(NB_ERR_NUMERIC, site(line));
    ck_assert_error(NB_ERR_NUMERIC, " holds nan at element 4 (1 NaN/Inf value in all); it is a "
                                    "leaf (x, f64 3x2)");
    /* off: it goes through, as before */
    nb_set_anomaly_mode(false);
    nb_clear_error();
    ck_assert_ptr_nonnull(nb_matmul(W, x));
}
END_TEST

/* An unnamed parameter is described by its dtype and shape. */
START_TEST(test_inf_in_a_parameter)
{
    nb_tensor *W = nb_tensor_set_requires_grad(nb_from_f32((const float[]){1, -INFINITY, 3, INFINITY}, NB_SHAPE(2, 2)), true);
    nb_tensor *x = nb_from_f32((const float[]){1, 2}, NB_SHAPE(2, 1));
    int line = __LINE__ + 1;
    ck_assert_ptr_null(nb_tanh(nb_matmul(W, x)));
    ck_assert_error(NB_ERR_NUMERIC, "anomaly: input 1 of 'matmul' at ");
    ck_assert_error(NB_ERR_NUMERIC, site(line));
    ck_assert_error(NB_ERR_NUMERIC, " holds -inf at element 1 (2 NaN/Inf values in all); it is a "
                                    "leaf (f32 2x2)");
}
END_TEST

/* Each leaf is checked once per version: reusing it costs nothing more, and
 * an in-place write (which bumps the version) makes the next use check it
 * again.  A write through the data pointer without nb_tensor_bump_version is
 * not seen (the version contract of tensor.h). */
START_TEST(test_leaf_checked_once_per_version)
{
    nb_tensor *b = nb_tensor_set_requires_grad(nb_from_f64((const double[]){0.5, 1.5}, NB_SHAPE(2)), true);
    ck_assert_ptr_nonnull(nb_tanh(b));
    nb_tensor_data_f64(b)[1] = NAN;
    nb_tensor *t = nb_tanh(b); /* unchanged version: not scanned again */
    ck_assert_ptr_nonnull(t);
    ck_assert(isnan(nb_tensor_get(t, 1)));
    nb_tensor_bump_version(b);
    int line = __LINE__ + 1;
    ck_assert_ptr_null(nb_tanh(b));
    ck_assert_error(NB_ERR_NUMERIC, "anomaly: input 1 of 'tanh' at ");
    ck_assert_error(NB_ERR_NUMERIC, site(line));
    ck_assert_error(NB_ERR_NUMERIC, "holds nan at element 1");
    /* an update in place, like an optimizer step that diverged */
    nb_tensor_fill(b, 0.25);
    nb_clear_error();
    ck_assert_ptr_nonnull(nb_tanh(b));
    nb_tensor_fill(b, INFINITY);
    ck_assert_ptr_null(nb_mul_scalar(b, 2.0));
    ck_assert_error(NB_ERR_NUMERIC, "anomaly: input 1 of 'mul_scalar'");
    ck_assert_error(NB_ERR_NUMERIC, "holds inf at element 0 (2 NaN/Inf values in all)");
}
END_TEST

/* The first op of a backward formula reads a grad_output holding a NaN. */
START_TEST(test_nan_in_grad_output)
{
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64((const double[]){1, 2}, NB_SHAPE(2)), true);
    int line = __LINE__ + 1;
    nb_tensor *y = nb_mul_scalar(x, 3.0);
    nb_tensor *g = nb_from_f64((const double[]){1, NAN}, NB_SHAPE(2));
    ck_assert_int_eq(nb_backward(y, g), NB_ERR_NUMERIC);
    ck_assert_error(NB_ERR_NUMERIC, "anomaly in the backward of 'mul_scalar'");
    ck_assert_error(NB_ERR_NUMERIC, site(line));
    ck_assert_error(NB_ERR_NUMERIC, "holds nan at element 1 (1 NaN/Inf value in all); it is a leaf (f64 2)");
    ck_assert_ptr_null(nb_tensor_grad(x));
}
END_TEST

static nb_tensor *twice_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)save, (void)user;
    return nb_mul_scalar(in[0], 2.0);
}

static int twice_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n, nb_tensor *out,
                     nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved, (void)in, (void)n, (void)out, (void)user;
    gin[0] = nb_mul_scalar(g, 2.0);
    return 0;
}

/* A NaN leaf given to a custom op is reported at the custom op, not at the
 * first op inside its forward. */
START_TEST(test_nan_leaf_into_custom_op)
{
    nb_op_registry *reg = nb_op_registry_new();
    nb_custom_op_def d = {.name = "twice", .n_inputs = 1, .forward = twice_fwd, .backward = twice_bwd};
    const nb_custom_op *op = nb_custom_op_define(reg, &d);
    nb_tensor *x = nb_from_f64((const double[]){1, NAN, 2}, NB_SHAPE(3));
    nb_tensor_set_name(x, "batch");
    int line = __LINE__ + 1;
    ck_assert_ptr_null(nb_custom_op_apply(op, &x, 1));
    ck_assert_error(NB_ERR_NUMERIC, "anomaly: input 1 of 'twice' at ");
    ck_assert_error(NB_ERR_NUMERIC, site(line));
    ck_assert_error(NB_ERR_NUMERIC, "holds nan at element 1 (1 NaN/Inf value in all); it is a leaf (batch, f64 3)");
    nb_op_registry_free(reg);
}
END_TEST

START_TEST(test_call_sites_in_nodes)
{
    nb_tensor *x = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 1.0), true);
    int line = __LINE__ + 1;
    nb_tensor *y = nb_tanh(x);
    nb_tensor *z = nb_sum(nb_mul(y, y)); /* nested calls on one line */
    const nb_node *n = nb_tensor_node(y);
    ck_assert_ptr_nonnull(n);
    ck_assert_msg(strstr(nb_node_file(n), "test_anomaly.c") != NULL, "%s", nb_node_file(n));
    ck_assert_int_eq(nb_node_line(n), line);
    ck_assert_int_eq(nb_node_line(nb_tensor_node(z)), line + 1);
    ck_assert(nb_anomaly_mode());
    ck_assert(nb_set_anomaly_mode(false));
    ck_assert(!nb_anomaly_mode());
}
END_TEST

int main(void)
{
    Suite *s = suite_create("anomaly");
    TCase *tc = tcase_create("anomaly");
    tcase_add_checked_fixture(tc, anomaly_setup, anomaly_teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_forward_div_zero_by_zero);
    tcase_add_test(tc, test_forward_log_of_negative);
    tcase_add_test(tc, test_backward_sqrt_at_zero);
    tcase_add_test(tc, test_backward_div_overflow);
    tcase_add_test(tc, test_backward_custom_op_nan);
    tcase_add_test(tc, test_nan_in_a_data_leaf);
    tcase_add_test(tc, test_inf_in_a_parameter);
    tcase_add_test(tc, test_leaf_checked_once_per_version);
    tcase_add_test(tc, test_nan_in_grad_output);
    tcase_add_test(tc, test_nan_leaf_into_custom_op);
    tcase_add_test(tc, test_call_sites_in_nodes);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
