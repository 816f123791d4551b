/* softmax and log_softmax along an axis, stable (the max is subtracted
 * before exp).  Backward, with y the output and s = softmax(x):
 *   softmax:      dx = y * (g - sum(g * y))
 *   log_softmax:  dx = g - s * sum(g)
 * (sums along the axis, kept as size 1 so they broadcast).  log_softmax uses
 * s = softmax(x) where the textbook writes exp(y): the same values, and it
 * keeps this file on the ops of the core set. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/reduce.h"
#include "ops/op_util.h"
#include "ops/reduce_util.h"

typedef struct nb_softmax_params {
    int axis; /* normalised */
    bool log; /* log_softmax */
} nb_softmax_params;

static int nb_softmax_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                              const void *params)
{
    (void)op, (void)n_in;
    const nb_softmax_params *p = params;
    int64_t outer, n, inner;
    nb__axis_view(in[0], p->axis, &outer, &n, &inner);
    if (out->dtype == NB_F32)
        nb_k_softmax_axis_f32(p->log, outer, n, inner, in[0]->data, out->data);
    else
        nb_k_softmax_axis_f64(p->log, outer, n, inner, in[0]->data, out->data);
    return 0;
}

static int nb_softmax_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    int axis = ((const nb_softmax_params *)nb__node_params(node))->axis;
    nb_tensor *y = node->output;
    gi[0] = nb_mul(y, nb_sub(g, nb_sum_axis(nb_mul(g, y), axis, true)));
    return 0;
}

static int nb_log_softmax_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    int axis = ((const nb_softmax_params *)nb__node_params(node))->axis;
    nb_tensor *s = nb_softmax(node->inputs[0], axis);
    gi[0] = nb_sub(g, nb_mul(s, nb_sum_axis(g, axis, true)));
    return 0;
}

static const nb_op nb_op_softmax = {
    .name = "softmax",
    .forward = nb_softmax_forward,
    .backward = nb_softmax_backward,
    .saved = NB_SAVES_OUTPUT,
    .params_size = NB_PARAMS(nb_softmax_params),
};

static const nb_op nb_op_log_softmax = {
    .name = "log_softmax",
    .forward = nb_softmax_forward,
    .backward = nb_log_softmax_backward,
    .saved = NB_SAVES_INPUT(0),
    .params_size = NB_PARAMS(nb_softmax_params),
};

static nb_tensor *nb_softmax_op(const nb_op *op, nb_tensor *x, int axis, bool log)
{
    int a;
    if (nb__check_op_inputs(op->name, &x, 1) < 0 || nb__norm_axis(op->name, axis, x->ndim, &a) < 0)
        return NULL;
    nb_softmax_params p = {.axis = a, .log = log};
    return nb__op_apply(op, &x, 1, &p, x->dtype, x->ndim, x->shape);
}

nb_tensor *nb_softmax(nb_tensor *x, int axis) { return nb_softmax_op(&nb_op_softmax, x, axis, false); }

nb_tensor *nb_log_softmax(nb_tensor *x, int axis)
{
    return nb_softmax_op(&nb_op_log_softmax, x, axis, true);
}
