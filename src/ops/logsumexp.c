/* log-sum-exp over all elements or one axis, stable (m + log sum exp(x - m)
 * with m the max).  d lse / dx = softmax(x) along the reduced elements. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/reduce.h"
#include "ops/op_util.h"
#include "ops/reduce_util.h"

/* params: i[0] = axis (-1 for all), i[1] = keepdim */
static int nb_lse_forward(nb_tensor *out, nb_tensor *const *in, int n_in, const nb_op_params *p)
{
    (void)n_in;
    int64_t outer, n, inner;
    nb__axis_view(in[0], (int)p->i[0], &outer, &n, &inner);
    if (out->dtype == NB_F32)
        nb_k_logsumexp_axis_f32(outer, n, inner, in[0]->data, out->data);
    else
        nb_k_logsumexp_axis_f64(outer, n, inner, in[0]->data, out->data);
    return 0;
}

static int nb_lse_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *x = node->inputs[0];
    int axis = (int)node->params.i[0];
    nb_tensor *s;
    if (axis >= 0) {
        s = nb_softmax(x, axis);
    } else { /* softmax over every element: flatten, then restore the shape */
        int64_t n = x->numel;
        s = nb_reshape(nb_softmax(nb_reshape(x, 1, &n), 0), x->ndim, x->shape);
    }
    gi[0] = nb_mul(nb__grad_keepdim(g, x, axis, node->params.i[1]), s);
    return 0;
}

static const nb_op nb_op_logsumexp = {"logsumexp", nb_lse_forward, nb_lse_backward, NB_SAVES_INPUT(0), 0};

nb_tensor *nb_logsumexp(nb_tensor *x)
{
    if (nb__check_op_inputs("logsumexp", &x, 1) < 0)
        return NULL;
    nb_op_params p = {.i = {-1, 0}};
    return nb__op_apply(&nb_op_logsumexp, &x, 1, &p, x->dtype, 0, NULL);
}

nb_tensor *nb_logsumexp_axis(nb_tensor *x, int axis, bool keepdim)
{
    int a;
    if (nb__check_op_inputs("logsumexp_axis", &x, 1) < 0 ||
        nb__norm_axis("logsumexp_axis", axis, x->ndim, &a) < 0)
        return NULL;
    int64_t shape[NB_MAX_DIMS];
    int ndim = nb__reduced_shape(x, a, keepdim, shape);
    nb_op_params p = {.i = {a, keepdim}};
    return nb__op_apply(&nb_op_logsumexp, &x, 1, &p, x->dtype, ndim, shape);
}
