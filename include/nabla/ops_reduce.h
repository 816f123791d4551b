/* nabla/ops_reduce.h — reductions beyond the sums of ops_basic.h: mean,
 * max/min and their indices, log-sum-exp.
 *
 * Every function: x must be a valid tensor (a NULL x gives NULL without a
 * new message); the result is a new tensor in the current arena.  The _axis
 * forms reduce one axis (negative counts from the end; a bad axis is an
 * NB_ERR_ARG error) and keep it as size 1 when keepdim is true; the others
 * reduce every element to a 0-d tensor.  With grad mode on and x requiring
 * grad, a graph node is recorded (except for argmax/argmin).
 */
#ifndef NABLA_OPS_REDUCE_H
#define NABLA_OPS_REDUCE_H

#include <stdbool.h>

#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Mean of all elements / along an axis.  Gradient: g / n to every reduced
 * element.  The mean of zero elements is NaN. */
nb_tensor *nb_mean(nb_tensor *x);
nb_tensor *nb_mean_axis(nb_tensor *x, int axis, bool keepdim);

/* Largest / smallest element, of all or along an axis.  Ties: the gradient
 * goes entirely to the first extreme element (lowest index along the axis,
 * lowest flat index for the all-element forms) — the one argmax/argmin
 * name — and the other tied elements get 0.  A NaN counts as the extreme
 * (it propagates).  Reducing zero elements is an NB_ERR_SHAPE error. */
nb_tensor *nb_max(nb_tensor *x);
nb_tensor *nb_max_axis(nb_tensor *x, int axis, bool keepdim);
nb_tensor *nb_min(nb_tensor *x);
nb_tensor *nb_min_axis(nb_tensor *x, int axis, bool keepdim);

/* Index (0-based, along `axis`) of the first largest / smallest element,
 * stored as a value of x's dtype (exact up to 2^24 in f32).  Not
 * differentiable: the result is a plain tensor that never requires grad. */
nb_tensor *nb_argmax_axis(nb_tensor *x, int axis, bool keepdim);
nb_tensor *nb_argmin_axis(nb_tensor *x, int axis, bool keepdim);

/* log(sum(exp(x))) of all elements / along an axis, computed as
 * m + log(sum(exp(x - m))) with m the max, so inputs like 1000 give finite
 * results.  Gradient: g * softmax(x) over the reduced elements.  An axis of
 * size 0 gives -Inf. */
nb_tensor *nb_logsumexp(nb_tensor *x);
nb_tensor *nb_logsumexp_axis(nb_tensor *x, int axis, bool keepdim);

/* Variance along an axis, sum((x - mean)²) / (n - correction), as
 * torch.var(x, axis, correction=..., keepdim=...): correction 1 is the
 * unbiased (Bessel) estimate, torch's default; 0 the population variance.
 * Two passes (the mean first, then the centred squares), so a large common
 * offset (1e4 + small noise) loses no precision.  n <= correction gives NaN
 * (0/0) or Inf, as in torch.  correction < 0 is an NB_ERR_ARG error.
 * Gradient: g * 2 (x - mean) / (n - correction). */
nb_tensor *nb_var_axis(nb_tensor *x, int axis, int correction, bool keepdim);

/* Standard deviation sqrt(nb_var_axis(...)), same arguments.  Gradient:
 * g * (x - mean) / ((n - correction) std); Inf or NaN where std is 0. */
nb_tensor *nb_std_axis(nb_tensor *x, int axis, int correction, bool keepdim);

#ifdef __cplusplus
}
#endif
#endif
