/* Custom ops: values and gradients, gradcheck (and its verdict on a wrong
 * backward), saved tensors, once-differentiable ops, the registry, DOT and
 * trace output, and the errors of every entry point. */
#include <limits.h>
#include <stdio.h>

#include "test_util.h"

#include "autograd/graph.h"

static nb_op_registry *reg;

static void reg_setup(void)
{
    nb_test_setup();
    reg = nb_op_registry_new();
}

static void reg_teardown(void)
{
    nb_op_registry_free(reg);
    reg = NULL;
    nb_test_teardown();
}

/* cube(x) = x³, d/dx = 3x², written with nabla ops (differentiable again). */
static nb_tensor *cube_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)save, (void)user;
    return nb_mul(in[0], nb_square(in[0]));
}

static int cube_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n, nb_tensor *out,
                    nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved, (void)n, (void)out, (void)user;
    gin[0] = nb_mul(g, nb_mul_scalar(nb_square(in[0]), 3.0));
    return 0;
}

/* The classic slip: 2x² instead of 3x². */
static int cube_bwd_wrong(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                          nb_tensor *out, nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved, (void)n, (void)out, (void)user;
    gin[0] = nb_mul(g, nb_mul_scalar(nb_square(in[0]), 2.0));
    return 0;
}

/* e^x with raw loops, saving e^x for backward: once differentiable. */
static nb_tensor *expo_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n;
    (*(int *)user)++;
    nb_tensor *y = nb_zeros(nb_tensor_dtype(in[0]), nb_tensor_ndim(in[0]), nb_tensor_shape(in[0]));
    if (!y)
        return NULL;
    double *d = nb_tensor_data_f64(y);
    for (int64_t i = 0; i < nb_tensor_numel(y); i++)
        d[i] = exp(nb_tensor_get(in[0], i));
    if (nb_custom_save(save, y) < 0)
        return NULL;
    return y;
}

static int expo_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n, nb_tensor *out,
                    nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)in, (void)n, (void)out, (void)user;
    ck_assert_int_eq(saved->n, 1);
    gin[0] = nb_mul(g, saved->t[0]);
    return 0;
}

/* mul2(a, b) = a*b (two inputs). */
static nb_tensor *mul2_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)save, (void)user;
    return nb_mul(in[0], in[1]);
}

static int mul2_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n, nb_tensor *out,
                    nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved, (void)n, (void)out, (void)user;
    gin[0] = nb_mul(g, in[1]);
    gin[1] = nb_mul(g, in[0]);
    return 0;
}

/* Layer norm over the last axis of a matrix, no affine part:
 * y = (x - mean x) / sqrt(var x + eps), per row.  Backward, per row:
 * dx = rstd * (g - mean g - y * mean(g * y)). */
#define LN_EPS 1e-5

static nb_tensor *ln_rstd(nb_tensor *x)
{
    nb_tensor *xc = nb_sub(x, nb_mean_axis(x, 1, true));
    return nb_pow_scalar(nb_add_scalar(nb_mean_axis(nb_square(xc), 1, true), LN_EPS), -0.5);
}

static nb_tensor *ln_dx(nb_tensor *g, nb_tensor *y, nb_tensor *rstd)
{
    nb_tensor *inner = nb_sub(nb_sub(g, nb_mean_axis(g, 1, true)),
                              nb_mul(y, nb_mean_axis(nb_mul(g, y), 1, true)));
    return nb_mul(rstd, inner);
}

/* Saves its input and its output; backward recomputes rstd from x with ops. */
static nb_tensor *ln_io_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)user;
    nb_tensor *y = nb_mul(nb_sub(in[0], nb_mean_axis(in[0], 1, true)), ln_rstd(in[0]));
    if (nb_custom_save(save, in[0]) < 0 || nb_custom_save(save, y) < 0)
        return NULL;
    return y;
}

static int ln_io_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n, nb_tensor *out,
                     nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)in, (void)n, (void)out, (void)user;
    ck_assert_int_eq(saved->n, 2);
    gin[0] = ln_dx(g, saved->t[1], ln_rstd(saved->t[0]));
    return 0;
}

/* Saves its input and rstd, an intermediate computed outside the graph. */
static nb_tensor *ln_mid_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)user;
    nb_tensor *rstd = ln_rstd(in[0]);
    nb_tensor *y = nb_mul(nb_sub(in[0], nb_mean_axis(in[0], 1, true)), rstd);
    if (nb_custom_save(save, in[0]) < 0 || nb_custom_save(save, rstd) < 0)
        return NULL;
    return y;
}

static int ln_mid_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n, nb_tensor *out,
                      nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)in, (void)n, (void)out, (void)user;
    nb_tensor *x = saved->t[0], *rstd = saved->t[1];
    nb_tensor *y = nb_mul(nb_sub(x, nb_mean_axis(x, 1, true)), rstd);
    gin[0] = ln_dx(g, y, rstd);
    return 0;
}

static nb_tensor *null_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)in, (void)n, (void)save, (void)user;
    return NULL;
}

static int failing_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n, nb_tensor *out,
                       nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved, (void)in, (void)n, (void)out, (void)g, (void)gin, (void)user;
    return -1;
}

/* Fails with the code *user points at; with *user == 0, fails inside a
 * nabla op first (reshaping 1 element to 2) and then returns -1. */
static int code_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n, nb_tensor *out,
                    nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved, (void)n, (void)out, (void)g, (void)gin;
    int code = *(const int *)user;
    if (code == 0) {
        ck_assert_ptr_null(nb_reshape(in[0], NB_SHAPE(2)));
        return -1;
    }
    return code;
}

static const nb_custom_op *def(const char *name, int n_in, nb_custom_forward_fn f,
                               nb_custom_backward_fn b, bool once, void *user)
{
    nb_custom_op_def d = {.name = name, .n_inputs = n_in, .forward = f, .backward = b,
                          .once_differentiable = once, .user = user};
    return nb_custom_op_define(reg, &d);
}

static nb_tensor *apply_one(nb_tensor *const *in, int n, void *ctx)
{
    return nb_custom_op_apply((const nb_custom_op *)ctx, in, n);
}

START_TEST(test_values_and_grads)
{
    const nb_custom_op *cube = def("cube", 1, cube_fwd, cube_bwd, false, NULL);
    ck_assert_ptr_nonnull(cube);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64((const double[]){-2, 0.5, 3}, NB_SHAPE(3)), true);
    nb_tensor *y = nb_custom_op_apply(cube, &x, 1);
    ck_assert_tensor_near(y, ((const double[]){-8, 0.125, 27}), 3, 1e-15);
    ck_assert_str_eq(nb_node_op_name(nb_tensor_node(y)), "cube");
    ck_assert_int_eq(nb_backward(nb_sum(y), NULL), NB_OK);
    ck_assert_tensor_near(nb_tensor_grad(x), ((const double[]){12, 0.75, 27}), 3, 1e-14);
    /* second order through the nabla-op backward: d²(x³)/dx² = 6x */
    nb_tensor *g1[1], *g2[1];
    nb_tensor *s = nb_sum(nb_custom_op_apply(cube, &x, 1));
    ck_assert_int_eq(nb_grad(&s, 1, &x, 1, NULL, NB_CREATE_GRAPH, g1), NB_OK);
    nb_tensor *s1 = nb_sum(g1[0]);
    ck_assert_int_eq(nb_grad(&s1, 1, &x, 1, NULL, 0, g2), NB_OK);
    ck_assert_tensor_near(g2[0], ((const double[]){-12, 3, 18}), 3, 1e-14);
    /* no recording without grad: plain values, no node */
    nb_tensor *c = nb_from_f64((const double[]){2}, NB_SHAPE(1));
    nb_tensor *yc = nb_custom_call(reg, "cube", &c, 1);
    ck_assert_tensor_near(yc, ((const double[]){8}), 1, 0);
    ck_assert_ptr_null(nb_tensor_node(yc));
}
END_TEST

START_TEST(test_gradcheck_right_and_wrong)
{
    const nb_custom_op *cube = def("cube", 1, cube_fwd, cube_bwd, false, NULL);
    const nb_custom_op *bad = def("cube_wrong", 1, cube_fwd, cube_bwd_wrong, false, NULL);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64((const double[]){-1.5, 0.7, 2.0, 1.1}, NB_SHAPE(2, 2)), true);
    nb_gradcheck_result r;
    ck_assert_int_eq(nb_gradcheck(apply_one, &x, 1, (void *)cube, NULL, &r), NB_OK);
    ck_assert(r.passed);
    ck_assert_int_eq(nb_gradgradcheck(apply_one, &x, 1, (void *)cube, NULL, &r), NB_OK);
    ck_assert(r.passed);
    nb_clear_error();
    ck_assert_int_eq(nb_gradcheck(apply_one, &x, 1, (void *)bad, NULL, &r), NB_ERR_GRAD);
    ck_assert(!r.passed);
    ck_assert_int_eq(r.failed, 4); /* every diagonal entry of the Jacobian is off by x² */
    /* worst entry: x = 2, analytic 2*4 = 8, numeric 3*4 = 12 */
    ck_assert_int_eq(r.element_index, 2);
    ck_assert_double_eq_tol(r.analytic, 8.0, 1e-9);
    ck_assert_double_eq_tol(r.numeric, 12.0, 1e-5);
}
END_TEST

START_TEST(test_saved_and_once_differentiable)
{
    int calls = 0;
    const nb_custom_op *expo = def("expo", 1, expo_fwd, expo_bwd, true, &calls);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64((const double[]){0, 1}, NB_SHAPE(2)), true);
    nb_tensor *y = nb_custom_op_apply(expo, &x, 1);
    ck_assert_int_eq(calls, 1);
    ck_assert_tensor_near(y, ((const double[]){1, 2.718281828459045}), 2, 1e-15);
    nb_tensor *s = nb_sum(y), *g[1];
    ck_assert_int_eq(nb_grad(&s, 1, &x, 1, NULL, 0, g), NB_OK);
    ck_assert_tensor_near(g[0], ((const double[]){1, 2.718281828459045}), 2, 1e-15);
    /* second order is refused with a clear message */
    ck_assert_int_eq(nb_grad(&s, 1, &x, 1, NULL, NB_CREATE_GRAPH, g), NB_ERR_GRAD);
    ck_assert_error(NB_ERR_GRAD, "op 'expo'");
    ck_assert_error(NB_ERR_GRAD, "is once differentiable");
    ck_assert_error(NB_ERR_GRAD, "NB_CREATE_GRAPH");
    /* first order is checked by finite differences (gradcheck perturbs x in
     * place, so it comes after the uses of the graph above) */
    nb_gradcheck_result r;
    ck_assert_int_eq(nb_gradcheck(apply_one, &x, 1, (void *)expo, NULL, &r), NB_OK);
    ck_assert(r.passed);

    /* a saved tensor changed in place is reported by backward */
    nb_tensor *y2 = nb_custom_op_apply(expo, &x, 1);
    const nb_node *node = nb_tensor_node(y2);
    ck_assert_ptr_nonnull(node);
    nb_tensor *s2 = nb_sum(y2);
    nb_tensor_fill(x, 5.0); /* the input is saved too */
    ck_assert_int_eq(nb_grad(&s2, 1, &x, 1, NULL, 0, g), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "backward of 'expo'");
    ck_assert_error(NB_ERR_STATE, "modified in place");
}
END_TEST

static nb_tensor *ln_input(void)
{
    return nb_tensor_set_requires_grad(nb_from_f64((const double[]){0.3, -1.2, 2.0, 0.7, 1.5, 0.1, -0.4,
                                                          -2.2, 0.9, 0.05, -0.6, 1.3},
                                         NB_SHAPE(3, 4)),
                             true);
}

/* A layer norm that saves its input and its output: the backward sees them
 * as graph values, so second order is right. */
START_TEST(test_layer_norm_saving_input_and_output)
{
    const nb_custom_op *ln = def("layer_norm", 1, ln_io_fwd, ln_io_bwd, false, NULL);
    nb_tensor *x = ln_input();
    nb_tensor *y = nb_custom_op_apply(ln, &x, 1);
    ck_assert_ptr_nonnull(y);
    /* the saved output is the node's output itself, with its history */
    const nb_node *node = nb_tensor_node(y);
    ck_assert_int_eq(node->n_saved, 2);
    ck_assert_ptr_eq(node->saved[0], x);
    ck_assert_ptr_eq(node->saved[1], y);
    nb_gradcheck_result r;
    ck_assert_int_eq(nb_gradcheck(apply_one, &x, 1, (void *)ln, NULL, &r), NB_OK);
    ck_assert(r.passed);
    int rc = nb_gradgradcheck(apply_one, &x, 1, (void *)ln, NULL, &r);
    ck_assert_msg(rc == NB_OK && r.passed, "gradgradcheck: %s", r.message);
    ck_assert_int_eq(r.checked, 144);
}
END_TEST

/* The same layer norm saving rstd, an intermediate: first order is right,
 * second order is refused (it used to be a silent zero for that path). */
START_TEST(test_layer_norm_saving_an_intermediate)
{
    const nb_custom_op *ln = def("layer_norm", 1, ln_mid_fwd, ln_mid_bwd, false, NULL);
    nb_tensor *x = ln_input();
    nb_gradcheck_result r;
    ck_assert_int_eq(nb_gradcheck(apply_one, &x, 1, (void *)ln, NULL, &r), NB_OK);
    ck_assert(r.passed);
    static const char *want = "custom op 'layer_norm': saved tensor 2 is not an input or the "
                              "output of the op, so its dependence on the inputs is unknown; "
                              "save inputs/outputs, or recompute it in backward with ops";
    ck_assert_int_eq(nb_gradgradcheck(apply_one, &x, 1, (void *)ln, NULL, &r), NB_ERR_GRAD);
    ck_assert(!r.passed);
    ck_assert_msg(strstr(r.message, want), "message '%s' lacks '%s'", r.message, want);
    ck_assert_error(NB_ERR_GRAD, want);
    /* the same from nb_grad, and first order through the same graph works */
    nb_tensor *s = nb_sum(nb_square(nb_custom_op_apply(ln, &x, 1))), *g[1];
    ck_assert_int_eq(nb_grad(&s, 1, &x, 1, NULL, NB_CREATE_GRAPH, g), NB_ERR_GRAD);
    ck_assert_error(NB_ERR_GRAD, want);
    ck_assert_ptr_null(g[0]);
    ck_assert_int_eq(nb_grad(&s, 1, &x, 1, NULL, 0, g), NB_OK);
    ck_assert_ptr_nonnull(g[0]);
    /* nb_jvp's reverse-of-reverse records a backward pass too: refused alike */
    nb_tensor *t = nb_ones(NB_F64, NB_SHAPE(3, 4)), *jv;
    ck_assert_int_eq(nb_jvp(apply_one, &x, 1, (void *)ln, &t, NULL, &jv), NB_ERR_GRAD);
    ck_assert_error(NB_ERR_GRAD, "saved tensor 2 is not an input or the output");
}
END_TEST

START_TEST(test_two_inputs_dot_and_trace)
{
    const nb_custom_op *mul2 = def("mul2", 2, mul2_fwd, mul2_bwd, false, NULL);
    nb_tensor *a = nb_tensor_set_requires_grad(nb_from_f64((const double[]){2, 3}, NB_SHAPE(2)), true);
    nb_tensor *b = nb_tensor_set_requires_grad(nb_from_f64((const double[]){5, 7}, NB_SHAPE(2)), true);
    nb_tensor *in[2] = {a, b};
    nb_gradcheck_result r;
    ck_assert_int_eq(nb_gradcheck(apply_one, in, 2, (void *)mul2, NULL, &r), NB_OK);
    ck_assert(r.passed);
    nb_tensor *y = nb_custom_call(reg, "mul2", in, 2);
    ck_assert_tensor_near(y, ((const double[]){10, 21}), 2, 0);
    nb_tensor *loss = nb_sum(y);

    FILE *f = tmpfile();
    ck_assert_int_eq(nb_trace_begin(f, NULL), NB_OK);
    ck_assert_int_eq(nb_backward(loss, NULL), NB_OK);
    ck_assert_int_eq(nb_trace_end(), NB_OK);
    ck_assert_int_eq(nb_dot_write(f, &loss, 1, NULL), NB_OK);
    long n = ftell(f);
    rewind(f);
    char *text = calloc(1, (size_t)n + 1);
    ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    char want[64];
    snprintf(want, sizeof want, "node #%llu mul2\n", (unsigned long long)nb_node_id(nb_tensor_node(y)));
    ck_assert_msg(strstr(text, want), "trace lacks '%s':\n%s", want, text);
    ck_assert_ptr_nonnull(strstr(text, "-> input 1 (leaf) 2: [5, 7]")); /* d/da = b */
    snprintf(want, sizeof want, "label=\"mul2 #%llu\"", (unsigned long long)nb_node_id(nb_tensor_node(y)));
    ck_assert_msg(strstr(text, want), "DOT lacks '%s':\n%s", want, text);
    free(text);
    fclose(f);
    ck_assert_tensor_near(nb_tensor_grad(a), ((const double[]){5, 7}), 2, 0);
    ck_assert_tensor_near(nb_tensor_grad(b), ((const double[]){2, 3}), 2, 0);
}
END_TEST

/* badd(a, b) = a + b with b broadcast over a's rows; its backward hands
 * both inputs the output's gradient as it is, and the engine sums b's down
 * to b's shape, as for a built-in op. */
static nb_tensor *badd_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)save, (void)user;
    return nb_add(in[0], in[1]);
}

static int badd_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n, nb_tensor *out,
                    nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved, (void)in, (void)n, (void)out, (void)user;
    gin[0] = g;
    gin[1] = g;
    return 0;
}

/* A gradient of a shape that is neither the input's nor one it was
 * broadcast to. */
static int badd_bwd_wrong_shape(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                                nb_tensor *out, nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved, (void)in, (void)n, (void)out, (void)g, (void)user;
    gin[0] = nb_ones(NB_F64, 2, (int64_t[]){2, 2});
    gin[1] = nb_ones(NB_F64, 1, (int64_t[]){3});
    return 0;
}

START_TEST(test_broadcast_gradient_is_summed_down)
{
    const nb_custom_op *badd = def("badd", 2, badd_fwd, badd_bwd, false, NULL);
    nb_tensor *a = nb_tensor_set_requires_grad(
        nb_from_f64((const double[]){1, 2, 3, 4, 5, 6}, 2, (int64_t[]){2, 3}), true);
    nb_tensor *b = nb_tensor_set_requires_grad(nb_from_f64((const double[]){10, 20, 30}, NB_SHAPE(3)),
                                               true);
    nb_tensor *in[2] = {a, b};
    nb_tensor *w = nb_from_f64((const double[]){1, 2, 3, 4, 5, 6}, 2, (int64_t[]){2, 3});
    /* loss = sum(w * badd(a, b)): d/da = w, d/db = the column sums of w */
    ck_assert_int_eq(nb_backward(nb_sum(nb_mul(w, nb_custom_op_apply(badd, in, 2))), NULL), NB_OK);
    ck_assert_tensor_near(nb_tensor_grad(a), ((const double[]){1, 2, 3, 4, 5, 6}), 6, 0);
    ck_assert_tensor_near(nb_tensor_grad(b), ((const double[]){5, 7, 9}), 3, 0);
    nb_gradcheck_result r;
    ck_assert_int_eq(nb_gradcheck(apply_one, in, 2, (void *)badd, NULL, &r), NB_OK);
    ck_assert(r.passed);
    ck_assert_int_eq(nb_gradgradcheck(apply_one, in, 2, (void *)badd, NULL, &r), NB_OK);
    ck_assert(r.passed);

    const nb_custom_op *bad = def("badd_wrong", 2, badd_fwd, badd_bwd_wrong_shape, false, NULL);
    nb_tensor *y = nb_custom_op_apply(bad, in, 2);
    ck_assert_int_eq(nb_backward(nb_sum(y), NULL), NB_ERR_GRAD);
    ck_assert_error(NB_ERR_GRAD, "backward of 'badd_wrong'");
    ck_assert_error(NB_ERR_GRAD, "gave a f64 2x2 gradient for input 1 of f64 2x3");
}
END_TEST

START_TEST(test_registry)
{
    ck_assert_int_eq(nb_op_registry_count(reg), 0);
    const nb_custom_op *c = def("cube", 1, cube_fwd, cube_bwd, false, NULL);
    const nb_custom_op *m = def("mul2", 2, mul2_fwd, mul2_bwd, false, NULL);
    ck_assert_int_eq(nb_op_registry_count(reg), 2);
    ck_assert_ptr_eq(nb_custom_op_find(reg, "cube"), c);
    ck_assert_ptr_eq(nb_custom_op_find(reg, "mul2"), m);
    ck_assert_str_eq(nb_custom_op_name(m), "mul2");
    ck_assert_ptr_null(nb_custom_op_find(reg, "cub"));
    ck_assert_error(NB_ERR_ARG, "no op named 'cub' in this registry (2 defined)");
    /* the name is copied */
    char name[8] = "tmp";
    ck_assert_ptr_nonnull(def(name, 1, cube_fwd, cube_bwd, false, NULL));
    strcpy(name, "xyz");
    ck_assert_ptr_nonnull(nb_custom_op_find(reg, "tmp"));
    /* registries are independent */
    nb_op_registry *other = nb_op_registry_new();
    ck_assert_ptr_null(nb_custom_op_find(other, "cube"));
    nb_custom_op_def d = {.name = "cube", .forward = cube_fwd, .backward = cube_bwd};
    ck_assert_ptr_nonnull(nb_custom_op_define(other, &d));
    nb_op_registry_free(other);
    nb_op_registry_free(NULL);
}
END_TEST

/* Whatever negative int a backward returns, nb_backward and nb_grad return
 * an nb_status, the one nb_last_status() reports (they returned the user's
 * code, e.g. -1, beside an NB_ERR_GRAD message). */
START_TEST(test_failing_backward_status)
{
    static const int codes[] = {-1, -4, -42, INT_MIN};
    static int code;
    const nb_custom_op *op = def("coded", 1, cube_fwd, code_bwd, false, &code);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64((const double[]){1}, NB_SHAPE(1)), true);
    char want[80];
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        code = codes[i];
        snprintf(want, sizeof want, "its backward function returned %d", code);
        nb_clear_error();
        ck_assert_int_eq(nb_backward(nb_sum(nb_custom_op_apply(op, &x, 1)), NULL), NB_ERR_GRAD);
        ck_assert_int_eq(nb_last_status(), NB_ERR_GRAD);
        ck_assert_error(NB_ERR_GRAD, want);
        nb_clear_error();
        nb_tensor *s = nb_sum(nb_custom_op_apply(op, &x, 1));
        nb_tensor *g[1] = {NULL};
        ck_assert_int_eq(nb_grad(&s, 1, &x, 1, NULL, 0, g), NB_ERR_GRAD);
        ck_assert_error(NB_ERR_GRAD, want);
    }
    /* an op inside the backward failed: its status and message stand */
    code = 0;
    nb_clear_error();
    ck_assert_int_eq(nb_backward(nb_sum(nb_custom_op_apply(op, &x, 1)), NULL), NB_ERR_SHAPE);
    ck_assert_int_eq(nb_last_status(), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "reshape");
}
END_TEST

START_TEST(test_errors)
{
    nb_custom_op_def d = {.name = "cube", .n_inputs = 1, .forward = cube_fwd, .backward = cube_bwd};
    ck_assert_ptr_null(nb_custom_op_define(NULL, &d));
    ck_assert_error(NB_ERR_NULL, "nb_custom_op_define: registry is NULL");
    nb_clear_error();
    ck_assert_ptr_null(nb_custom_op_define(reg, NULL));
    ck_assert_error(NB_ERR_NULL, "def is NULL");
    d.backward = NULL;
    ck_assert_ptr_null(nb_custom_op_define(reg, &d));
    ck_assert_error(NB_ERR_NULL, "def.backward is NULL");
    d.backward = cube_bwd;
    d.name = "";
    ck_assert_ptr_null(nb_custom_op_define(reg, &d));
    ck_assert_error(NB_ERR_ARG, "name is empty");
    d.name = "cube";
    d.n_inputs = -1;
    ck_assert_ptr_null(nb_custom_op_define(reg, &d));
    ck_assert_error(NB_ERR_ARG, "n_inputs is -1");
    d.n_inputs = 1;
    const nb_custom_op *cube = nb_custom_op_define(reg, &d);
    ck_assert_ptr_nonnull(cube);
    ck_assert_ptr_null(nb_custom_op_define(reg, &d));
    ck_assert_error(NB_ERR_ARG, "an op named 'cube' is already defined");
    ck_assert_int_eq(nb_op_registry_count(reg), 1);
    nb_clear_error();
    ck_assert_ptr_null(nb_custom_op_find(NULL, "cube"));
    ck_assert_error(NB_ERR_NULL, "registry is NULL");
    nb_clear_error();
    ck_assert_ptr_null(nb_custom_op_find(reg, NULL));
    ck_assert_error(NB_ERR_NULL, "name is NULL");

    nb_tensor *x = nb_from_f64((const double[]){1, 2}, NB_SHAPE(2));
    nb_tensor *x32 = nb_from_f32((const float[]){1, 2}, NB_SHAPE(2));
    nb_clear_error();
    ck_assert_ptr_null(nb_custom_op_apply(NULL, &x, 1));
    ck_assert_error(NB_ERR_NULL, "op is NULL");
    nb_tensor *two[2] = {x, x};
    ck_assert_ptr_null(nb_custom_op_apply(cube, two, 2));
    ck_assert_error(NB_ERR_ARG, "custom op 'cube': takes 1 input(s), got 2");
    const nb_custom_op *m = def("mul2", 2, mul2_fwd, mul2_bwd, false, NULL);
    nb_tensor *mixed[2] = {x, x32};
    ck_assert_ptr_null(nb_custom_op_apply(m, mixed, 2));
    ck_assert_error(NB_ERR_DTYPE, "mul2");
    /* sticky NULL input: the first message stays */
    nb_tensor *nul[2] = {x, NULL};
    ck_assert_ptr_null(nb_custom_op_apply(m, nul, 2));
    ck_assert_error(NB_ERR_DTYPE, "mul2");
    nb_clear_error();
    ck_assert_ptr_null(nb_custom_op_apply(m, nul, 2));
    ck_assert_error(NB_ERR_NULL, "mul2: input 2");
    /* a failing forward, a failing backward */
    const nb_custom_op *nf = def("nothing", 1, null_fwd, cube_bwd, false, NULL);
    ck_assert_ptr_null(nb_custom_op_apply(nf, &x, 1));
    ck_assert_error(NB_ERR_ARG, "custom op 'nothing': its forward function returned NULL");
    const nb_custom_op *fb = def("failing", 1, cube_fwd, failing_bwd, false, NULL);
    nb_tensor *xr = nb_tensor_set_requires_grad(nb_from_f64((const double[]){1}, NB_SHAPE(1)), true);
    nb_tensor *y = nb_custom_op_apply(fb, &xr, 1);
    ck_assert_int_eq(nb_backward(nb_sum(y), NULL), NB_ERR_GRAD);
    ck_assert_error(NB_ERR_GRAD, "custom op 'failing': its backward function returned -1");
    ck_assert_ptr_null(nb_custom_call(reg, "missing", &x, 1));
    ck_assert_error(NB_ERR_ARG, "no op named 'missing'");
    /* nb_custom_save limits */
    nb_custom_saved sv = {{NULL}, 0};
    for (int i = 0; i < NB_MAX_SAVED; i++)
        ck_assert_int_eq(nb_custom_save(&sv, x), 0);
    ck_assert_int_eq(nb_custom_save(&sv, x), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "at most 4 tensors");
    nb_clear_error();
    ck_assert_int_eq(nb_custom_save(NULL, x), NB_ERR_NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("custom_op");
    TCase *tc = tcase_create("custom_op");
    tcase_add_checked_fixture(tc, reg_setup, reg_teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_values_and_grads);
    tcase_add_test(tc, test_gradcheck_right_and_wrong);
    tcase_add_test(tc, test_saved_and_once_differentiable);
    tcase_add_test(tc, test_layer_norm_saving_input_and_output);
    tcase_add_test(tc, test_layer_norm_saving_an_intermediate);
    tcase_add_test(tc, test_two_inputs_dot_and_trace);
    tcase_add_test(tc, test_broadcast_gradient_is_summed_down);
    tcase_add_test(tc, test_registry);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_failing_backward_status);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
