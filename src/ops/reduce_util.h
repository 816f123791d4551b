/* Shape helpers shared by the reductions (sum, mean, max/min, logsumexp),
 * the row-wise ops (softmax) and the axis copies (concat, slice): the
 * parameters of a reduction, the [outer, n, inner] view around an axis, the
 * reduced shape, and the gradient brought back to broadcast against x. */
#ifndef NB_OPS_REDUCE_UTIL_H
#define NB_OPS_REDUCE_UTIL_H

#include "nabla/ops.h"
#include "autograd/graph.h"
#include "ops/op_util.h"

/* The parameters of a reduction over all elements (axis -1) or one axis. */
typedef struct nb_axis_params {
    int axis;     /* normalised, or -1 for all elements */
    bool keepdim; /* the reduced axis stays as size 1 */
} nb_axis_params;

/* Checks of the *_axis forms: x valid, axis in range (normalised into
 * *p).  The all-element forms use {-1, false}. */
static inline int nb__axis_params(const char *op, nb_tensor *x, int axis, bool keepdim,
                                  nb_axis_params *p)
{
    if (nb__check_op_inputs(op, &x, 1) < 0 || nb__norm_axis(op, axis, x->ndim, &p->axis) < 0)
        return -1;
    p->keepdim = keepdim;
    return 0;
}

/* x seen as [outer, n, inner] around `axis`; axis < 0 means all elements as
 * one slice (outer = inner = 1). */
static inline void nb__axis_view(const nb_tensor *x, int axis, int64_t *outer, int64_t *n,
                                 int64_t *inner)
{
    *outer = 1;
    *inner = 1;
    *n = x->numel;
    if (axis < 0)
        return;
    for (int d = 0; d < axis; d++)
        *outer *= x->shape[d];
    for (int d = axis + 1; d < x->ndim; d++)
        *inner *= x->shape[d];
    *n = x->shape[axis];
}

/* A reduction kernel pair that reads x as [outer, n, inner] and writes
 * [outer, inner] (kernels/reduce.h: nb_k_sum_axis_*, nb_k_logsumexp_axis_*). */
typedef void (*nb_axis_kernel_f32)(int64_t outer, int64_t n, int64_t inner, const float *in,
                                   float *out);
typedef void (*nb_axis_kernel_f64)(int64_t outer, int64_t n, int64_t inner, const double *in,
                                   double *out);

/* The forward of such a reduction: x viewed around `axis`, out filled by
 * the kernel of out's dtype.  Returns n, the length of each reduced slice. */
static inline int64_t nb__axis_reduce(const nb_tensor *x, int axis, nb_tensor *out,
                                      nb_axis_kernel_f32 k32, nb_axis_kernel_f64 k64)
{
    int64_t outer, n, inner;
    nb__axis_view(x, axis, &outer, &n, &inner);
    if (out->dtype == NB_F32)
        k32(outer, n, inner, x->data, out->data);
    else
        k64(outer, n, inner, x->data, out->data);
    return n;
}

/* Shape of the reduction of x along `axis` (axis < 0: all, a 0-d result):
 * the axis becomes 1 with keepdim, disappears without.  Returns ndim. */
static inline int nb__reduced_shape(const nb_tensor *x, int axis, bool keepdim, int64_t *shape)
{
    int ndim = 0;
    if (axis < 0)
        return 0;
    for (int d = 0; d < x->ndim; d++) {
        if (d == axis && !keepdim)
            continue;
        shape[ndim++] = d == axis ? 1 : x->shape[d];
    }
    return ndim;
}

/* Record the reduction `op` (parameters nb_axis_params) over every element
 * of x, a 0-d result; messages name op->name. */
static inline nb_tensor *nb__reduce_all(const nb_op *op, nb_tensor *x)
{
    if (nb__check_op_inputs(op->name, &x, 1) < 0)
        return NULL;
    nb_axis_params p = {.axis = -1, .keepdim = false};
    return nb__op_apply(op, &x, 1, &p, x->dtype, 0, NULL);
}

/* The same along one axis; messages name `name`, the op's _axis form. */
static inline nb_tensor *nb__reduce_axis(const nb_op *op, const char *name, nb_tensor *x, int axis,
                                         bool keepdim)
{
    nb_axis_params p;
    if (nb__axis_params(name, x, axis, keepdim, &p) < 0)
        return NULL;
    int64_t shape[NB_MAX_DIMS];
    int ndim = nb__reduced_shape(x, p.axis, keepdim, shape);
    return nb__op_apply(op, &x, 1, &p, x->dtype, ndim, shape);
}

/* g (the gradient of a reduction of x) reshaped so that it broadcasts
 * against x: the reduced axis is put back as size 1.  A 0-d g (reduction of
 * all elements) already broadcasts. */
static inline nb_tensor *nb__grad_keepdim(nb_tensor *g, const nb_tensor *x, int axis, bool keepdim)
{
    if (axis < 0 || keepdim || !g)
        return g;
    int64_t shape[NB_MAX_DIMS];
    nb__reduced_shape(x, axis, true, shape);
    return nb_reshape(g, x->ndim, shape);
}

#endif
