/* add, sub, mul, div with NumPy broadcasting.  Each backward reduces the
 * gradient to its input's shape with nb_sum_to. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/elementwise.h"
#include "nabla/ops.h"
#include "ops/binary_common.h"
#include "ops/op_util.h"

int nb__binary_forward(nb_tensor *out, nb_tensor *const *in, int n_in, const nb_op_params *p)
{
    (void)n_in;
    int64_t sa[NB_MAX_DIMS], sb[NB_MAX_DIMS];
    nb_k_broadcast_strides(in[0]->ndim, in[0]->shape, out->ndim, out->shape, sa);
    nb_k_broadcast_strides(in[1]->ndim, in[1]->shape, out->ndim, out->shape, sb);
    nb_binary_kind kind = (nb_binary_kind)p->i[0];
    if (out->dtype == NB_F32)
        nb_k_binary_f32(kind, out->ndim, out->shape, in[0]->data, sa, in[1]->data, sb, out->data);
    else
        nb_k_binary_f64(kind, out->ndim, out->shape, in[0]->data, sa, in[1]->data, sb, out->data);
    return 0;
}

nb_tensor *nb__grad_to_input(const struct nb_node *node, int k, nb_tensor *g)
{
    const nb_tensor *x = node->inputs[k];
    if (!g || nb_same_shape(g, x))
        return g;
    return nb_sum_to(g, x->ndim, x->shape);
}

static int nb_add_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    if (nb__needs_grad(node, 0))
        gi[0] = nb__grad_to_input(node, 0, g);
    if (nb__needs_grad(node, 1))
        gi[1] = nb__grad_to_input(node, 1, g);
    return 0;
}

static int nb_sub_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    if (nb__needs_grad(node, 0))
        gi[0] = nb__grad_to_input(node, 0, g);
    if (nb__needs_grad(node, 1))
        gi[1] = nb__grad_to_input(node, 1, nb_neg(g));
    return 0;
}

/* d(ab)/da = b, d(ab)/db = a */
static int nb_mul_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *a = node->inputs[0], *b = node->inputs[1];
    if (nb__needs_grad(node, 0))
        gi[0] = nb__grad_to_input(node, 0, nb_mul(g, b));
    if (nb__needs_grad(node, 1))
        gi[1] = nb__grad_to_input(node, 1, nb_mul(g, a));
    return 0;
}

/* d(a/b)/da = 1/b, d(a/b)/db = -a/b² */
static int nb_div_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *a = node->inputs[0], *b = node->inputs[1];
    if (nb__needs_grad(node, 0))
        gi[0] = nb__grad_to_input(node, 0, nb_div(g, b));
    if (nb__needs_grad(node, 1))
        gi[1] = nb__grad_to_input(node, 1, nb_neg(nb_div(nb_mul(g, a), nb_square(b))));
    return 0;
}

static const nb_op nb_op_add = {"add", nb__binary_forward, nb_add_backward, 0, 0};
static const nb_op nb_op_sub = {"sub", nb__binary_forward, nb_sub_backward, 0, 0};
static const nb_op nb_op_mul = {"mul", nb__binary_forward, nb_mul_backward, NB_SAVES_ALL_INPUTS, 0};
static const nb_op nb_op_div = {"div", nb__binary_forward, nb_div_backward, NB_SAVES_ALL_INPUTS, 0};

nb_tensor *nb__binary_apply(const nb_op *op, nb_binary_kind kind, nb_tensor *a, nb_tensor *b)
{
    nb_tensor *in[2] = {a, b};
    if (nb__check_op_inputs(op->name, in, 2) < 0)
        return NULL;
    int ndim;
    int64_t shape[NB_MAX_DIMS];
    if (nb__broadcast_shapes(op->name, a->ndim, a->shape, b->ndim, b->shape, &ndim, shape) < 0)
        return NULL;
    nb_op_params p = {.i = {kind}};
    return nb__op_apply(op, in, 2, &p, a->dtype, ndim, shape);
}

nb_tensor *nb_add(nb_tensor *a, nb_tensor *b) { return nb__binary_apply(&nb_op_add, NB_BIN_ADD, a, b); }
nb_tensor *nb_sub(nb_tensor *a, nb_tensor *b) { return nb__binary_apply(&nb_op_sub, NB_BIN_SUB, a, b); }
nb_tensor *nb_mul(nb_tensor *a, nb_tensor *b) { return nb__binary_apply(&nb_op_mul, NB_BIN_MUL, a, b); }
nb_tensor *nb_div(nb_tensor *a, nb_tensor *b) { return nb__binary_apply(&nb_op_div, NB_BIN_DIV, a, b); }
