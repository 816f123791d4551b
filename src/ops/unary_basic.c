/* The unary maps the engine's own formulas need: neg, square, tanh, and the
 * scalar forms x + c, x * c.  Each backward is written with nabla ops. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/elementwise.h"
#include "kernels/unary.h"
#include "nabla/ops.h"
#include "ops/op_util.h"

/* params: i[0] = nb_unary_kind, f[0], f[1] = its scalars */
static int nb_unary_forward(nb_tensor *out, nb_tensor *const *in, int n_in, const nb_op_params *p)
{
    (void)n_in;
    nb_unary_kind kind = (nb_unary_kind)p->i[0];
    if (out->dtype == NB_F32)
        nb_k_unary_f32(kind, out->numel, in[0]->data, out->data, p->f[0], p->f[1]);
    else
        nb_k_unary_f64(kind, out->numel, in[0]->data, out->data, p->f[0], p->f[1]);
    return 0;
}

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
    gi[0] = nb_mul_scalar(g, node->params.f[0]);
    return 0;
}

static const nb_op nb_op_neg = {"neg", nb_unary_forward, nb_neg_backward, 0, 0};
static const nb_op nb_op_square = {"square", nb_unary_forward, nb_square_backward, NB_SAVES_INPUT(0), 0};
static const nb_op nb_op_tanh = {"tanh", nb_unary_forward, nb_tanh_backward, NB_SAVES_OUTPUT, 0};
static const nb_op nb_op_add_scalar = {"add_scalar", nb_unary_forward, nb_add_scalar_backward, 0, 0};
static const nb_op nb_op_mul_scalar = {"mul_scalar", nb_unary_forward, nb_mul_scalar_backward, 0, 0};

static nb_tensor *nb_unary(const nb_op *op, nb_unary_kind kind, nb_tensor *x, double c)
{
    if (nb__check_op_inputs(op->name, &x, 1) < 0)
        return NULL;
    nb_op_params p = {.i = {kind}, .f = {c}};
    return nb__op_apply(op, &x, 1, &p, x->dtype, x->ndim, x->shape);
}

nb_tensor *nb_neg(nb_tensor *x) { return nb_unary(&nb_op_neg, NB_UN_NEG, x, 0); }
nb_tensor *nb_square(nb_tensor *x) { return nb_unary(&nb_op_square, NB_UN_SQUARE, x, 0); }
nb_tensor *nb_tanh(nb_tensor *x) { return nb_unary(&nb_op_tanh, NB_UN_TANH, x, 0); }
nb_tensor *nb_add_scalar(nb_tensor *x, double c) { return nb_unary(&nb_op_add_scalar, NB_UN_ADD_SCALAR, x, c); }
nb_tensor *nb_mul_scalar(nb_tensor *x, double c) { return nb_unary(&nb_op_mul_scalar, NB_UN_MUL_SCALAR, x, c); }
