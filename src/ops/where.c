/* where(mask, a, b): a where the mask is 1, b where it is 0, with NumPy
 * broadcasting of all three.  The gradient goes to a where the mask is 1
 * and to b elsewhere (where(mask, g, 0) and where(mask, 0, g), so it is
 * differentiable again), none to the mask: the mask is a constant held by
 * the node, not a graph input, like the indices of take/put.  Unlike
 * mask * a + (1 - mask) * b, a NaN or Inf in the branch not taken never
 * reaches the result or the gradients of a and b. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "nabla/ops.h"
#include "ops/elementwise_op.h"

typedef struct nb_where_params {
    nb_tensor *mask; /* 0/1 values, checked; saved on the node for its version */
} nb_where_params;

/* The loop's three inputs are mask, a and b, named a, b, c by the template. */
#define NB_ZIP3S(X) X(where, nb_no_params, a != 0 ? b : c)
#include "kernels/elementwise_loops.h"

static int nb_where_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                            const void *params)
{
    (void)n_in;
    const nb_where_params *p = params;
    const nb_tensor *data[3] = {p->mask, in[0], in[1]};
    return nb__zip_run(op, out, data, 3, NULL);
}

static int nb_where_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_where_params *p = nb__node_params(node);
    nb_tensor *zero = nb__scalar_like(g, 0.0);
    if (nb__needs_grad(node, 0))
        gi[0] = nb_where(p->mask, g, zero);
    if (nb__needs_grad(node, 1))
        gi[1] = nb_where(p->mask, zero, g);
    return 0;
}

static const nb_op nb_op_where = {
    .name = "where",
    .forward = nb_where_forward,
    .backward = nb_where_backward,
    .params_size = NB_PARAMS(nb_where_params),
    .zip = {nb_where_zip_f32, nb_where_zip_f64},
};

/* The broadcast shape of mask, a and b, or an NB_ERR_SHAPE message naming
 * all three. */
static int nb_where_shape(nb_tensor *const *t, int *ndim, int64_t *shape)
{
    int n = 0;
    for (int k = 0; k < 3; k++)
        n = t[k]->ndim > n ? t[k]->ndim : n;
    for (int o = 0; o < n; o++) {
        int64_t size = 1;
        for (int k = 0; k < 3; k++) {
            int i = o - (n - t[k]->ndim);
            int64_t d = i >= 0 ? t[k]->shape[i] : 1;
            if (d != 1 && size != 1 && d != size) {
                char s[3][96];
                for (int j = 0; j < 3; j++)
                    nb__shape_fmt(t[j]->ndim, t[j]->shape, s[j], sizeof s[j]);
                return nb__error(NB_ERR_SHAPE,
                                 "where: mask %s, a %s and b %s do not broadcast together (axis "
                                 "%d: %lld vs %lld; each axis must match or be 1)",
                                 s[0], s[1], s[2], o - n, (long long)size, (long long)d);
            }
            if (d != 1)
                size = d;
        }
        shape[o] = size;
    }
    *ndim = n;
    return 0;
}

/* Every mask value is 0 or 1. */
static int nb_check_mask(const nb_tensor *mask)
{
    for (int64_t i = 0; i < mask->numel; i++) {
        double v = nb__get(mask, i);
        if (v != 0 && v != 1)
            return nb__error(NB_ERR_ARG,
                             "where: mask element %lld is %g; the mask must hold only 0 and 1 "
                             "(make one with nb_greater, nb_less, nb_equal, ...)",
                             (long long)i, v);
    }
    return 0;
}

nb_tensor *nb_where(nb_tensor *mask, nb_tensor *a, nb_tensor *b)
{
    nb_tensor *all[3] = {mask, a, b};
    if (nb__check_op_inputs("where", all, 3) < 0 || nb_check_mask(mask) < 0)
        return NULL;
    int ndim = 0;
    int64_t shape[NB_MAX_DIMS];
    if (nb_where_shape(all, &ndim, shape) < 0)
        return NULL;
    nb_tensor *in[2] = {a, b};
    nb_where_params p = {.mask = mask};
    nb_tensor *out = nb__op_apply(&nb_op_where, in, 2, &p, a->dtype, ndim, shape);
    /* backward reads the mask: saving it puts it under the version check */
    if (out && nb__node_save(out, mask) < 0)
        return NULL;
    return out;
}
