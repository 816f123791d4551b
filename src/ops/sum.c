/* Sums over all elements or one axis; backward broadcasts the gradient back. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/elementwise.h"
#include "nabla/ops.h"
#include "ops/op_util.h"

/* params: i[0] = axis (-1 for all), i[1] = keepdim */
static int nb_sum_forward(nb_tensor *out, nb_tensor *const *in, int n_in, const nb_op_params *p)
{
    (void)n_in;
    const nb_tensor *x = in[0];
    int64_t outer = 1, n = x->numel, inner = 1;
    if (p->i[0] >= 0) {
        int axis = (int)p->i[0];
        outer = inner = 1;
        for (int d = 0; d < axis; d++)
            outer *= x->shape[d];
        for (int d = axis + 1; d < x->ndim; d++)
            inner *= x->shape[d];
        n = x->shape[axis];
    }
    if (x->dtype == NB_F32)
        nb_k_sum_axis_f32(outer, n, inner, x->data, out->data);
    else
        nb_k_sum_axis_f64(outer, n, inner, x->data, out->data);
    return 0;
}

static int nb_sum_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_tensor *x = node->inputs[0];
    int axis = (int)node->params.i[0];
    if (axis >= 0 && !node->params.i[1]) {
        /* put the reduced axis back as size 1 so that broadcasting lines up */
        int64_t shape[NB_MAX_DIMS];
        for (int d = 0; d < x->ndim; d++)
            shape[d] = d == axis ? 1 : x->shape[d];
        g = nb_reshape(g, x->ndim, shape); /* same elements, axis restored */
    }
    gi[0] = nb_broadcast_to(g, x->ndim, x->shape);
    return 0;
}

static const nb_op nb_op_sum = {"sum", nb_sum_forward, nb_sum_backward, 0, 0};

nb_tensor *nb_sum(nb_tensor *x)
{
    if (nb__check_op_inputs("sum", &x, 1) < 0)
        return NULL;
    nb_op_params p = {.i = {-1, 0}};
    return nb__op_apply(&nb_op_sum, &x, 1, &p, x->dtype, 0, NULL);
}

nb_tensor *nb_sum_axis(nb_tensor *x, int axis, bool keepdim)
{
    int a;
    if (nb__check_op_inputs("sum_axis", &x, 1) < 0 || nb__norm_axis("sum_axis", axis, x->ndim, &a) < 0)
        return NULL;
    int64_t shape[NB_MAX_DIMS];
    int ndim = 0;
    for (int d = 0; d < x->ndim; d++) {
        if (d == a && !keepdim)
            continue;
        shape[ndim++] = d == a ? 1 : x->shape[d];
    }
    nb_op_params p = {.i = {a, keepdim}};
    nb_tensor *out = nb__op_apply(&nb_op_sum, &x, 1, &p, x->dtype, ndim, shape);
    return out;
}
