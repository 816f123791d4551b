/* Misuse catalogue, autograd: arenas, version counters, backward passes,
 * custom ops and gradient checks.
 * Entries of docs/errors.md E54..E80, E150..E157 and E162..E173, one test each, in the
 * doc's order. */
#define _GNU_SOURCE
#include "test_errors.h"

static nb_tensor *leaf(int64_t n)
{
    return nb_tensor_set_requires_grad(nb_ones(NB_F64, NB_SHAPE(n)), true);
}

/* ---- arenas ---- */

START_TEST(e54_no_current_arena)
{
    nb_arena *prev = nb_arena_use(NULL);
    nb_tensor *x = nb_zeros(NB_F32, NB_SHAPE(2, 3));
    nb_arena_use(prev);
    ck_assert_ptr_null(x);
    E_EXPECT(NB_ERR_STATE, "nb_zeros: no current arena (call nb_arena_use(arena) first)");
}
END_TEST

START_TEST(e55_use_after_reset)
{
    nb_tensor *x = nb_ones(NB_F64, NB_SHAPE(3));
    nb_arena_reset(test_arena);
    E_NULL(nb_tanh(x), NB_ERR_STATE,
           "tanh: input was made before its arena was reset (generation 0, arena is at 1)");
}
END_TEST

START_TEST(e56_use_after_reset_poison)
{
    nb_arena *a = nb_arena_new_opts(&(nb_arena_opts){.poison = 1});
    nb_arena_use(a);
    nb_tensor *x = nb_ones(NB_F64, NB_SHAPE(3));
    nb_arena_reset(a);
    nb_tensor *y = nb_ones(NB_F64, NB_SHAPE(3)); /* new tensors after the reset */
    ck_assert_ptr_nonnull(y);
    nb_tensor *z = nb_add(x, y);
    nb_arena_use(test_arena);
    nb_arena_free(a);
    ck_assert_ptr_null(z);
    E_EXPECT(NB_ERR_STATE, "add: input 1 was made before its arena was reset");
}
END_TEST

START_TEST(e57_use_after_free_poison)
{
    nb_arena *a = nb_arena_new_opts(&(nb_arena_opts){.poison = 1});
    nb_arena_use(a);
    nb_tensor *x = nb_ones(NB_F64, NB_SHAPE(3));
    nb_arena_use(test_arena);
    nb_arena_free(a);
    E_NULL(nb_tanh(x), NB_ERR_STATE,
           "tanh: input is not a live tensor (its arena was reset or freed)");
}
END_TEST

START_TEST(e58_backward_after_reset)
{
    nb_arena *step = nb_arena_new();
    nb_arena_use(step);
    nb_tensor *w = nb_tensor_set_requires_grad(nb_ones(NB_F64, NB_SHAPE(3)), true);
    nb_tensor *loss = nb_sum(nb_tanh(w));
    nb_arena_reset(step);
    int rc = nb_backward(loss, NULL);
    nb_arena_use(test_arena);
    nb_arena_free(step);
    ck_assert_int_eq(rc, NB_ERR_STATE);
    E_EXPECT(NB_ERR_STATE, "nb_backward: loss was made before its arena was reset");
}
END_TEST

START_TEST(e150_clone_no_current_arena)
{
    nb_tensor *x = nb_ones(NB_F64, NB_SHAPE(3));
    nb_arena *prev = nb_arena_use(NULL);
    nb_tensor *y = nb_tensor_clone(x);
    nb_arena_use(prev);
    ck_assert_ptr_null(y);
    E_EXPECT(NB_ERR_STATE, "nb_tensor_clone: no current arena (call nb_arena_use(arena) first)");
}
END_TEST

/* ---- version counters ---- */

START_TEST(e59_saved_input_changed)
{
    nb_tensor *w = leaf(3);
    nb_tensor *x = nb_ones(NB_F64, NB_SHAPE(3));
    nb_tensor *loss = nb_sum(nb_mul(w, x));
    nb_tensor_fill(x, 2.0); /* mul saved x for w's gradient */
    E_FAIL(nb_backward(loss, NULL), NB_ERR_STATE, "backward of 'mul' (created at ");
    E_ALSO("input 2 (3) was modified in place after the forward pass saved it (version 0 when "
           "saved, now 1)");
}
END_TEST

START_TEST(e60_saved_output_changed)
{
    nb_tensor *w = leaf(3);
    nb_tensor *h = nb_tanh(w);
    nb_tensor *loss = nb_sum(h);
    nb_tensor_fill(h, 0.0); /* tanh's backward reads its output */
    E_FAIL(nb_backward(loss, NULL), NB_ERR_STATE, "backward of 'tanh' (created at ");
    E_ALSO("its output was modified in place after the forward pass (version 0 when saved, now 1)");
}
END_TEST

/* ---- backward passes ---- */

START_TEST(e61_second_backward)
{
    nb_tensor *w = leaf(3);
    nb_tensor *loss = nb_sum(nb_tanh(w));
    ck_assert_int_eq(nb_backward(loss, NULL), NB_OK);
    E_FAIL(nb_backward(loss, NULL), NB_ERR_STATE,
           "nb_backward: the graph through 'sum' (created at ");
    E_ALSO("was already used by a backward pass; pass NB_RETAIN_GRAPH");
}
END_TEST

START_TEST(e62_second_backward_shared_part)
{
    nb_tensor *w = leaf(3);
    nb_tensor *h = nb_tanh(w);
    ck_assert_int_eq(nb_backward(nb_sum(h), NULL), NB_OK);
    nb_tensor *penalty = nb_sum(nb_square(h)); /* a new loss on the used graph */
    E_FAIL(nb_backward(penalty, NULL), NB_ERR_STATE,
           "nb_backward: the graph through 'tanh' (created at ");
    E_ALSO("was already used by a backward pass; pass NB_RETAIN_GRAPH");
}
END_TEST

START_TEST(e63_backward_create_graph_flag)
{
    nb_tensor *loss = nb_sum(nb_tanh(leaf(3)));
    E_FAIL(nb_backward_ex(loss, NULL, NB_CREATE_GRAPH), NB_ERR_ARG,
           "nb_backward_ex: NB_CREATE_GRAPH is not available here (nb_backward is first order)");
}
END_TEST

START_TEST(e64_backward_not_scalar)
{
    nb_tensor *y = nb_tanh(leaf(3));
    E_FAIL(nb_backward(y, NULL), NB_ERR_SHAPE,
           "nb_backward: output 1 has shape 3; a gradient can be implied only for a one-element "
           "output");
}
END_TEST

START_TEST(e65_backward_grad_output_shape)
{
    nb_tensor *y = nb_tanh(leaf(3));
    E_FAIL(nb_backward(y, nb_ones(NB_F64, NB_SHAPE(2))), NB_ERR_SHAPE,
           "nb_backward: grad_output 1 is f64 2 but output is f64 3");
}
END_TEST

START_TEST(e66_backward_no_grad_needed)
{
    nb_tensor *loss = nb_sum(nb_tanh(nb_ones(NB_F64, NB_SHAPE(3))));
    E_FAIL(nb_backward(loss, NULL), NB_ERR_GRAD, "nb_backward: output 1 does not require grad");
}
END_TEST

START_TEST(e67_grad_unused_input)
{
    nb_tensor *w = leaf(3), *v = leaf(3), *g[1];
    nb_tensor *loss = nb_sum(nb_tanh(w));
    E_FAIL(nb_grad(&loss, 1, &v, 1, NULL, 0, g), NB_ERR_GRAD,
           "nb_grad: input 1 is not used to compute the outputs");
}
END_TEST

START_TEST(e68_requires_grad_on_result)
{
    nb_tensor *h = nb_tanh(leaf(3));
    E_NULL(nb_tensor_set_requires_grad(h, false), NB_ERR_ARG,
           "nb_tensor_set_requires_grad: the tensor is the result of an op, not a leaf");
}
END_TEST

/* ---- custom ops ---- */

static nb_tensor *square_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)save, (void)user;
    return nb_square(in[0]);
}

static int square_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n, nb_tensor *out,
                      nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved, (void)n, (void)out, (void)user;
    gin[0] = nb_mul(g, nb_mul_scalar(in[0], 2.0));
    return 0;
}

/* Saves an intermediate (2x) that has no history. */
static nb_tensor *square_saving_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)user;
    nb_custom_save(save, nb_mul_scalar(in[0], 2.0));
    return nb_square(in[0]);
}

static int square_saving_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                             nb_tensor *out, nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)in, (void)n, (void)out, (void)user;
    gin[0] = nb_mul(g, saved->t[0]);
    return 0;
}

/* Gives a gradient of the wrong shape. */
static int wrong_shape_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                           nb_tensor *out, nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved, (void)in, (void)n, (void)out, (void)g, (void)user;
    gin[0] = nb_ones(NB_F64, NB_SHAPE(2));
    return 0;
}

/* A wrong derivative (3x instead of 2x). */
static int wrong_value_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                           nb_tensor *out, nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved, (void)n, (void)out, (void)user;
    gin[0] = nb_mul(g, nb_mul_scalar(in[0], 3.0));
    return 0;
}

static nb_tensor *null_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)in, (void)n, (void)save, (void)user;
    return NULL;
}

static const nb_custom_op *define(nb_op_registry *reg, const char *name, nb_custom_forward_fn f,
                                  nb_custom_backward_fn b, bool once)
{
    nb_custom_op_def def = {
        .name = name, .n_inputs = 1, .forward = f, .backward = b, .once_differentiable = once};
    return nb_custom_op_define(reg, &def);
}

START_TEST(e69_custom_no_backward)
{
    nb_op_registry *reg = nb_op_registry_new();
    const nb_custom_op *op = nb_custom_op_define(
        reg, &(nb_custom_op_def){.name = "sq", .n_inputs = 1, .forward = square_fwd});
    nb_op_registry_free(reg);
    ck_assert_ptr_null(op);
    E_EXPECT(NB_ERR_NULL, "nb_custom_op_define: def.backward is NULL");
}
END_TEST

START_TEST(e70_custom_duplicate_name)
{
    nb_op_registry *reg = nb_op_registry_new();
    ck_assert_ptr_nonnull(define(reg, "sq", square_fwd, square_bwd, false));
    const nb_custom_op *op = define(reg, "sq", square_fwd, square_bwd, false);
    nb_op_registry_free(reg);
    ck_assert_ptr_null(op);
    E_EXPECT(NB_ERR_ARG,
             "nb_custom_op_define: an op named 'sq' is already defined in this registry");
}
END_TEST

START_TEST(e71_custom_too_many_inputs)
{
    nb_op_registry *reg = nb_op_registry_new();
    const nb_custom_op *op = nb_custom_op_define(
        reg, &(nb_custom_op_def){
                 .name = "wide", .n_inputs = 17, .forward = square_fwd, .backward = square_bwd});
    nb_op_registry_free(reg);
    ck_assert_ptr_null(op);
    E_EXPECT(NB_ERR_ARG, "nb_custom_op_define: op 'wide': n_inputs is 17, must be 0 (any) to 16");
}
END_TEST

START_TEST(e72_custom_unknown_name)
{
    nb_op_registry *reg = nb_op_registry_new();
    ck_assert_ptr_nonnull(define(reg, "sq", square_fwd, square_bwd, false));
    const nb_custom_op *op = nb_custom_op_find(reg, "cube");
    nb_op_registry_free(reg);
    ck_assert_ptr_null(op);
    E_EXPECT(NB_ERR_ARG, "nb_custom_op_find: no op named 'cube' in this registry (1 defined)");
}
END_TEST

START_TEST(e151_custom_call_unknown_name)
{
    nb_op_registry *reg = nb_op_registry_new();
    ck_assert_ptr_nonnull(define(reg, "sq", square_fwd, square_bwd, false));
    nb_tensor *x = leaf(3);
    nb_tensor *y = nb_custom_call(reg, "cube", &x, 1);
    nb_op_registry_free(reg);
    ck_assert_ptr_null(y);
    E_EXPECT(NB_ERR_ARG, "nb_custom_call: no op named 'cube' in this registry (1 defined)");
}
END_TEST

START_TEST(e73_custom_input_count)
{
    nb_op_registry *reg = nb_op_registry_new();
    const nb_custom_op *op = define(reg, "sq", square_fwd, square_bwd, false);
    nb_tensor *in[2] = {leaf(3), leaf(3)};
    nb_tensor *y = nb_custom_op_apply(op, in, 2);
    nb_op_registry_free(reg);
    ck_assert_ptr_null(y);
    E_EXPECT(NB_ERR_ARG, "custom op 'sq': takes 1 input(s), got 2");
}
END_TEST

START_TEST(e74_custom_forward_null)
{
    nb_op_registry *reg = nb_op_registry_new();
    const nb_custom_op *op = define(reg, "broken", null_fwd, square_bwd, false);
    nb_tensor *x = leaf(3);
    nb_tensor *y = nb_custom_op_apply(op, &x, 1);
    nb_op_registry_free(reg);
    ck_assert_ptr_null(y);
    E_EXPECT(NB_ERR_ARG, "custom op 'broken': its forward function returned NULL");
}
END_TEST

START_TEST(e75_custom_gradient_shape)
{
    nb_op_registry *reg = nb_op_registry_new();
    const nb_custom_op *op = define(reg, "sq", square_fwd, wrong_shape_bwd, false);
    nb_tensor *x = leaf(3);
    nb_tensor *loss = nb_sum(nb_custom_op_apply(op, &x, 1));
    int rc = nb_backward(loss, NULL);
    nb_op_registry_free(reg);
    ck_assert_int_eq(rc, NB_ERR_GRAD);
    E_EXPECT(NB_ERR_GRAD, "backward of 'sq' (created at ");
    E_ALSO("gave a f64 2 gradient for input 1 of f64 3");
}
END_TEST

START_TEST(e76_custom_second_order_saved_intermediate)
{
    nb_op_registry *reg = nb_op_registry_new();
    const nb_custom_op *op = define(reg, "sq_saving", square_saving_fwd, square_saving_bwd, false);
    nb_tensor *x = leaf(3), *g[1];
    nb_tensor *loss = nb_sum(nb_custom_op_apply(op, &x, 1));
    int rc = nb_grad(&loss, 1, &x, 1, NULL, NB_CREATE_GRAPH, g);
    nb_op_registry_free(reg);
    ck_assert_int_eq(rc, NB_ERR_GRAD);
    E_EXPECT(NB_ERR_GRAD, "custom op 'sq_saving' (created at ");
    E_ALSO("saved tensor 1 is not an input or the output of the op");
}
END_TEST

START_TEST(e77_custom_once_differentiable)
{
    nb_op_registry *reg = nb_op_registry_new();
    const nb_custom_op *op = define(reg, "sq_raw", square_fwd, square_bwd, true);
    nb_tensor *x = leaf(3), *g[1];
    nb_tensor *loss = nb_sum(nb_custom_op_apply(op, &x, 1));
    int rc = nb_grad(&loss, 1, &x, 1, NULL, NB_CREATE_GRAPH, g);
    nb_op_registry_free(reg);
    ck_assert_int_eq(rc, NB_ERR_GRAD);
    E_EXPECT(NB_ERR_GRAD, "nb_grad: op 'sq_raw' (created at ");
    E_ALSO("is once differentiable");
}
END_TEST

/* ---- gradient checks ---- */

static const nb_custom_op *check_op;

static nb_tensor *apply_check_op(nb_tensor *const *in, int n, void *ctx)
{
    (void)ctx;
    return nb_sum(nb_custom_op_apply(check_op, in, n));
}

static nb_tensor *tanh_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    return nb_tanh(in[0]);
}

START_TEST(e78_gradcheck_wrong_backward)
{
    nb_op_registry *reg = nb_op_registry_new();
    check_op = define(reg, "sq_wrong", square_fwd, wrong_value_bwd, false);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64((const double[]){0.5, -1, 2}, NB_SHAPE(3)), true);
    int rc = nb_gradcheck(apply_check_op, &x, 1, NULL, NULL, NULL);
    nb_op_registry_free(reg);
    ck_assert_int_eq(rc, NB_ERR_GRAD);
    E_EXPECT(NB_ERR_GRAD,
             "nb_gradcheck: 3 of 3 Jacobian entries differ; worst: inputs[0] element 2 [2] (of "
             "3), output element 0 []: analytic 6 vs numeric 4");
}
END_TEST

/* nb_gradcheck of the wrong x² (backward 3x) at {0.5, -1, 2} with `opts`. */
static int check_wrong_square(const nb_gradcheck_opts *opts, nb_gradcheck_result *result)
{
    nb_op_registry *reg = nb_op_registry_new();
    check_op = define(reg, "sq_wrong", square_fwd, wrong_value_bwd, false);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64((const double[]){0.5, -1, 2}, NB_SHAPE(3)), true);
    int rc = nb_gradcheck(apply_check_op, &x, 1, NULL, opts, result);
    nb_op_registry_free(reg);
    return rc;
}

START_TEST(e152_gradcheck_infinite_rtol)
{
    nb_gradcheck_result r;
    E_FAIL(check_wrong_square(&(nb_gradcheck_opts){.rtol = INFINITY}, &r), NB_ERR_ARG,
           "nb_gradcheck: rtol is inf; expected a finite number >= 0");
    ck_assert(!r.passed);
}
END_TEST

START_TEST(e153_gradcheck_nan_eps)
{
    E_FAIL(check_wrong_square(&(nb_gradcheck_opts){.eps = NAN}, NULL), NB_ERR_ARG,
           "nb_gradcheck: eps is nan; expected a finite number > 0");
}
END_TEST

START_TEST(e154_gradcheck_negative_eps)
{
    E_FAIL(check_wrong_square(&(nb_gradcheck_opts){.eps = -1}, NULL), NB_ERR_ARG,
           "nb_gradcheck: eps is -1; expected a finite number > 0");
}
END_TEST

START_TEST(e155_gradcheck_negative_atol)
{
    E_FAIL(check_wrong_square(&(nb_gradcheck_opts){.atol = -1}, NULL), NB_ERR_ARG,
           "nb_gradcheck: atol is -1; expected a finite number >= 0");
}
END_TEST

START_TEST(e156_gradcheck_nan_atol)
{
    E_FAIL(check_wrong_square(&(nb_gradcheck_opts){.atol = NAN}, NULL), NB_ERR_ARG,
           "nb_gradcheck: atol is nan; expected a finite number >= 0");
}
END_TEST

START_TEST(e157_gradgradcheck_infinite_atol)
{
    nb_tensor *x = leaf(3);
    E_FAIL(nb_gradgradcheck(tanh_fn, &x, 1, NULL, &(nb_gradcheck_opts){.atol = INFINITY}, NULL),
           NB_ERR_ARG, "nb_gradgradcheck: atol is inf; expected a finite number >= 0");
}
END_TEST

/* ---- nb_check_grad and nb_allclose ---- */

/* E = sum(tanh(k x)), k = 1.7 (the gain); dE/dx = k (1 - tanh²(k x)). */
static nb_tensor *tanh_gain_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    return nb_sum(nb_tanh(nb_mul_scalar(in[0], 1.7)));
}

/* x = {0.3, -0.8} and its hand gradient, with or without the gain. */
static nb_tensor *gain_point(void) { return nb_from_f64((const double[]){0.3, -0.8}, NB_SHAPE(2)); }

static nb_tensor *gain_grad(bool with_gain)
{
    double g[2], x[2] = {0.3, -0.8};
    for (int k = 0; k < 2; k++)
        g[k] = (with_gain ? 1.7 : 1.0) * (1 - tanh(1.7 * x[k]) * tanh(1.7 * x[k]));
    return nb_from_f64(g, NB_SHAPE(2));
}

START_TEST(e162_check_grad_null_grads)
{
    nb_tensor *x = gain_point();
    E_FAIL(nb_check_grad(tanh_gain_fn, &x, 1, NULL, NULL, NULL, NULL), NB_ERR_NULL,
           "nb_check_grad: my_grads is NULL (pass your gradient of each input, NULL entries for "
           "inputs not to check)");
}
END_TEST

START_TEST(e163_check_grad_no_grad_given)
{
    nb_tensor *in[2] = {gain_point(), gain_point()};
    E_FAIL(nb_check_grad(tanh_gain_fn, in, 2, NULL, (nb_tensor *[]){NULL, NULL}, NULL, NULL),
           NB_ERR_ARG, "nb_check_grad: every entry of my_grads is NULL; give your gradient of at "
                       "least one input");
}
END_TEST

START_TEST(e164_check_grad_shape)
{
    nb_tensor *x = gain_point();
    nb_tensor *g = nb_reshape(gain_grad(true), NB_SHAPE(2, 1));
    E_FAIL(nb_check_grad(tanh_gain_fn, &x, 1, NULL, &g, NULL, NULL), NB_ERR_SHAPE,
           "nb_check_grad: my_grads[0] is 2x1 but inputs[0] is 2; it must have the input's shape");
}
END_TEST

START_TEST(e165_check_grad_infinite_atol)
{
    nb_tensor *x = gain_point(), *g = gain_grad(false);
    E_FAIL(nb_check_grad(tanh_gain_fn, &x, 1, NULL, &g, &(nb_check_grad_opts){.atol = INFINITY},
                         NULL),
           NB_ERR_ARG, "nb_check_grad: atol is inf; expected a finite number >= 0");
}
END_TEST

START_TEST(e166_check_grad_f64_nan_rtol)
{
    nb_tensor *x = gain_point();
    const double g[2] = {1, 1};
    E_FAIL(nb_check_grad_f64(tanh_gain_fn, &x, 1, NULL, (const double *[]){g},
                             &(nb_check_grad_opts){.rtol = NAN}, NULL),
           NB_ERR_ARG, "nb_check_grad_f64: rtol is nan; expected a finite number >= 0");
}
END_TEST

START_TEST(e167_check_grad_not_scalar)
{
    nb_tensor *x = gain_point(), *g = gain_grad(true);
    E_FAIL(nb_check_grad(tanh_fn, &x, 1, NULL, &g, NULL, NULL), NB_ERR_SHAPE,
           "nb_check_grad: fn's output is 2; a gradient needs a one-element output (reduce it, "
           "e.g. with nb_sum)");
}
END_TEST

START_TEST(e168_check_grad_hvp_half_given)
{
    nb_tensor *x = gain_point(), *g = gain_grad(true), *v = nb_ones(NB_F64, NB_SHAPE(2));
    E_FAIL(nb_check_grad(tanh_gain_fn, &x, 1, NULL, &g, &(nb_check_grad_opts){.hvp_v = &v}, NULL),
           NB_ERR_NULL,
           "nb_check_grad: opts.hvp_v is set but opts.my_hvp is NULL; a second-order check needs "
           "both");
}
END_TEST

START_TEST(e169_check_grad_hvp_unchecked_input)
{
    nb_tensor *in[2] = {gain_point(), gain_point()};
    nb_tensor *v = nb_ones(NB_F64, NB_SHAPE(2));
    E_FAIL(nb_check_grad(tanh_gain_fn, in, 2, NULL, (nb_tensor *[]){gain_grad(true), NULL},
                         &(nb_check_grad_opts){.hvp_v = (nb_tensor *[]){NULL, v},
                                               .my_hvp = (nb_tensor *[]){NULL, v}},
                         NULL),
           NB_ERR_ARG,
           "nb_check_grad: opts.hvp_v[1] is set but my_grads[1] is NULL; second order is checked "
           "over the inputs whose gradient is checked");
}
END_TEST

START_TEST(e170_check_grad_forgot_the_gain)
{
    nb_tensor *x = gain_point(), *g = gain_grad(false);
    nb_check_grad_result r;
    E_FAIL(nb_check_grad(tanh_gain_fn, &x, 1, NULL, &g, NULL, &r), NB_ERR_MISMATCH,
           "nb_check_grad: inputs[0] (2): 2 of 2 entries differ, worst at [0]: yours 0.77915151, "
           "autodiff 1.3245576, numeric 1.32455");
    ck_assert(!r.passed);
}
END_TEST

START_TEST(e171_allclose_shapes)
{
    nb_tensor *a = nb_zeros(NB_F64, NB_SHAPE(2, 3)), *b = nb_zeros(NB_F64, NB_SHAPE(3, 2));
    ck_assert(!nb_allclose(a, b, 1e-5, 1e-8));
    E_EXPECT(NB_ERR_SHAPE, "nb_allclose: a is 2x3 but b is 3x2; the shapes must be equal");
}
END_TEST

START_TEST(e172_allclose_null)
{
    ck_assert(!nb_allclose(nb_zeros(NB_F64, NB_SHAPE(3)), NULL, 1e-5, 1e-8));
    E_EXPECT(NB_ERR_NULL, "nb_allclose: b is NULL");
}
END_TEST

START_TEST(e173_allclose_negative_rtol)
{
    nb_tensor *a = nb_zeros(NB_F64, NB_SHAPE(3));
    ck_assert(!nb_allclose(a, a, -1e-5, 1e-8));
    E_EXPECT(NB_ERR_ARG, "nb_allclose: rtol is -1e-05; expected a finite number >= 0");
}
END_TEST

START_TEST(e79_hessian_not_scalar)
{
    nb_tensor *x = leaf(3);
    E_NULL(nb_hessian(tanh_fn, &x, 1, NULL, 0), NB_ERR_SHAPE,
           "nb_hessian: fn's output is 3; a Hessian needs a one-element output");
}
END_TEST

START_TEST(e80_jacobian_input_index)
{
    nb_tensor *x = leaf(3);
    E_NULL(nb_jacobian(tanh_fn, &x, 1, NULL, 1), NB_ERR_ARG,
           "nb_jacobian: input_index 1 is out of range (fn has 1 input: 0..0)");
}
END_TEST

static Suite *errors_autograd_suite(void)
{
    Suite *s = suite_create("errors_autograd");
    TCase *tc = nb_test_case("autograd");
    tcase_add_test(tc, e54_no_current_arena);
    tcase_add_test(tc, e55_use_after_reset);
    tcase_add_test(tc, e56_use_after_reset_poison);
    tcase_add_test(tc, e57_use_after_free_poison);
    tcase_add_test(tc, e58_backward_after_reset);
    tcase_add_test(tc, e150_clone_no_current_arena);
    tcase_add_test(tc, e59_saved_input_changed);
    tcase_add_test(tc, e60_saved_output_changed);
    tcase_add_test(tc, e61_second_backward);
    tcase_add_test(tc, e62_second_backward_shared_part);
    tcase_add_test(tc, e63_backward_create_graph_flag);
    tcase_add_test(tc, e64_backward_not_scalar);
    tcase_add_test(tc, e65_backward_grad_output_shape);
    tcase_add_test(tc, e66_backward_no_grad_needed);
    tcase_add_test(tc, e67_grad_unused_input);
    tcase_add_test(tc, e68_requires_grad_on_result);
    tcase_add_test(tc, e69_custom_no_backward);
    tcase_add_test(tc, e70_custom_duplicate_name);
    tcase_add_test(tc, e71_custom_too_many_inputs);
    tcase_add_test(tc, e72_custom_unknown_name);
    tcase_add_test(tc, e151_custom_call_unknown_name);
    tcase_add_test(tc, e73_custom_input_count);
    tcase_add_test(tc, e74_custom_forward_null);
    tcase_add_test(tc, e75_custom_gradient_shape);
    tcase_add_test(tc, e76_custom_second_order_saved_intermediate);
    tcase_add_test(tc, e77_custom_once_differentiable);
    tcase_add_test(tc, e78_gradcheck_wrong_backward);
    tcase_add_test(tc, e152_gradcheck_infinite_rtol);
    tcase_add_test(tc, e153_gradcheck_nan_eps);
    tcase_add_test(tc, e154_gradcheck_negative_eps);
    tcase_add_test(tc, e155_gradcheck_negative_atol);
    tcase_add_test(tc, e156_gradcheck_nan_atol);
    tcase_add_test(tc, e157_gradgradcheck_infinite_atol);
    tcase_add_test(tc, e162_check_grad_null_grads);
    tcase_add_test(tc, e163_check_grad_no_grad_given);
    tcase_add_test(tc, e164_check_grad_shape);
    tcase_add_test(tc, e165_check_grad_infinite_atol);
    tcase_add_test(tc, e166_check_grad_f64_nan_rtol);
    tcase_add_test(tc, e167_check_grad_not_scalar);
    tcase_add_test(tc, e168_check_grad_hvp_half_given);
    tcase_add_test(tc, e169_check_grad_hvp_unchecked_input);
    tcase_add_test(tc, e170_check_grad_forgot_the_gain);
    tcase_add_test(tc, e171_allclose_shapes);
    tcase_add_test(tc, e172_allclose_null);
    tcase_add_test(tc, e173_allclose_negative_rtol);
    tcase_add_test(tc, e79_hessian_not_scalar);
    tcase_add_test(tc, e80_jacobian_input_index);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(errors_autograd_suite());
}
