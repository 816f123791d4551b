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
    return nb_requires_grad_(t, true);
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
        cols += nb_numel(in[i]);
    ck_assert_int_eq(r.checked, nb_numel(y) * cols);
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
        cols += nb_numel(in[i]);
    ck_assert_int_eq(r.checked, cols * cols);
    rc = nb_gradgradcheck(case_fn, in, oc->n_inputs, (void *)&oc->ctx,
                          &(nb_gradcheck_opts){.fast = true, .seed = 4}, &r);
    ck_assert_msg(rc == NB_OK && r.passed, "%s (fast): %s", oc->name, r.message);
}
END_TEST

/* Inputs come back bit-for-bit, with their version counters bumped. */
START_TEST(test_gradcheck_restores_inputs)
{
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    nb_tensor *a = leaf(&rng, NB_SHAPE(2, 3), -1, 1), *b = leaf(&rng, NB_SHAPE(3), -1, 1);
    nb_tensor *ca = nb_tensor_clone(a), *cb = nb_tensor_clone(b);
    uint64_t va = nb_tensor_version(a);
    case_ctx c = {.kind = F_POLY};
    nb_tensor *in[2] = {a, b};
    ck_assert_int_eq(nb_gradcheck(case_fn, in, 2, &c, NULL, NULL), NB_OK);
    ck_assert_int_eq(memcmp(nb_data_f64(a), nb_data_f64(ca), 6 * sizeof(double)), 0);
    ck_assert_int_eq(memcmp(nb_data_f64(b), nb_data_f64(cb), 3 * sizeof(double)), 0);
    ck_assert(nb_tensor_version(a) > va);
    ck_assert_int_eq(nb_gradgradcheck(case_fn, in, 2, &c, NULL, NULL), NB_OK);
    ck_assert_int_eq(memcmp(nb_data_f64(a), nb_data_f64(ca), 6 * sizeof(double)), 0);
    ck_assert_int_eq(nb_gradcheck(case_fn, in, 2, &c, &(nb_gradcheck_opts){.fast = true}, NULL),
                     NB_OK);
    ck_assert_int_eq(memcmp(nb_data_f64(b), nb_data_f64(cb), 3 * sizeof(double)), 0);
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

static int bad_square_forward(nb_tensor *out, nb_tensor *const *in, int n_in, const nb_op_params *p)
{
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

static const nb_op bad_square_op = {"bad_square", bad_square_forward, bad_square_backward,
                                    NB_SAVES_INPUT(0), 0};

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
    double x3 = nb_get(x, 3);
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
    ck_assert_double_eq_tol(r.analytic, 3.0 * nb_get(in[0], 3) * nb_get(in[1], 3), 1e-12);

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
    double v = r.analytic / (3.0 * nb_get(in[0], 3)); /* the random cotangent */
    ck_assert_double_eq_tol(r.numeric, 2.0 * nb_get(in[0], 3) * v, 1e-6);
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
    nb_tensor *stale = nb_requires_grad_(nb_ones(NB_F64, NB_SHAPE(2)), true);
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
    nb_tensor *x = nb_requires_grad_(nb_rand_uniform(&rng, NB_F32, NB_SHAPE(3), -1, 1), true);
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
    return nb_test_run(s);
}
