/* The engine's broadcast pair: sum_to (a gradient summed down to the shape
 * of an input that was broadcast) and broadcast_to, each the other's
 * gradient.  The engine applies sum_to itself when a backward formula
 * returns a gradient in the output's broadcast shape, so no op repeats the
 * reduction; owning both ops here keeps that reduction differentiable
 * (create-graph passes record it) without the engine calling the ops layer.
 * The public nb_sum_to and nb_broadcast_to (src/ops/broadcast_ops.c) are
 * these two ops. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "autograd/graph.h"
#include "kernels/elementwise.h"

static int nb_broadcast_to_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                                   const void *params)
{
    (void)op, (void)n_in, (void)params;
    int64_t st[NB_MAX_DIMS];
    nb_k_broadcast_strides(in[0]->ndim, in[0]->shape, out->ndim, out->shape, st);
    if (out->dtype == NB_F32)
        nb_k_gather_f32(out->ndim, out->shape, in[0]->data, st, out->data);
    else
        nb_k_gather_f64(out->ndim, out->shape, in[0]->data, st, out->data);
    return 0;
}

static int nb_sum_to_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                             const void *params)
{
    (void)op, (void)n_in, (void)params;
    const nb_tensor *x = in[0];
    int64_t so[NB_MAX_DIMS];
    nb_k_broadcast_strides(out->ndim, out->shape, x->ndim, x->shape, so);
    memset(out->data, 0, (size_t)out->numel * nb_dtype_size(out->dtype));
    if (out->dtype == NB_F32)
        nb_k_scatter_add_f32(x->ndim, x->shape, x->data, so, out->data);
    else
        nb_k_scatter_add_f64(x->ndim, x->shape, x->data, so, out->data);
    return 0;
}

/* d broadcast_to = sum_to the input's shape, and the other way round. */
static int nb_broadcast_to_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_tensor *x = node->inputs[0];
    gi[0] = nb__sum_to(g, x->ndim, x->shape);
    return 0;
}

static int nb_sum_to_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_tensor *x = node->inputs[0];
    gi[0] = nb__broadcast_to(g, x->ndim, x->shape);
    return 0;
}

static const nb_op nb_op_broadcast_to = {
    .name = "broadcast_to",
    .forward = nb_broadcast_to_forward,
    .backward = nb_broadcast_to_backward,
};

static const nb_op nb_op_sum_to = {
    .name = "sum_to",
    .forward = nb_sum_to_forward,
    .backward = nb_sum_to_backward,
};

static int nb_check_target(const char *op, int ndim, const int64_t *shape)
{
    if (ndim < 0 || ndim > NB_MAX_DIMS)
        return nb__error(NB_ERR_SHAPE, "%s: %d dimensions requested, nabla supports 0..%d", op, ndim,
                         NB_MAX_DIMS);
    if (ndim > 0 && !shape)
        return nb__error(NB_ERR_NULL, "%s: shape is NULL", op);
    return 0;
}

/* The standard start of both: x valid, the target shape usable. */
static int nb_check_pair_args(const char *op, nb_tensor *x, int ndim, const int64_t *shape)
{
    if (nb__check_inputs(op, &x, 1) < 0)
        return -1;
    return nb_check_target(op, ndim, shape);
}

nb_tensor *nb__broadcast_to(nb_tensor *x, int ndim, const int64_t *shape)
{
    const char *op = "broadcast_to";
    if (nb_check_pair_args(op, x, ndim, shape) < 0)
        return NULL;
    int64_t st[NB_MAX_DIMS];
    if (!nb_k_broadcast_strides(x->ndim, x->shape, ndim, shape, st)) {
        char s1[96], s2[96];
        nb__error(NB_ERR_SHAPE, "%s: cannot broadcast %s to %s (axes must match or be 1)", op,
                  nb__shape_fmt(x->ndim, x->shape, s1, sizeof s1), nb__shape_fmt(ndim, shape, s2, sizeof s2));
        return NULL;
    }
    return nb__op_apply(&nb_op_broadcast_to, &x, 1, NULL, x->dtype, ndim, shape);
}

nb_tensor *nb__sum_to(nb_tensor *x, int ndim, const int64_t *shape)
{
    const char *op = "sum_to";
    if (nb_check_pair_args(op, x, ndim, shape) < 0)
        return NULL;
    int64_t st[NB_MAX_DIMS];
    if (!nb_k_broadcast_strides(ndim, shape, x->ndim, x->shape, st)) {
        char s1[96], s2[96];
        nb__error(NB_ERR_SHAPE, "%s: cannot sum %s down to %s (%s must broadcast to %s)", op,
                  nb__shape_fmt(x->ndim, x->shape, s1, sizeof s1), nb__shape_fmt(ndim, shape, s2, sizeof s2),
                  s2, s1);
        return NULL;
    }
    return nb__op_apply(&nb_op_sum_to, &x, 1, NULL, x->dtype, ndim, shape);
}
