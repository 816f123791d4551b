/* reshape: a contiguous copy under a new shape; backward reshapes back. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "nabla/ops.h"
#include "ops/op_util.h"

static int nb_reshape_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                              const void *params)
{
    (void)op, (void)n_in, (void)params;
    if (out->numel)
        memcpy(out->data, in[0]->data, (size_t)out->numel * nb_dtype_size(out->dtype));
    return 0;
}

static int nb_reshape_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_tensor *x = node->inputs[0];
    gi[0] = nb_reshape(g, x->ndim, x->shape);
    return 0;
}

static const nb_op nb_op_reshape = {
    .name = "reshape",
    .forward = nb_reshape_forward,
    .backward = nb_reshape_backward,
};

nb_tensor *nb_reshape(nb_tensor *x, int ndim, const int64_t *shape)
{
    const char *op = "reshape";
    if (nb__check_op_inputs(op, &x, 1) < 0)
        return NULL;
    if (ndim < 0 || ndim > NB_MAX_DIMS || (ndim > 0 && !shape)) {
        nb__error(ndim > 0 && !shape ? NB_ERR_NULL : NB_ERR_SHAPE,
                  "%s: need 0..%d dimensions and a shape array (got ndim %d)", op, NB_MAX_DIMS, ndim);
        return NULL;
    }
    int64_t s[NB_MAX_DIMS];
    int infer = -1;
    int64_t known = 1;
    bool overflow = false;
    for (int d = 0; d < ndim; d++) {
        s[d] = shape[d];
        if (s[d] == -1 && infer < 0) {
            infer = d;
            continue;
        }
        if (s[d] < 0) {
            nb__error(NB_ERR_SHAPE, "%s: invalid size %lld at axis %d (only one -1 allowed)", op,
                      (long long)s[d], d);
            return NULL;
        }
        if (s[d] && known > INT64_MAX / s[d])
            overflow = true; /* reported below, with the shape */
        else if (!overflow)
            known *= s[d];
    }
    if (infer >= 0 && !overflow)
        s[infer] = known ? x->numel / known : 0;
    /* The bound tensor creation applies (zero sizes left out of the product),
     * so 0 x INT64_MAX x 2 is refused here as it is by nb_zeros. */
    int64_t total = overflow ? -1 : nb__shape_numel(ndim, s);
    if (total < 0) {
        char s2[96];
        nb__error(NB_ERR_SHAPE, "%s: shape %s is too large (its element count overflows)", op,
                  nb__shape_fmt(ndim, shape, s2, sizeof s2));
        return NULL;
    }
    if (total != x->numel) {
        char s1[96], s2[96];
        nb__error(NB_ERR_SHAPE, "%s: cannot view %s (%lld elements) as %s", op,
                  nb__shape_fmt(x->ndim, x->shape, s1, sizeof s1), (long long)x->numel,
                  nb__shape_fmt(ndim, shape, s2, sizeof s2));
        return NULL;
    }
    return nb__op_apply(&nb_op_reshape, &x, 1, NULL, x->dtype, ndim, s);
}
