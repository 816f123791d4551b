/* The unary maps the engine's own formulas need: neg, square, tanh, and the
 * scalar forms x + c, x * c.  Each op is its loops (one row of NB_MAPS), its
 * backward written with nabla ops, and its descriptor. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/tanh.h"
#include "nabla/ops.h"
#include "ops/elementwise_op.h"

/* add_scalar and mul_scalar: x + c and x * c */
typedef struct nb_scalar_params {
    double c;
} nb_scalar_params;

#define NB_MAPS(X)                                                                           \
    X(neg, nb_no_params, -x)                                                                 \
    X(square, nb_no_params, x * x)                                                           \
    X(add_scalar, nb_scalar_params, x + (T)p->c)                                             \
    X(mul_scalar, nb_scalar_params, x * (T)p->c)
#include "kernels/elementwise_loops.h"

static int nb_neg_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    (void)node;
    gi[0] = nb_neg(g);
    return 0;
}

/* d(x²)/dx = 2x */
static int nb_square_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = nb_mul(g, nb_mul_scalar(node->inputs[0], 2.0));
    return 0;
}

/* d(tanh x)/dx = 1 - tanh² x, from the saved output y.  The op-composed
 * formula is the reference and is what a create-graph pass records; a plain
 * first-order pass (nothing recorded) takes the fused loop, one pass over
 * memory instead of four (it shows in the BP-network benchmarks, where every
 * hidden layer is a tanh).  tests/test_autograd.c checks they agree. */
static int nb_tanh_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *y = node->output;
    if (nb_grad_enabled()) {
        gi[0] = nb_mul(g, nb_add_scalar(nb_neg(nb_square(y)), 1.0));
        return 0;
    }
    nb_tensor *out = nb__tensor_empty(y->dtype, y->ndim, y->shape, "tanh (backward)");
    if (!out)
        return nb_last_status();
    if (y->dtype == NB_F32)
        nb_k_tanh_grad_f32(y->numel, g->data, y->data, out->data);
    else
        nb_k_tanh_grad_f64(y->numel, g->data, y->data, out->data);
    gi[0] = out;
    return 0;
}

static int nb_add_scalar_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    (void)node;
    gi[0] = g;
    return 0;
}

static int nb_mul_scalar_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_scalar_params *p = nb__node_params(node);
    gi[0] = nb_mul_scalar(g, p->c);
    return 0;
}

static const nb_op nb_op_neg = {
    .name = "neg",
    .forward = nb__unary_forward,
    .backward = nb_neg_backward,
    .map = {nb_neg_map_f32, nb_neg_map_f64},
};

static const nb_op nb_op_square = {
    .name = "square",
    .forward = nb__unary_forward,
    .backward = nb_square_backward,
    .saved = NB_SAVES_INPUT(0),
    .map = {nb_square_map_f32, nb_square_map_f64},
};

/* tanh's loops are kernels of their own (kernels/tanh.c: a vectorised f32
 * tanh picked by CPU), not a row above. */
static const nb_op nb_op_tanh = {
    .name = "tanh",
    .forward = nb__unary_forward,
    .backward = nb_tanh_backward,
    .saved = NB_SAVES_OUTPUT,
    .map = {nb_k_tanh_f32, nb_k_tanh_f64},
};

static const nb_op nb_op_add_scalar = {
    .name = "add_scalar",
    .forward = nb__unary_forward,
    .backward = nb_add_scalar_backward,
    .params_size = NB_PARAMS(nb_scalar_params),
    .map = {nb_add_scalar_map_f32, nb_add_scalar_map_f64},
};

static const nb_op nb_op_mul_scalar = {
    .name = "mul_scalar",
    .forward = nb__unary_forward,
    .backward = nb_mul_scalar_backward,
    .params_size = NB_PARAMS(nb_scalar_params),
    .map = {nb_mul_scalar_map_f32, nb_mul_scalar_map_f64},
};

nb_tensor *nb_neg(nb_tensor *x) { return nb__unary_apply(&nb_op_neg, x, NULL); }
nb_tensor *nb_square(nb_tensor *x) { return nb__unary_apply(&nb_op_square, x, NULL); }
nb_tensor *nb_tanh(nb_tensor *x) { return nb__unary_apply(&nb_op_tanh, x, NULL); }

nb_tensor *nb_add_scalar(nb_tensor *x, double c)
{
    return nb__unary_apply(&nb_op_add_scalar, x, &(nb_scalar_params){.c = c});
}

nb_tensor *nb_mul_scalar(nb_tensor *x, double c)
{
    return nb__unary_apply(&nb_op_mul_scalar, x, &(nb_scalar_params){.c = c});
}
