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
    if (nb__check_op_inputs("sum", &x, 1) < 0)
        return NULL;
    nb_axis_params p = {.axis = -1, .keepdim = false};
    return nb__op_apply(&nb_op_sum, &x, 1, &p, x->dtype, 0, NULL);
}

nb_tensor *nb_sum_axis(nb_tensor *x, int axis, bool keepdim)
{
    nb_axis_params p;
    if (nb__axis_params("sum_axis", x, axis, keepdim, &p) < 0)
        return NULL;
    int64_t shape[NB_MAX_DIMS];
    int ndim = nb__reduced_shape(x, p.axis, keepdim, shape);
    return nb__op_apply(&nb_op_sum, &x, 1, &p, x->dtype, ndim, shape);
}
