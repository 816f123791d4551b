/* Call sites: every node carries the file:line of the call that made it.
 * The macros of nabla/sites.h set the site for the duration of one call and
 * put the enclosing one back when it returns, so nested multi-line
 * expressions, calls made without a macro (through a function pointer),
 * calls that fail, and the node-recording functions of nn.h, verify.h,
 * custom_op.h and optim.h all get the right line or none, never a stale one.
 * Compiled as user code, so the macros are active. */
#include <stdio.h>

#include "test_util.h"

/* t's node was made at this file's line `line`. */
#define ck_assert_site(t, line)                                                              \
    do {                                                                                   \
        const nb_node *n_ = nb_tensor_node(t);                                             \
        ck_assert_msg(n_ != NULL, "no node: %s", nb_last_error());                         \
        ck_assert_msg(nb_node_file(n_) && strstr(nb_node_file(n_), "test_sites.c"),       \
                      "file is %s", nb_node_file(n_) ? nb_node_file(n_) : "(none)");      \
        ck_assert_int_eq(nb_node_line(n_), (line));                                        \
    } while (0)

/* t's node has no site (made outside any macro'd call). */
#define ck_assert_no_site(t)                                                                 \
    do {                                                                                   \
        const nb_node *n_ = nb_tensor_node(t);                                             \
        ck_assert_msg(n_ != NULL, "no node: %s", nb_last_error());                         \
        ck_assert_msg(nb_node_file(n_) == NULL, "stale site %s:%d", nb_node_file(n_),     \
                      nb_node_line(n_));                                                   \
        ck_assert_int_eq(nb_node_line(n_), 0);                                             \
    } while (0)

static nb_tensor *leaf(int ndim, const int64_t *shape, double first)
{
    nb_tensor *t = nb_zeros(NB_F64, ndim, shape);
    double *d = nb_tensor_data_f64(t);
    for (int64_t i = 0; i < nb_tensor_numel(t); i++)
        d[i] = first + 0.25 * (double)i;
    return nb_tensor_set_requires_grad(t, true);
}

/* Taking an op's address bypasses its macro: calls through these pointers
 * are "calls without a macro". */
static nb_tensor *(*const tanh_fn)(nb_tensor *) = nb_tanh;

/* A loss from nn.h (it had no macro): all its nodes carry its own line, not
 * the line of the op before it. */
START_TEST(test_loss_carries_its_own_line)
{
    nb_tensor *x = leaf(NB_SHAPE(2, 3), -0.5);
    nb_tensor *labels = nb_from_f64((const double[]){0, 2}, NB_SHAPE(2));
    int before = __LINE__ + 1;
    nb_tensor *logits = nb_tanh(x);
    int line = __LINE__ + 1;
    nb_tensor *loss = nb_cross_entropy_loss(logits, labels, NB_REDUCE_MEAN);
    ck_assert_site(logits, before);
    ck_assert_site(loss, line);

    const nb_node **nodes = NULL;
    int64_t count = 0;
    ck_assert_int_eq(nb_graph_nodes(&loss, 1, &nodes, &count), NB_OK);
    int own = 0;
    for (int64_t i = 0; i < count; i++)
        if (nb_node_id(nodes[i]) > nb_node_id(nb_tensor_node(logits))) {
            ck_assert_int_eq(nb_node_line(nodes[i]), line);
            own++;
        }
    ck_assert_int_ge(own, 1);
}
END_TEST

/* An expression over three lines and more: the inner macros must not leave
 * their line to the outer op.  A call spanning lines is placed at the line
 * of its name (GCC) or of its closing parenthesis (Clang): the layout gives
 * every call its own line either way. */
START_TEST(test_nested_multiline_expression)
{
    nb_tensor *a = leaf(NB_SHAPE(3), 0.5);
    nb_tensor *b = leaf(NB_SHAPE(3), -1.0);
    nb_tensor *c = leaf(NB_SHAPE(3), 0.25);
    int line = __LINE__ + 1;
    nb_tensor *y = nb_add(
        nb_mul(a, b),
        nb_tanh(c)
    );
    ck_assert_ptr_nonnull(y);
    const nb_node *add = nb_tensor_node(y);
    ck_assert_site(nb_node_input(add, 0), line + 1);
    ck_assert_site(nb_node_input(add, 1), line + 2);
    ck_assert_msg(nb_node_line(add) == line || nb_node_line(add) == line + 3,
                  "add made at line %d, expected %d or %d", nb_node_line(add), line, line + 3);

    line = __LINE__ + 1;
    nb_tensor *z = nb_sum(
        nb_square(
            nb_mul(a, c)
        )
    );
    ck_assert_ptr_nonnull(z);
    const nb_node *sum = nb_tensor_node(z);
    const nb_node *square = nb_tensor_node(nb_node_input(sum, 0));
    ck_assert_site(nb_node_input(square, 0), line + 2);
    ck_assert_msg(nb_node_line(square) == line + 1 || nb_node_line(square) == line + 3,
                  "square made at line %d", nb_node_line(square));
    ck_assert_msg(nb_node_line(sum) == line || nb_node_line(sum) == line + 4,
                  "sum made at line %d", nb_node_line(sum));
}
END_TEST

/* After a macro'd call, a call without a macro records no site (it used to
 * take the previous call's line). */
START_TEST(test_call_without_macro_has_no_site)
{
    nb_tensor *x = leaf(NB_SHAPE(2), 0.5);
    int line = __LINE__ + 1;
    nb_tensor *y = nb_tanh(x);
    nb_tensor *z = tanh_fn(y);
    ck_assert_site(y, line);
    ck_assert_no_site(z);
    /* a library function reached through a pointer, e.g. a loss given to a
     * training loop */
    nb_loss_fn mse = nb_mse_loss;
    ck_assert_no_site(mse(y, nb_from_f64((const double[]){1, 2}, NB_SHAPE(2)), NB_REDUCE_MEAN));
}
END_TEST

/* A failing call gives the site back like any other. */
START_TEST(test_site_restored_after_error)
{
    nb_tensor *x = leaf(NB_SHAPE(2), 0.5);
    nb_tensor *m = leaf(NB_SHAPE(2, 3), 1.0);
    ck_assert_ptr_null(nb_matmul(m, m));
    ck_assert_error(NB_ERR_SHAPE, "matmul");
    nb_clear_error();
    ck_assert_no_site(tanh_fn(x));

    /* the inner call fails: the outer one keeps the NULL (sticky) */
    ck_assert_ptr_null(nb_add(x, nb_matmul(m, m)));
    ck_assert_error(NB_ERR_SHAPE, "matmul");
    nb_clear_error();
    ck_assert_no_site(tanh_fn(x));

    /* the next macro'd call still gets its own line */
    int line = __LINE__ + 1;
    nb_tensor *y = nb_neg(x);
    ck_assert_site(y, line);
}
END_TEST

/* A user layer inside nb_model_forward: its ops carry their own lines, one
 * of them fails and the layer goes on; the built-in layer after it carries
 * the line of the forward call. */
typedef struct layer_spy {
    int line;
    bool inner_failed;
} layer_spy;

static nb_tensor *recovering_layer(nb_model *model, nb_tensor *x, void *ctx)
{
    (void)model;
    layer_spy *spy = ctx;
    spy->inner_failed = nb_matmul(x, x) == NULL; /* (2, 3) @ (2, 3) */
    nb_clear_error();
    spy->line = __LINE__ + 1;
    return nb_tanh(x);
}

START_TEST(test_model_forward_layers)
{
    nb_model *model = nb_model_new(&(nb_model_opts){.dtype = NB_F64, .seed = 3});
    layer_spy spy = {0, false};
    ck_assert_int_ge(nb_model_add_layer(model, "recovering", recovering_layer, &spy), 0);
    ck_assert_int_ge(nb_model_add_linear(model, 3, 2, NB_ACT_TANSIG, NB_INIT_DEFAULT), 0);
    nb_tensor *x = leaf(NB_SHAPE(2, 3), -0.5);
    int line = __LINE__ + 1;
    nb_tensor *y = nb_model_forward(model, x);
    ck_assert_ptr_nonnull(y);
    ck_assert(spy.inner_failed);

    const nb_node **nodes = NULL;
    int64_t count = 0;
    ck_assert_int_eq(nb_graph_nodes(&y, 1, &nodes, &count), NB_OK);
    int layer = 0, linear = 0;
    for (int64_t i = 0; i < count; i++) {
        ck_assert_ptr_nonnull(nb_node_file(nodes[i]));
        if (nb_node_line(nodes[i]) == spy.line)
            layer++;
        else if (nb_node_line(nodes[i]) == line)
            linear++;
        else
            ck_abort_msg("node '%s' made at line %d (layer %d, forward %d)",
                         nb_node_op_name(nodes[i]), nb_node_line(nodes[i]), spy.line, line);
    }
    ck_assert_int_eq(layer, 1);
    ck_assert_int_ge(linear, 2);
    nb_model_free(model);
}
END_TEST

/* Functions that return a status get their site too, and give it back. */
static nb_tensor *square_sum(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_sum(nb_square(in[0]));
}

START_TEST(test_status_functions_restore)
{
    nb_tensor *x = leaf(NB_SHAPE(3), 0.5);
    ck_assert_int_eq(nb_gradcheck(square_sum, &x, 1, NULL, NULL, NULL), NB_OK);
    ck_assert_no_site(tanh_fn(x));

    nb_tensor *v = NULL;
    ck_assert_int_eq(nb_vjp(square_sum, &x, 1, NULL, NULL, NULL, &v), NB_OK);
    ck_assert_no_site(tanh_fn(x));

    /* nodes recorded by a create-graph pass point at the forward op */
    int line = __LINE__ + 1;
    nb_tensor *t = nb_tanh(x);
    nb_tensor *s = nb_sum(t);
    nb_tensor *g = NULL;
    ck_assert_int_eq(nb_grad(&s, 1, &x, 1, NULL, NB_CREATE_GRAPH, &g), NB_OK);
    ck_assert_site(g, line);
    ck_assert_no_site(tanh_fn(x));
}
END_TEST

/* A loss given to nb_train by pointer runs inside nb_train: its nodes carry
 * the line of the nb_train call. */
static const char *spy_file;
static int spy_line = -1;

static nb_tensor *spy_loss(nb_tensor *pred, nb_tensor *target, nb_reduction red)
{
    nb_loss_fn mse = nb_mse_loss; /* no macro: the enclosing call's site */
    nb_tensor *l = mse(pred, target, red);
    if (nb_tensor_node(l)) {
        spy_file = nb_node_file(nb_tensor_node(l));
        spy_line = nb_node_line(nb_tensor_node(l));
    }
    return l;
}

START_TEST(test_train_site)
{
    nb_model *model = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL,
                                   &(nb_bpnet_opts){.dtype = NB_F64, .seed = 5});
    nb_optim *opt = nb_sgd_new(model, NULL);
    nb_tensor *x = nb_from_f64((const double[]){0, 0, 0, 1, 1, 0, 1, 1}, NB_SHAPE(4, 2));
    nb_tensor *y = nb_from_f64((const double[]){0, 1, 1, 0}, NB_SHAPE(4, 1));
    nb_tanh(leaf(NB_SHAPE(1), 0.0)); /* a site that must not leak into training */
    nb_train_data data = {.x = x, .y = y};
    nb_train_opts opts = {.epochs = 1, .verbose = -1, .classification = -1};
    int line = __LINE__ + 1;
    ck_assert_int_eq(nb_train(model, opt, spy_loss, &data, &opts, NULL), NB_OK);
    ck_assert_ptr_nonnull(spy_file);
    ck_assert_msg(strstr(spy_file, "test_sites.c") != NULL, "%s", spy_file);
    ck_assert_int_eq(spy_line, line);
    nb_optim_free(opt);
    nb_model_free(model);
}
END_TEST

/* A custom op's node carries the line of the apply, whatever its forward
 * (user code, with macros) did. */
static nb_tensor *cube_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n;
    (void)save;
    (void)user;
    return nb_mul(in[0], nb_square(in[0]));
}

static int cube_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n, nb_tensor *out,
                    nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved;
    (void)n;
    (void)out;
    (void)user;
    gin[0] = nb_mul(g, nb_mul_scalar(nb_square(in[0]), 3.0));
    return 0;
}

START_TEST(test_custom_op_site)
{
    nb_op_registry *reg = nb_op_registry_new();
    const nb_custom_op *cube = nb_custom_op_define(
        reg, &(nb_custom_op_def){.name = "cube", .n_inputs = 1, .forward = cube_fwd,
                                 .backward = cube_bwd});
    nb_tensor *x = leaf(NB_SHAPE(2), 0.5);
    int line = __LINE__ + 1;
    nb_tensor *y = nb_custom_op_apply(cube, &x, 1);
    ck_assert_site(y, line);
    line = __LINE__ + 1;
    nb_tensor *z = nb_custom_call(reg, "cube", &y, 1);
    ck_assert_site(z, line);
    ck_assert_no_site(tanh_fn(z));
    nb_op_registry_free(reg);
}
END_TEST

/* Past NB_SITE_MAX_DEPTH nested calls a site is the right one or none: the
 * innermost call keeps its own, an outer one past the bound loses it once an
 * inner call has returned, and every call within the bound keeps its own. */
START_TEST(test_depth_bound)
{
    nb_tensor *x = leaf(NB_SHAPE(2), 0.5);
    const int deep = NB_SITE_MAX_DEPTH + 3;
    for (int k = 1; k <= deep; k++)
        nb_site_enter("deep.c", k);
    nb_tensor *y = tanh_fn(x);
    ck_assert_str_eq(nb_node_file(nb_tensor_node(y)), "deep.c");
    ck_assert_int_eq(nb_node_line(nb_tensor_node(y)), deep);
    for (int k = deep - 1; k >= 0; k--) {
        ck_assert_ptr_eq(nb_site_leave_tensor(y), y); /* back in call k */
        const nb_node *n = nb_tensor_node(tanh_fn(x));
        if (k > NB_SITE_MAX_DEPTH || k == 0) {
            ck_assert_msg(nb_node_file(n) == NULL, "depth %d: site %s:%d", k, nb_node_file(n),
                          nb_node_line(n));
        } else {
            ck_assert_str_eq(nb_node_file(n), "deep.c");
            ck_assert_int_eq(nb_node_line(n), k);
        }
    }
    /* a leave without an enter changes nothing */
    ck_assert_int_eq(nb_site_leave_int(-7), -7);
    ck_assert_no_site(tanh_fn(x));
    int line = __LINE__ + 1;
    ck_assert_site(nb_tanh(x), line);
    ck_assert_no_site(tanh_fn(x));
}
END_TEST

/* nb_set_call_site names the current call's site: inside a macro'd call it
 * lasts until that call returns; outside any, until it is set again. */
static nb_tensor *set_site_layer(nb_model *model, nb_tensor *x, void *ctx)
{
    (void)model;
    (void)ctx;
    nb_set_call_site("layer.c", 7); /* the site of nb_model_forward's call */
    return nb_tanh(x);
}

START_TEST(test_set_call_site)
{
    nb_tensor *x = leaf(NB_SHAPE(1, 2), 0.5);
    nb_model *model = nb_model_new(&(nb_model_opts){.dtype = NB_F64});
    ck_assert_int_ge(nb_model_add_layer(model, "set", set_site_layer, NULL), 0);
    ck_assert_int_ge(nb_model_add_activation(model, NB_ACT_SQUARE), 0);
    nb_tensor *y = nb_model_forward(model, x);
    ck_assert_str_eq(nb_node_file(nb_tensor_node(y)), "layer.c"); /* the square after the layer */
    ck_assert_int_eq(nb_node_line(nb_tensor_node(y)), 7);
    ck_assert_no_site(tanh_fn(x)); /* gone with the forward call */
    nb_model_free(model);

    nb_set_call_site("tool.c", 3);
    nb_tensor *a = tanh_fn(x), *b = tanh_fn(a);
    ck_assert_str_eq(nb_node_file(nb_tensor_node(b)), "tool.c");
    int line = __LINE__ + 1;
    ck_assert_site(nb_neg(b), line);
    ck_assert_int_eq(nb_node_line(nb_tensor_node(tanh_fn(x))), 3);
    nb_set_call_site(NULL, 0);
    ck_assert_no_site(tanh_fn(x));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sites");
    TCase *tc = nb_test_case("sites");
    tcase_add_test(tc, test_loss_carries_its_own_line);
    tcase_add_test(tc, test_nested_multiline_expression);
    tcase_add_test(tc, test_call_without_macro_has_no_site);
    tcase_add_test(tc, test_site_restored_after_error);
    tcase_add_test(tc, test_model_forward_layers);
    tcase_add_test(tc, test_status_functions_restore);
    tcase_add_test(tc, test_train_site);
    tcase_add_test(tc, test_custom_op_site);
    tcase_add_test(tc, test_depth_bound);
    tcase_add_test(tc, test_set_call_site);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
