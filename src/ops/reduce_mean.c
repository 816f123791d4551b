/* Means over all elements or one axis: the sum kernel scaled by 1/n; the
 * gradient is g/n spread evenly over the reduced elements. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/reduce.h"
#include "ops/reduce_util.h"

static int nb_mean_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                           const void *params)
{
    (void)op, (void)n_in;
    const nb_axis_params *p = params;
    int64_t n = nb__axis_reduce(in[0], p->axis, out, nb_k_sum_axis_f32, nb_k_sum_axis_f64);
    /* n == 0 gives 0 * (1/0) = NaN, the mean of nothing */
    double scale = 1.0 / (double)n;
    if (out->dtype == NB_F32) {
        float *o = out->data;
        for (int64_t i = 0; i < out->numel; i++)
            o[i] = (float)(o[i] * scale);
    } else {
        double *o = out->data;
        for (int64_t i = 0; i < out->numel; i++)
            o[i] *= scale;
    }
    return 0;
}

/* d mean / dx = 1/n for every reduced element */
static int nb_mean_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_axis_params *p = nb__node_params(node);
    const nb_tensor *x = node->inputs[0];
    int64_t outer, n, inner;
    nb__axis_view(x, p->axis, &outer, &n, &inner);
    g = nb__grad_keepdim(g, x, p->axis, p->keepdim);
    gi[0] = nb_broadcast_to(nb_mul_scalar(g, 1.0 / (double)n), x->ndim, x->shape);
    return 0;
}

static const nb_op nb_op_mean = {
    .name = "mean",
    .forward = nb_mean_forward,
    .backward = nb_mean_backward,
    .params_size = NB_PARAMS(nb_axis_params),
};

nb_tensor *nb_mean(nb_tensor *x)
{
    return nb__reduce_all(&nb_op_mean, x);
}

nb_tensor *nb_mean_axis(nb_tensor *x, int axis, bool keepdim)
{
    return nb__reduce_axis(&nb_op_mean, "mean_axis", x, axis, keepdim);
}
