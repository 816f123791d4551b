/* Sums over all elements or one axis; backward broadcasts the gradient back. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/reduce.h"
#include "ops/reduce_util.h"

static int nb_sum_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                          const void *params)
{
    (void)op, (void)n_in;
    const nb_axis_params *p = params;
    nb__axis_reduce(in[0], p->axis, out, nb_k_sum_axis_f32, nb_k_sum_axis_f64);
    return 0;
}

/* d sum / dx = 1 for every reduced element */
static int nb_sum_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_axis_params *p = nb__node_params(node);
    const nb_tensor *x = node->inputs[0];
    gi[0] = nb_broadcast_to(nb__grad_keepdim(g, x, p->axis, p->keepdim), x->ndim, x->shape);
    return 0;
}

static const nb_op nb_op_sum = {
    .name = "sum",
    .forward = nb_sum_forward,
    .backward = nb_sum_backward,
    .params_size = NB_PARAMS(nb_axis_params),
};

nb_tensor *nb_sum(nb_tensor *x)
{
    return nb__reduce_all(&nb_op_sum, x);
}

nb_tensor *nb_sum_axis(nb_tensor *x, int axis, bool keepdim)
{
    return nb__reduce_axis(&nb_op_sum, "sum_axis", x, axis, keepdim);
}
