/* Tests of the verification tools: nb_gradcheck and nb_gradgradcheck on
 * every basic op (two shapes each, broadcasting included) and on
 * compositions; a deliberately wrong backward is caught and located; the
 * functional transforms give the closed-form answers; every error path
 * gives a clear message. */
#include "test_util.h"

#include "autograd/graph.h"

/* ---- the functions under test: one callback, the op picked by ctx ---- */

typedef enum {
    F_ADD, F_SUB, F_MUL, F_DIV, F_NEG, F_SQUARE, F_TANH, F_MATMUL, F_SUM, F_SUM_AXIS0,
    F_SUM_AXIS_LAST_KEEP, F_RESHAPE, F_BROADCAST, F_SUM_TO, F_MLP, F_POLY
} fn_kind;

typedef struct case_ctx {
    fn_kind kind;
    int ndim;         /* target shape for reshape / broadcast_to / sum_to */
    int64_t shape[4];
} case_ctx;

static nb_tensor *case_fn(nb_tensor *const *in, int n, void *vctx)
{
    const case_ctx *c = vctx;
    (void)n;
    switch (c->kind) {
    case F_ADD: return nb_add(in[0], in[1]);
    case F_SUB: return nb_sub(in[0], in[1]);
    case F_MUL: return nb_mul(in[0], in[1]);
    case F_DIV: return nb_div(in[0], in[1]);
    case F_NEG: return nb_neg(in[0]);
    case F_SQUARE: return nb_square(in[0]);
    case F_TANH: return nb_tanh(in[0]);
    case F_MATMUL: return nb_matmul(in[0], in[1]);
    case F_SUM: return nb_sum(in[0]);
    case F_SUM_AXIS0: return nb_sum_axis(in[0], 0, false);
    case F_SUM_AXIS_LAST_KEEP: return nb_sum_axis(in[0], -1, true);
    case F_RESHAPE: return nb_reshape(in[0], c->ndim, c->shape);
    case F_BROADCAST: return nb_broadcast_to(in[0], c->ndim, c->shape);
    case F_SUM_TO: return nb_sum_to(in[0], c->ndim, c->shape);
    /* a one-hidden-layer network's loss: sum(tanh(x W + b)^2) */
    case F_MLP: return nb_sum(nb_square(nb_tanh(nb_add(nb_matmul(in[0], in[1]), in[2]))));
    /* (a*b - a/b)^2 + tanh(a), with b broadcast */
    case F_POLY:
        return nb_add(nb_square(nb_sub(nb_mul(in[0], in[1]), nb_div(in[0], in[1]))), nb_tanh(in[0]));
    }
    return NULL;
}

/* A seeded f64 leaf requiring grad, values in [lo, hi). */
static nb_tensor *leaf(nb_rng *rng, int ndim, const int64_t *shape, double lo, double hi)
{
    nb_tensor *t = nb_rand_uniform(rng, NB_F64, ndim, shape, lo, hi);
    ck_assert_msg(t != NULL, "%s", nb_last_error());
    return nb_tensor_set_requires_grad(t, true);
}

typedef struct op_case {
    const char *name;
    case_ctx ctx;
    int n_inputs;
    int ndim[3];
    int64_t shape[3][4];
    double lo, hi; /* value range of the inputs (div keeps its divisor away from 0) */
} op_case;

static const op_case op_cases[] = {
    {"add", {.kind = F_ADD}, 2, {2, 2}, {{2, 3}, {2, 3}}, -1, 1},
    {"add broadcast", {.kind = F_ADD}, 2, {2, 1}, {{2, 3}, {3}}, -1, 1},
    {"sub", {.kind = F_SUB}, 2, {2, 2}, {{2, 3}, {2, 3}}, -1, 1},
    {"sub broadcast", {.kind = F_SUB}, 2, {2, 2}, {{3, 1}, {1, 4}}, -1, 1},
    {"mul", {.kind = F_MUL}, 2, {1, 1}, {{5}, {5}}, -1, 1},
    {"mul broadcast", {.kind = F_MUL}, 2, {2, 3}, {{3, 1}, {2, 1, 4}}, -1, 1},
    {"div", {.kind = F_DIV}, 2, {2, 2}, {{2, 3}, {2, 3}}, 0.5, 1.5},
    {"div broadcast", {.kind = F_DIV}, 2, {2, 0}, {{2, 3}, {0}}, 0.5, 1.5},
    {"neg", {.kind = F_NEG}, 1, {2}, {{2, 3}}, -1, 1},
    {"neg 3d", {.kind = F_NEG}, 1, {3}, {{2, 1, 2}}, -1, 1},
    {"square", {.kind = F_SQUARE}, 1, {2}, {{2, 3}}, -1, 1},
    {"square 1d", {.kind = F_SQUARE}, 1, {1}, {{7}}, -2, 2},
    {"tanh", {.kind = F_TANH}, 1, {2}, {{2, 3}}, -1.5, 1.5},
    {"tanh scalar", {.kind = F_TANH}, 1, {0}, {{0}}, -1, 1},
    {"matmul", {.kind = F_MATMUL}, 2, {2, 2}, {{2, 3}, {3, 4}}, -1, 1},
    {"matmul batched", {.kind = F_MATMUL}, 2, {3, 2}, {{2, 2, 3}, {3, 2}}, -1, 1},
    {"sum", {.kind = F_SUM}, 1, {2}, {{2, 3}}, -1, 1},
    {"sum 3d", {.kind = F_SUM}, 1, {3}, {{2, 1, 3}}, -1, 1},
    {"sum_axis 0", {.kind = F_SUM_AXIS0}, 1, {2}, {{2, 3}}, -1, 1},
    {"sum_axis -1 keepdim", {.kind = F_SUM_AXIS_LAST_KEEP}, 1, {3}, {{2, 3, 2}}, -1, 1},
    {"reshape", {.kind = F_RESHAPE, .ndim = 2, .shape = {3, 2}}, 1, {2}, {{2, 3}}, -1, 1},
    {"reshape infer", {.kind = F_RESHAPE, .ndim = 3, .shape = {2, -1, 1}}, 1, {1}, {{6}}, -1, 1},
    {"broadcast_to", {.kind = F_BROADCAST, .ndim = 2, .shape = {2, 3}}, 1, {1}, {{3}}, -1, 1},
    {"broadcast_to 3d", {.kind = F_BROADCAST, .ndim = 3, .shape = {4, 2, 3}}, 1, {2}, {{1, 3}}, -1, 1},
    {"sum_to", {.kind = F_SUM_TO, .ndim = 1, .shape = {3}}, 1, {2}, {{2, 3}}, -1, 1},
    {"sum_to keep axes", {.kind = F_SUM_TO, .ndim = 2, .shape = {2, 1}}, 1, {3}, {{4, 2, 3}}, -1, 1},
    {"mlp loss", {.kind = F_MLP}, 3, {2, 2, 1}, {{4, 3}, {3, 2}, {2}}, -1, 1},
    {"polynomial composition", {.kind = F_POLY}, 2, {2, 1}, {{2, 3}, {3}}, 0.5, 1.5},
};
#define N_OP_CASES ((int)(sizeof op_cases / sizeof op_cases[0]))

static void make_inputs(const op_case *oc, nb_tensor **in, uint64_t seed)
{
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    for (int i = 0; i < oc->n_inputs; i++)
        in[i] = leaf(&rng, oc->ndim[i], oc->shape[i], oc->lo, oc->hi);
}

START_TEST(test_gradcheck_ops)
{
    const op_case *oc = &op_cases[_i];
    nb_tensor *in[3];
    make_inputs(oc, in, 100 + (uint64_t)_i);
    nb_gradcheck_result r;
    int rc = nb_gradcheck(case_fn, in, oc->n_inputs, (void *)&oc->ctx, NULL, &r);
    ck_assert_msg(rc == NB_OK && r.passed, "%s: %s", oc->name, r.message);
    ck_assert_int_eq(r.failed, 0);
    /* every Jacobian entry was compared: numel(out) * sum numel(inputs) */
    nb_tensor *y = case_fn(in, oc->n_inputs, (void *)&oc->ctx);
    int64_t cols = 0;
    for (int i = 0; i < oc->n_inputs; i++)
        cols += nb_tensor_numel(in[i]);
    ck_assert_int_eq(r.checked, nb_tensor_numel(y) * cols);
    ck_assert(r.max_abs_error < 1e-6);

    nb_gradcheck_opts fast = {.fast = true, .seed = 7};
    rc = nb_gradcheck(case_fn, in, oc->n_inputs, (void *)&oc->ctx, &fast, &r);
    ck_assert_msg(rc == NB_OK && r.passed, "%s (fast): %s", oc->name, r.message);
    ck_assert_int_eq(r.checked, 1);
}
END_TEST

START_TEST(test_gradgradcheck_ops)
{
    const op_case *oc = &op_cases[_i];
    nb_tensor *in[3];
    make_inputs(oc, in, 200 + (uint64_t)_i);
    nb_gradcheck_result r;
    int rc = nb_gradgradcheck(case_fn, in, oc->n_inputs, (void *)&oc->ctx,
                              &(nb_gradcheck_opts){.seed = 3}, &r);
    ck_assert_msg(rc == NB_OK && r.passed, "%s: %s", oc->name, r.message);
    /* every input's gradient is differentiated with respect to every input */
    int64_t cols = 0;
    for (int i = 0; i < oc->n_inputs; i++)
        cols += nb_tensor_numel(in[i]);
    ck_assert_int_eq(r.checked, cols * cols);
    rc = nb_gradgradcheck(case_fn, in, oc->n_inputs, (void *)&oc->ctx,
                          &(nb_gradcheck_opts){.fast = true, .seed = 4}, &r);
    ck_assert_msg(rc == NB_OK && r.passed, "%s (fast): %s", oc->name, r.message);
}
END_TEST

/* Inputs come back bit-for-bit and with their old versions, so a graph
 * recorded before the check can still be backpropagated after it. */
START_TEST(test_gradcheck_restores_inputs)
{
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    nb_tensor *a = leaf(&rng, NB_SHAPE(2, 3), -1, 1), *b = leaf(&rng, NB_SHAPE(3), -1, 1);
    nb_tensor *ca = nb_tensor_clone(a), *cb = nb_tensor_clone(b);
    uint64_t va = nb_tensor_version(a);
    case_ctx c = {.kind = F_POLY};
    nb_tensor *in[2] = {a, b};
    nb_tensor *before = nb_sum(nb_mul(a, a)); /* saves a */
    ck_assert_int_eq(nb_gradcheck(case_fn, in, 2, &c, NULL, NULL), NB_OK);
    ck_assert_int_eq(memcmp(nb_tensor_data_f64(a), nb_tensor_data_f64(ca), 6 * sizeof(double)), 0);
    ck_assert_int_eq(memcmp(nb_tensor_data_f64(b), nb_tensor_data_f64(cb), 3 * sizeof(double)), 0);
    ck_assert_int_eq(nb_tensor_version(a), va);
    ck_assert_int_eq(nb_backward(before, NULL), NB_OK);
    for (int i = 0; i < 6; i++)
        ck_assert(nb_tensor_get(nb_tensor_grad(a), i) == 2 * nb_tensor_get(ca, i));
    ck_assert_int_eq(nb_gradgradcheck(case_fn, in, 2, &c, NULL, NULL), NB_OK);
    ck_assert_int_eq(memcmp(nb_tensor_data_f64(a), nb_tensor_data_f64(ca), 6 * sizeof(double)), 0);
    ck_assert_int_eq(nb_gradcheck(case_fn, in, 2, &c, &(nb_gradcheck_opts){.fast = true}, NULL),
                     NB_OK);
    ck_assert_int_eq(memcmp(nb_tensor_data_f64(b), nb_tensor_data_f64(cb), 3 * sizeof(double)), 0);
    /* the caller's arena does not grow with the size of the check */
    size_t used = nb_arena_used(test_arena);
    ck_assert_int_eq(nb_gradcheck(case_fn, in, 2, &c, NULL, NULL), NB_OK);
    ck_assert_int_eq(nb_arena_used(test_arena), used);
}
END_TEST

/* Only inputs that require grad are checked; the others are constants. */
START_TEST(test_gradcheck_constant_inputs)
{
    nb_rng rng;
    nb_rng_seed(&rng, 6);
    nb_tensor *a = leaf(&rng, NB_SHAPE(2, 3), -1, 1);
    nb_tensor *b = nb_rand_uniform(&rng, NB_F64, NB_SHAPE(2, 3), -1, 1);
    case_ctx c = {.kind = F_MUL};
    nb_tensor *in[2] = {a, b};
    nb_gradcheck_result r;
    ck_assert_int_eq(nb_gradcheck(case_fn, in, 2, &c, NULL, &r), NB_OK);
    ck_assert_int_eq(r.checked, 36);
}
END_TEST

/* ---- a deliberately wrong backward: square whose gradient is 1.5 times
 * too big at element 3 (and only there) ---- */

static int bad_square_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                              const void *p)
{
    (void)op;
    (void)n_in;
    (void)p;
    for (int64_t i = 0; i < out->numel; i++)
        nb__set(out, i, nb__get(in[0], i) * nb__get(in[0], i));
    return 0;
}

static int bad_square_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *x = node->inputs[0];
    nb_tensor *mask = nb_ones(x->dtype, x->ndim, x->shape);
    if (!mask)
        return nb_last_status();
    if (x->numel > 3)
        nb__set(mask, 3, 1.5); /* the bug */
    gi[0] = nb_mul(nb_mul(g, nb_mul_scalar(x, 2.0)), mask);
    return gi[0] ? 0 : nb_last_status();
}

static const nb_op bad_square_op = {
    .name = "bad_square",
    .forward = bad_square_forward,
    .backward = bad_square_backward,
    .saved = NB_SAVES_INPUT(0),
};

static nb_tensor *bad_square(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    nb_tensor *x = in[0];
    return nb__op_apply(&bad_square_op, &x, 1, NULL, x->dtype, x->ndim, x->shape);
}

/* sum(bad_square(x) * w): a one-element output, so the row is the gradient */
static nb_tensor *bad_square_loss(nb_tensor *const *in, int n, void *ctx)
{
    return nb_sum(nb_mul(bad_square(in, n, ctx), in[1]));
}

START_TEST(test_gradcheck_catches_wrong_backward)
{
    nb_rng rng;
    nb_rng_seed(&rng, 11);
    nb_tensor *x = leaf(&rng, NB_SHAPE(2, 3), 0.5, 1.5);
    nb_gradcheck_result r;
    FILE *rep = tmpfile();
    ck_assert_ptr_nonnull(rep);
    int rc = nb_gradcheck(bad_square, &x, 1, NULL, &(nb_gradcheck_opts){.report = rep}, &r);
    ck_assert_int_eq(rc, NB_ERR_GRAD);
    ck_assert(!r.passed);
    ck_assert_int_eq(r.checked, 36);
    ck_assert_int_eq(r.failed, 1); /* exactly the wrong entry */
    ck_assert_int_eq(r.input_index, 0);
    ck_assert_int_eq(r.element_index, 3);
    ck_assert_int_eq(r.output_index, 3);
    double x3 = nb_tensor_get(x, 3);
    ck_assert_double_eq_tol(r.analytic, 3.0 * x3, 1e-12);
    ck_assert_double_eq_tol(r.numeric, 2.0 * x3, 1e-6);
    ck_assert_double_eq_tol(r.max_abs_error, x3, 1e-6);
    ck_assert_error(NB_ERR_GRAD, "1 of 36 Jacobian entries differ");
    ck_assert_error(NB_ERR_GRAD, "inputs[0] element 3 [1,0] (of 2x3), output element 3 [1,0]");
    ck_assert_str_eq(r.message, nb_last_error());
    /* the report names the same entry */
    char buf[2048] = {0};
    rewind(rep);
    size_t got = fread(buf, 1, sizeof buf - 1, rep);
    fclose(rep);
    ck_assert(got > 0);
    ck_assert_msg(strstr(buf, "inputs[0] element 3 [1,0], output element 3 [1,0]") != NULL, "%s", buf);

    /* fast mode catches it too, without saying where */
    rc = nb_gradcheck(bad_square, &x, 1, NULL, &(nb_gradcheck_opts){.fast = true, .seed = 1}, &r);
    ck_assert_int_eq(rc, NB_ERR_GRAD);
    ck_assert_int_eq(r.failed, 1);
    ck_assert_int_eq(r.checked, 1);
    ck_assert_int_eq(r.element_index, -1);
    ck_assert_error(NB_ERR_GRAD, "projection");
}
END_TEST

/* Through a reduction with a weight: one output, the wrong element found;
 * the second-order check sees the wrong first derivative as well. */
START_TEST(test_gradcheck_wrong_backward_in_composition)
{
    nb_rng rng;
    nb_rng_seed(&rng, 12);
    nb_tensor *in[2] = {leaf(&rng, NB_SHAPE(5), 0.5, 1.5), leaf(&rng, NB_SHAPE(5), 0.5, 1.5)};
    nb_gradcheck_result r;
    ck_assert_int_eq(nb_gradcheck(bad_square_loss, in, 2, NULL, NULL, &r), NB_ERR_GRAD);
    ck_assert_int_eq(r.failed, 1);
    ck_assert_int_eq(r.checked, 10);
    ck_assert_int_eq(r.input_index, 0);
    ck_assert_int_eq(r.element_index, 3);
    ck_assert_int_eq(r.output_index, 0);
    ck_assert_double_eq_tol(r.analytic, 3.0 * nb_tensor_get(in[0], 3) * nb_tensor_get(in[1], 3), 1e-12);

    /* second order, with g_x = v*w*2x*mask and g_w = v*x²: the finite
     * differences are taken of these first-order gradients as the engine
     * computes them, so g_x (wrong, but differentiated consistently) agrees;
     * g_w's dependence on x goes through bad_square's backward again and is
     * wrong at exactly d g_w[3] / dx[3] */
    ck_assert_int_eq(nb_gradgradcheck(bad_square_loss, in, 2, NULL, NULL, &r), NB_ERR_GRAD);
    ck_assert_int_eq(r.checked, 100);
    ck_assert_int_eq(r.failed, 1);
    ck_assert_int_eq(r.input_index, 0);
    ck_assert_int_eq(r.element_index, 3);
    ck_assert_int_eq(r.output_index, 5 + 3); /* grad of inputs[1], element 3 */
    double v = r.analytic / (3.0 * nb_tensor_get(in[0], 3)); /* the random cotangent */
    ck_assert_double_eq_tol(r.numeric, 2.0 * nb_tensor_get(in[0], 3) * v, 1e-6);
    ck_assert_error(NB_ERR_GRAD, "inputs[0] element 3 [3] (of 5), grad of inputs[1] element 3 [3]");
}
END_TEST

/* ---- error paths ---- */

static nb_tensor *failing_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_matmul(in[0], in[0]); /* 2x3 @ 2x3: inner sizes differ */
}

static nb_tensor *silent_null_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)in;
    (void)n;
    (void)ctx;
    return NULL;
}

START_TEST(test_gradcheck_errors)
{
    nb_rng rng;
    nb_rng_seed(&rng, 13);
    nb_tensor *x = leaf(&rng, NB_SHAPE(2, 3), -1, 1);
    case_ctx c = {.kind = F_SQUARE};
    nb_gradcheck_result r;

    ck_assert_int_eq(nb_gradcheck(NULL, &x, 1, &c, NULL, &r), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_gradcheck: fn is NULL");
    ck_assert(!r.passed);
    ck_assert_str_eq(r.message, nb_last_error());
    ck_assert_int_eq(nb_gradgradcheck(NULL, &x, 1, &c, NULL, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_gradgradcheck: fn is NULL");

    ck_assert_int_eq(nb_gradcheck(case_fn, NULL, 1, &c, NULL, &r), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_gradcheck: inputs is NULL");
    ck_assert_int_eq(nb_gradcheck(case_fn, &x, 0, &c, NULL, &r), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "n_inputs is 0");

    nb_tensor *in_null[1] = {NULL};
    nb_clear_error();
    ck_assert_int_eq(nb_gradcheck(case_fn, in_null, 1, &c, NULL, &r), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "inputs[0]");

    nb_tensor *konst = nb_ones(NB_F64, NB_SHAPE(3));
    ck_assert_int_eq(nb_gradcheck(case_fn, &konst, 1, &c, NULL, &r), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "no input requires grad");
    ck_assert_int_eq(nb_gradgradcheck(case_fn, &konst, 1, &c, NULL, &r), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "no input requires grad");

    /* fn's own error passes through unchanged */
    ck_assert_int_eq(nb_gradcheck(failing_fn, &x, 1, NULL, NULL, &r), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "matmul");
    ck_assert_str_eq(r.message, nb_last_error());
    ck_assert_int_eq(nb_gradgradcheck(failing_fn, &x, 1, NULL, NULL, &r), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "matmul");
    ck_assert_int_eq(nb_gradcheck(failing_fn, &x, 1, NULL, &(nb_gradcheck_opts){.fast = true}, &r),
                     NB_ERR_SHAPE);

    nb_clear_error();
    ck_assert_int_eq(nb_gradcheck(silent_null_fn, &x, 1, NULL, NULL, &r), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "fn returned NULL without recording an error");

    /* a stale input (its arena was reset) */
    nb_arena *other = nb_arena_new();
    nb_arena_use(other);
    nb_tensor *stale = nb_tensor_set_requires_grad(nb_ones(NB_F64, NB_SHAPE(2)), true);
    nb_arena_reset(other);
    nb_arena_use(test_arena);
    ck_assert_int_eq(nb_gradcheck(case_fn, &stale, 1, &c, NULL, &r), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "nb_gradcheck");
    nb_arena_free(other);
}
END_TEST

/* f32 inputs: a warning goes to the report (and nowhere else), the check
 * still runs; allow_f32 silences it. */
START_TEST(test_gradcheck_f32_warning)
{
    nb_rng rng;
    nb_rng_seed(&rng, 14);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_rand_uniform(&rng, NB_F32, NB_SHAPE(3), -1, 1), true);
    case_ctx c = {.kind = F_SQUARE};
    FILE *rep = tmpfile();
    ck_assert_ptr_nonnull(rep);
    nb_gradcheck_opts o = {.eps = 1e-3, .atol = 1e-2, .rtol = 1e-2, .report = rep};
    nb_gradcheck_result r;
    ck_assert_int_eq(nb_gradcheck(case_fn, &x, 1, &c, &o, &r), NB_OK);
    ck_assert_int_eq(r.checked, 9);
    char buf[1024] = {0};
    rewind(rep);
    ck_assert(fread(buf, 1, sizeof buf - 1, rep) > 0);
    ck_assert_msg(strstr(buf, "warning: inputs[0] is f32") != NULL, "%s", buf);
    fclose(rep);

    rep = tmpfile();
    ck_assert_ptr_nonnull(rep);
    o.report = rep;
    o.allow_f32 = true;
    ck_assert_int_eq(nb_gradcheck(case_fn, &x, 1, &c, &o, &r), NB_OK);
    ck_assert_int_eq(ftell(rep), 0);
    fclose(rep);
}
END_TEST

/* A function of the inputs that ignores one of them, and one that ignores
 * all: the Jacobian is zero there, both sides agree. */
static nb_tensor *ignores_second(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_tanh(in[0]);
}

static nb_tensor *constant_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)in;
    (void)n;
    (void)ctx;
    return nb_full(NB_F64, NB_SHAPE(2), 3.0);
}

START_TEST(test_gradcheck_unused_inputs)
{
    nb_rng rng;
    nb_rng_seed(&rng, 15);
    nb_tensor *in[2] = {leaf(&rng, NB_SHAPE(3), -1, 1), leaf(&rng, NB_SHAPE(2), -1, 1)};
    nb_gradcheck_result r;
    ck_assert_int_eq(nb_gradcheck(ignores_second, in, 2, NULL, NULL, &r), NB_OK);
    ck_assert_int_eq(r.checked, 15);
    ck_assert_int_eq(nb_gradgradcheck(ignores_second, in, 2, NULL, NULL, &r), NB_OK);
    ck_assert_int_eq(nb_gradcheck(constant_fn, in, 2, NULL, NULL, &r), NB_OK);
    ck_assert_int_eq(r.checked, 10);
    ck_assert_double_eq(r.max_abs_error, 0.0);
}
END_TEST

/* ---- functional transforms, against closed forms ---- */

/* f(A, x) = A x with x a column */
static nb_tensor *linear_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_matmul(in[0], in[1]);
}

/* f(x, A) = x^T A x = sum(x * (A x)) */
static nb_tensor *quadratic_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_sum(nb_mul(in[0], nb_matmul(in[1], in[0])));
}

/* f(x, W) = tanh(x W), a nonlinear map with a matrix output */
static nb_tensor *layer_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_tanh(nb_matmul(in[0], in[1]));
}

/* f(x, W) = sum(tanh(x W)²), a nonlinear scalar */
static nb_tensor *layer_loss_fn(nb_tensor *const *in, int n, void *ctx)
{
    return nb_sum(nb_square(layer_fn(in, n, ctx)));
}

static const double A34[12] = {1, 2, 3, 4, -1, 0.5, 0, 2, 3, -2, 1, 0.25};

START_TEST(test_jacobian_linear)
{
    nb_tensor *A = nb_from_f64(A34, NB_SHAPE(3, 4));
    nb_tensor *x = nb_from_f64((double[]){0.5, -1, 2, 3}, NB_SHAPE(4, 1));
    nb_tensor *in[2] = {A, x};
    /* d(Ax)/dx = A, although neither input was marked */
    nb_tensor *J = nb_jacobian(linear_fn, in, 2, NULL, 1);
    ck_assert_msg(J != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_ndim(J), 2);
    ck_assert_int_eq(nb_tensor_dim(J, 0), 3);
    ck_assert_int_eq(nb_tensor_dim(J, 1), 4);
    ck_assert_tensor_near(J, A34, 12, 1e-15);
    ck_assert_ptr_eq(nb_tensor_arena(J), test_arena);
    ck_assert(!nb_tensor_requires_grad(J));
    ck_assert(!nb_tensor_requires_grad(A) && !nb_tensor_requires_grad(x)); /* unmarked again */
    /* d(Ax)_i / dA_pq = [i == p] x_q */
    nb_tensor *JA = nb_jacobian(linear_fn, in, 2, NULL, 0);
    ck_assert_msg(JA != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_dim(JA, 0), 3);
    ck_assert_int_eq(nb_tensor_dim(JA, 1), 12);
    double want[36] = {0};
    for (int i = 0; i < 3; i++)
        for (int q = 0; q < 4; q++)
            want[i * 12 + i * 4 + q] = nb_tensor_get(x, q);
    ck_assert_tensor_near(JA, want, 36, 1e-15);
    /* a marked input stays marked */
    nb_tensor_set_requires_grad(x, true);
    ck_assert_ptr_nonnull(nb_jacobian(linear_fn, in, 2, NULL, 1));
    ck_assert(nb_tensor_requires_grad(x));
}
END_TEST

static const double A33[9] = {2, -1, 0.5, 3, 1, -2, 0, 4, -0.5};

START_TEST(test_hessian_quadratic)
{
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64((double[]){1, -2, 0.5}, NB_SHAPE(3, 1)), true);
    nb_tensor *A = nb_from_f64(A33, NB_SHAPE(3, 3));
    nb_tensor *in[2] = {x, A};
    nb_tensor *H = nb_hessian(quadratic_fn, in, 2, NULL, 0);
    ck_assert_msg(H != NULL, "%s", nb_last_error());
    double want[9];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            want[i * 3 + j] = A33[i * 3 + j] + A33[j * 3 + i]; /* A + A^T */
    ck_assert_int_eq(nb_tensor_dim(H, 0), 3);
    ck_assert_int_eq(nb_tensor_dim(H, 1), 3);
    ck_assert_tensor_near(H, want, 9, 1e-14);
    ck_assert_ptr_eq(nb_tensor_arena(H), test_arena);

    /* H v = (A + A^T) v */
    nb_tensor *v = nb_from_f64((double[]){0.5, 1, -1}, NB_SHAPE(3, 1));
    nb_tensor *hv = nb_hvp(quadratic_fn, in, 2, NULL, 0, v);
    ck_assert_msg(hv != NULL, "%s", nb_last_error());
    double hv_want[3];
    for (int i = 0; i < 3; i++)
        hv_want[i] = want[i * 3 + 0] * 0.5 + want[i * 3 + 1] * 1 + want[i * 3 + 2] * -1;
    ck_assert_tensor_near(hv, hv_want, 3, 1e-14);
    ck_assert_int_eq(nb_tensor_ndim(hv), 2);

    /* the Hessian of x^T A x with respect to A is zero (it is linear in A) */
    nb_tensor *HA = nb_hessian(quadratic_fn, in, 2, NULL, 1);
    double zeros[81] = {0};
    ck_assert_tensor_near(HA, zeros, 81, 0);
}
END_TEST

/* On a nonlinear function: hvp = H v, jvp = J u, vjp = v^T J, with H and J
 * from nb_hessian / nb_jacobian (each built from other backward passes). */
START_TEST(test_transforms_agree)
{
    nb_rng rng;
    nb_rng_seed(&rng, 21);
    nb_tensor *x = nb_rand_uniform(&rng, NB_F64, NB_SHAPE(2, 3), -1, 1);
    nb_tensor *W = nb_rand_uniform(&rng, NB_F64, NB_SHAPE(3, 2), -1, 1);
    nb_tensor *in[2] = {x, W};

    /* hvp against the Hessian, both inputs */
    for (int p = 0; p < 2; p++) {
        nb_tensor *H = nb_hessian(layer_loss_fn, in, 2, NULL, p);
        ck_assert_msg(H != NULL, "%s", nb_last_error());
        nb_tensor *v = nb_rand_normal(&rng, NB_F64, nb_tensor_ndim(in[p]), nb_tensor_shape(in[p]), 0, 1);
        nb_tensor *hv = nb_hvp(layer_loss_fn, in, 2, NULL, p, v);
        ck_assert_msg(hv != NULL, "%s", nb_last_error());
        double want[6];
        for (int i = 0; i < 6; i++) {
            want[i] = 0;
            for (int j = 0; j < 6; j++)
                want[i] += nb_tensor_get(H, i * 6 + j) * nb_tensor_get(v, j);
        }
        ck_assert_tensor_near(hv, want, 6, 1e-13);
        /* symmetric */
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                ck_assert_double_eq_tol(nb_tensor_get(H, i * 6 + j), nb_tensor_get(H, j * 6 + i), 1e-13);
    }

    nb_tensor *Jx = nb_jacobian(layer_fn, in, 2, NULL, 0);
    nb_tensor *JW = nb_jacobian(layer_fn, in, 2, NULL, 1);
    ck_assert_msg(Jx && JW, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_dim(Jx, 0), 4);
    ck_assert_int_eq(nb_tensor_dim(Jx, 1), 6);

    /* jvp = Jx tx + JW tW, and with a NULL tangent (zero) = Jx tx */
    nb_tensor *tx = nb_rand_normal(&rng, NB_F64, NB_SHAPE(2, 3), 0, 1);
    nb_tensor *tW = nb_rand_normal(&rng, NB_F64, NB_SHAPE(3, 2), 0, 1);
    nb_tensor *value = NULL, *jv = NULL;
    ck_assert_int_eq(nb_jvp(layer_fn, in, 2, NULL, (nb_tensor *[]){tx, tW}, &value, &jv), NB_OK);
    double want[4], want_x[4];
    for (int i = 0; i < 4; i++) {
        want_x[i] = 0;
        for (int k = 0; k < 6; k++)
            want_x[i] += nb_tensor_get(Jx, i * 6 + k) * nb_tensor_get(tx, k);
        want[i] = want_x[i];
        for (int k = 0; k < 6; k++)
            want[i] += nb_tensor_get(JW, i * 6 + k) * nb_tensor_get(tW, k);
    }
    ck_assert_tensor_near(jv, want, 4, 1e-13);
    ck_assert_int_eq(nb_tensor_dim(jv, 0), 2);
    ck_assert_int_eq(nb_tensor_dim(jv, 1), 2);
    ck_assert_ptr_eq(nb_tensor_arena(jv), test_arena);
    /* value = tanh(x W) */
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double s = 0;
            for (int k = 0; k < 3; k++)
                s += nb_tensor_get(x, i * 3 + k) * nb_tensor_get(W, k * 2 + j);
            ck_assert_double_eq_tol(nb_tensor_get(value, i * 2 + j), tanh(s), 1e-15);
        }
    ck_assert_int_eq(nb_jvp(layer_fn, in, 2, NULL, (nb_tensor *[]){tx, NULL}, NULL, &jv), NB_OK);
    ck_assert_tensor_near(jv, want_x, 4, 1e-13);

    /* vjp = v^T J for both inputs */
    nb_tensor *v = nb_rand_normal(&rng, NB_F64, NB_SHAPE(2, 2), 0, 1);
    nb_tensor *vj[2] = {NULL, NULL};
    ck_assert_int_eq(nb_vjp(layer_fn, in, 2, NULL, v, &value, vj), NB_OK);
    for (int p = 0; p < 2; p++) {
        nb_tensor *J = p ? JW : Jx;
        double w[6];
        for (int k = 0; k < 6; k++) {
            w[k] = 0;
            for (int i = 0; i < 4; i++)
                w[k] += nb_tensor_get(v, i) * nb_tensor_get(J, i * 6 + k);
        }
        ck_assert_tensor_near(vj[p], w, 6, 1e-13);
        ck_assert(nb_tensor_same_shape(vj[p], in[p]));
        ck_assert_ptr_eq(nb_tensor_arena(vj[p]), test_arena);
    }
    ck_assert(!nb_tensor_requires_grad(x) && !nb_tensor_requires_grad(W));
}
END_TEST

/* vjp of a one-element output needs no v; unused inputs give NULL. */
START_TEST(test_vjp_scalar_and_unused)
{
    nb_tensor *x = nb_from_f64((double[]){1, 2, 3}, NB_SHAPE(3));
    nb_tensor *unused = nb_from_f64((double[]){5}, NB_SHAPE(1));
    case_ctx c = {.kind = F_SUM};
    nb_tensor *in[2] = {x, unused};
    nb_tensor *value = NULL, *vj[2];
    /* case_fn(F_SUM) uses in[0] only */
    ck_assert_int_eq(nb_vjp(case_fn, in, 2, &c, NULL, &value, vj), NB_OK);
    ck_assert_double_eq(nb_tensor_item(value), 6.0);
    ck_assert_tensor_near(vj[0], ((double[]){1, 1, 1}), 3, 0);
    ck_assert_ptr_null(vj[1]);
    /* a constant function: zero jvp, zero Hessian */
    nb_tensor *jv = NULL;
    ck_assert_int_eq(nb_jvp(constant_fn, in, 2, NULL, (nb_tensor *[]){x, unused}, NULL, &jv), NB_OK);
    ck_assert_tensor_near(jv, ((double[]){0, 0}), 2, 0);
}
END_TEST

START_TEST(test_functional_errors)
{
    nb_tensor *A = nb_from_f64(A34, NB_SHAPE(3, 4));
    nb_tensor *x = nb_from_f64((double[]){0.5, -1, 2, 3}, NB_SHAPE(4, 1));
    nb_tensor *in[2] = {A, x};
    nb_tensor *vj[2], *jv;

    ck_assert_ptr_null(nb_jacobian(linear_fn, in, 2, NULL, 2));
    ck_assert_error(NB_ERR_ARG, "nb_jacobian: input_index 2 is out of range (fn has 2 inputs: 0..1)");
    ck_assert_ptr_null(nb_hessian(linear_fn, in, 2, NULL, -1));
    ck_assert_error(NB_ERR_ARG, "nb_hessian: input_index -1 is out of range");
    ck_assert_ptr_null(nb_hvp(linear_fn, in, 2, NULL, 5, x));
    ck_assert_error(NB_ERR_ARG, "nb_hvp: input_index 5 is out of range");

    ck_assert_ptr_null(nb_jacobian(NULL, in, 2, NULL, 0));
    ck_assert_error(NB_ERR_NULL, "nb_jacobian: fn is NULL");
    ck_assert_ptr_null(nb_hessian(linear_fn, NULL, 2, NULL, 0));
    ck_assert_error(NB_ERR_NULL, "nb_hessian: inputs is NULL");
    ck_assert_int_eq(nb_vjp(linear_fn, in, 2, NULL, NULL, NULL, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_vjp: vjp is NULL");
    ck_assert_int_eq(nb_jvp(linear_fn, in, 2, NULL, NULL, NULL, &jv), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_jvp: tangents is NULL");

    /* shapes */
    nb_tensor *v_bad = nb_ones(NB_F64, NB_SHAPE(1, 3));
    ck_assert_int_eq(nb_vjp(linear_fn, in, 2, NULL, v_bad, NULL, vj), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_vjp: v is 1x3 but fn's output is 3x1");
    ck_assert_ptr_null(vj[0]);
    ck_assert_int_eq(nb_vjp(linear_fn, in, 2, NULL, NULL, NULL, vj), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_vjp: fn's output is 3x1; pass v");
    nb_tensor *v_f32 = nb_ones(NB_F32, NB_SHAPE(3, 1));
    ck_assert_int_eq(nb_vjp(linear_fn, in, 2, NULL, v_f32, NULL, vj), NB_ERR_DTYPE);
    ck_assert_error(NB_ERR_DTYPE, "nb_vjp: v is f32 but fn's output is f64");
    ck_assert_int_eq(nb_jvp(linear_fn, in, 2, NULL, (nb_tensor *[]){NULL, v_bad}, NULL, &jv),
                     NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_jvp: tangents[1] is 1x3 but inputs[1] is 4x1");
    ck_assert_ptr_null(jv);
    ck_assert_ptr_null(nb_hvp(quadratic_fn, (nb_tensor *[]){x, nb_ones(NB_F64, NB_SHAPE(4, 4))}, 2,
                              NULL, 0, v_bad));
    ck_assert_error(NB_ERR_SHAPE, "nb_hvp: v is 1x3 but inputs[0] is 4x1");
    ck_assert_ptr_null(nb_hessian(linear_fn, in, 2, NULL, 1));
    ck_assert_error(NB_ERR_SHAPE, "nb_hessian: fn's output is 3x1; a Hessian needs a one-element output");

    /* fn's failure passes through, and inputs are unmarked afterwards */
    ck_assert_ptr_null(nb_jacobian(failing_fn, in, 2, NULL, 0));
    ck_assert_error(NB_ERR_SHAPE, "matmul");
    ck_assert(!nb_tensor_requires_grad(A) && !nb_tensor_requires_grad(x));
    nb_clear_error();
    ck_assert_int_eq(nb_vjp(silent_null_fn, in, 2, NULL, NULL, NULL, vj), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "nb_vjp: fn returned NULL without recording an error");

    /* no current arena for the results */
    nb_arena_use(NULL);
    ck_assert_ptr_null(nb_jacobian(linear_fn, in, 2, NULL, 1));
    ck_assert_error(NB_ERR_STATE, "nb_jacobian: no current arena");
    nb_arena_use(test_arena);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("verify");
    TCase *tc = nb_test_case("gradcheck");
    tcase_add_loop_test(tc, test_gradcheck_ops, 0, N_OP_CASES);
    tcase_add_loop_test(tc, test_gradgradcheck_ops, 0, N_OP_CASES);
    tcase_add_test(tc, test_gradcheck_restores_inputs);
    tcase_add_test(tc, test_gradcheck_constant_inputs);
    tcase_add_test(tc, test_gradcheck_catches_wrong_backward);
    tcase_add_test(tc, test_gradcheck_wrong_backward_in_composition);
    tcase_add_test(tc, test_gradcheck_errors);
    tcase_add_test(tc, test_gradcheck_f32_warning);
    tcase_add_test(tc, test_gradcheck_unused_inputs);
    suite_add_tcase(s, tc);
    TCase *tf = nb_test_case("functional");
    tcase_add_test(tf, test_jacobian_linear);
    tcase_add_test(tf, test_hessian_quadratic);
    tcase_add_test(tf, test_transforms_agree);
    tcase_add_test(tf, test_vjp_scalar_and_unused);
    tcase_add_test(tf, test_functional_errors);
    suite_add_tcase(s, tf);
    return nb_test_run(s);
}
