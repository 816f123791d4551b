/* log-sum-exp over all elements or one axis, stable (m + log sum exp(x - m)
 * with m the max).  d lse / dx = softmax(x) along the reduced elements. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/reduce.h"
#include "ops/op_util.h"
#include "ops/reduce_util.h"

static int nb_lse_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                          const void *params)
{
    (void)op, (void)n_in;
    const nb_axis_params *p = params;
    nb__axis_reduce(in[0], p->axis, out, nb_k_logsumexp_axis_f32, nb_k_logsumexp_axis_f64);
    return 0;
}

static int nb_lse_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_axis_params *p = nb__node_params(node);
    nb_tensor *x = node->inputs[0];
    int axis = p->axis;
    nb_tensor *s;
    if (axis >= 0) {
        s = nb_softmax(x, axis);
    } else { /* softmax over every element: flatten, then restore the shape */
        int64_t n = x->numel;
        s = nb_reshape(nb_softmax(nb_reshape(x, 1, &n), 0), x->ndim, x->shape);
    }
    gi[0] = nb_mul(nb__grad_keepdim(g, x, axis, p->keepdim), s);
    return 0;
}

static const nb_op nb_op_logsumexp = {
    .name = "logsumexp",
    .forward = nb_lse_forward,
    .backward = nb_lse_backward,
    .saved = NB_SAVES_INPUT(0),
    .params_size = NB_PARAMS(nb_axis_params),
};

nb_tensor *nb_logsumexp(nb_tensor *x)
{
    return nb__reduce_all(&nb_op_logsumexp, x);
}

nb_tensor *nb_logsumexp_axis(nb_tensor *x, int axis, bool keepdim)
{
    return nb__reduce_axis(&nb_op_logsumexp, "logsumexp_axis", x, axis, keepdim);
}
