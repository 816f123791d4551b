/* pow, maximum, minimum with NumPy broadcasting.  Backward reduces each
 * gradient to its input's shape with nb_sum_to; kinks (ties) use constant
 * comparison masks. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/elementwise.h"
#include "nabla/ops.h"
#include "ops/op_util.h"

/* params: i[0] = nb_binary_kind */
static int nb_binary_extra_forward(nb_tensor *out, nb_tensor *const *in, int n_in,
                                   const nb_op_params *p)
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

/* g (of the output's shape) summed to input k's shape. */
static nb_tensor *nb_to_input(const struct nb_node *node, int k, nb_tensor *g)
{
    const nb_tensor *x = node->inputs[k];
    if (!g || nb_same_shape(g, x))
        return g;
    return nb_sum_to(g, x->ndim, x->shape);
}

/* d a^b / da = b a^(b-1);  d a^b / db = a^b log a.  log a is taken of
 * a + [a == 0], a constant shift that is 0 except where a == 0: there the
 * gradient for b becomes a^b * 0 = 0 (its limit for b > 0) instead of
 * 0 * -inf = NaN. */
static int nb_pow_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *a = node->inputs[0], *b = node->inputs[1];
    if (nb__needs_grad(node, 0))
        gi[0] = nb_to_input(node, 0, nb_mul(g, nb_mul(b, nb_pow(a, nb_add_scalar(b, -1.0)))));
    if (nb__needs_grad(node, 1)) {
        nb_tensor *zero = nb_scalar(a->dtype, 0.0);
        nb_tensor *safe_a = nb_add(a, nb_equal(a, zero));
        gi[1] = nb_to_input(node, 1, nb_mul(g, nb_mul(node->output, nb_log(safe_a))));
    }
    return 0;
}

/* The gradient goes to a where mask_a is 1 and to b elsewhere; the masks
 * for a and b are complementary, so ties send everything to a. */
static int nb_select_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi,
                              nb_tensor *mask_a, nb_tensor *mask_b)
{
    if (nb__needs_grad(node, 0))
        gi[0] = nb_to_input(node, 0, nb_mul(g, mask_a));
    if (nb__needs_grad(node, 1))
        gi[1] = nb_to_input(node, 1, nb_mul(g, mask_b));
    return 0;
}

static int nb_maximum_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *a = node->inputs[0], *b = node->inputs[1];
    return nb_select_backward(node, g, gi, nb_greater_equal(a, b), nb_less(a, b));
}

static int nb_minimum_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *a = node->inputs[0], *b = node->inputs[1];
    return nb_select_backward(node, g, gi, nb_less_equal(a, b), nb_greater(a, b));
}

static const nb_op nb_op_pow = {"pow", nb_binary_extra_forward, nb_pow_backward,
                                NB_SAVES_ALL_INPUTS | NB_SAVES_OUTPUT, 0};
static const nb_op nb_op_maximum = {"maximum", nb_binary_extra_forward, nb_maximum_backward,
                                    NB_SAVES_ALL_INPUTS, 0};
static const nb_op nb_op_minimum = {"minimum", nb_binary_extra_forward, nb_minimum_backward,
                                    NB_SAVES_ALL_INPUTS, 0};

static nb_tensor *nb_binary_extra(const nb_op *op, nb_binary_kind kind, nb_tensor *a, nb_tensor *b)
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

nb_tensor *nb_pow(nb_tensor *a, nb_tensor *b) { return nb_binary_extra(&nb_op_pow, NB_BIN_POW, a, b); }
nb_tensor *nb_maximum(nb_tensor *a, nb_tensor *b)
{
    return nb_binary_extra(&nb_op_maximum, NB_BIN_MAX, a, b);
}
nb_tensor *nb_minimum(nb_tensor *a, nb_tensor *b)
{
    return nb_binary_extra(&nb_op_minimum, NB_BIN_MIN, a, b);
}
