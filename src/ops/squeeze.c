/* flatten, unsqueeze, squeeze: conveniences that compute a shape and call
 * nb_reshape (whose gradient reshapes back). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "ops/op_util.h"

nb_tensor *nb_flatten(nb_tensor *x, int start_axis)
{
    const char *op = "flatten";
    if (nb__check_op_inputs(op, &x, 1) < 0)
        return NULL;
    if (x->ndim == 0) /* a scalar flattens to one element */
        return nb_reshape(x, 1, (const int64_t[]){1});
    int a;
    if (nb__norm_axis(op, start_axis, x->ndim, &a) < 0)
        return NULL;
    int64_t shape[NB_MAX_DIMS];
    int64_t rest = 1;
    for (int d = 0; d < a; d++)
        shape[d] = x->shape[d];
    for (int d = a; d < x->ndim; d++)
        rest *= x->shape[d];
    shape[a] = rest;
    return nb_reshape(x, a + 1, shape);
}

nb_tensor *nb_unsqueeze(nb_tensor *x, int axis)
{
    const char *op = "unsqueeze";
    if (nb__check_op_inputs(op, &x, 1) < 0)
        return NULL;
    /* The new axis goes among the result's ndim + 1 positions; say so in
     * terms of the tensor the user passed. */
    int n = x->ndim + 1, a = axis < 0 ? axis + n : axis;
    if (a < 0 || a >= n) {
        nb__error(NB_ERR_ARG,
                  "%s: axis %d is out of range for a %d-d tensor (valid: %d..%d, the positions of "
                  "the new axis)",
                  op, axis, x->ndim, -n, n - 1);
        return NULL;
    }
    if (x->ndim + 1 > NB_MAX_DIMS) {
        nb__error(NB_ERR_SHAPE, "%s: the result would have more than %d dimensions", op, NB_MAX_DIMS);
        return NULL;
    }
    int64_t shape[NB_MAX_DIMS];
    for (int d = 0, s = 0; d <= x->ndim; d++)
        shape[d] = d == a ? 1 : x->shape[s++];
    return nb_reshape(x, x->ndim + 1, shape);
}

nb_tensor *nb_squeeze(nb_tensor *x, int axis)
{
    const char *op = "squeeze";
    int a;
    if (nb__check_op_inputs(op, &x, 1) < 0 || nb__norm_axis(op, axis, x->ndim, &a) < 0)
        return NULL;
    if (x->shape[a] != 1) {
        char s[96];
        nb__error(NB_ERR_SHAPE, "%s: axis %d has size %lld, not 1 (tensor is %s)", op, axis,
                  (long long)x->shape[a], nb__shape_fmt(x->ndim, x->shape, s, sizeof s));
        return NULL;
    }
    int64_t shape[NB_MAX_DIMS];
    for (int d = 0, s = 0; d < x->ndim; d++)
        if (d != a)
            shape[s++] = x->shape[d];
    return nb_reshape(x, x->ndim - 1, shape);
}
