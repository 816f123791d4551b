/* nabla/ops_basic.h — the arithmetic core: broadcast binary ops, sums,
 * matrix products, and the few unary maps the engine's own formulas need.
 *
 * Every op: inputs must be valid tensors of one dtype (mixing f32 and f64 is
 * an NB_ERR_DTYPE error); the result is a new tensor in the current arena;
 * NULL inputs give NULL without a new message (sticky errors); with grad mode
 * on and an input requiring grad, a graph node is recorded.
 */
#ifndef NABLA_OPS_BASIC_H
#define NABLA_OPS_BASIC_H

#include <stdbool.h>

#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Elementwise a (op) b with NumPy broadcasting: shapes are aligned at the
 * right; each axis must match or be 1.  Backward sums the gradient back to
 * each input's shape. */
nb_tensor *nb_add(nb_tensor *a, nb_tensor *b);
nb_tensor *nb_sub(nb_tensor *a, nb_tensor *b);
nb_tensor *nb_mul(nb_tensor *a, nb_tensor *b);
nb_tensor *nb_div(nb_tensor *a, nb_tensor *b);

/* x + c, x * c for a C scalar c. */
nb_tensor *nb_add_scalar(nb_tensor *x, double c);
nb_tensor *nb_mul_scalar(nb_tensor *x, double c);
/* -x, x², tanh x. */
nb_tensor *nb_neg(nb_tensor *x);
nb_tensor *nb_square(nb_tensor *x);
nb_tensor *nb_tanh(nb_tensor *x);

/* Broadcast x to `shape` (NumPy rules); backward is nb_sum_to. */
nb_tensor *nb_broadcast_to(nb_tensor *x, int ndim, const int64_t *shape);
/* Sum x down to `shape`, which x's shape must broadcast from (the reverse of
 * nb_broadcast_to: the gradient of a broadcast input). */
nb_tensor *nb_sum_to(nb_tensor *x, int ndim, const int64_t *shape);

/* The same elements in a new shape with the same number of elements; one
 * entry of `shape` may be -1 (inferred).  Returns a new tensor (a copy). */
nb_tensor *nb_reshape(nb_tensor *x, int ndim, const int64_t *shape);

/* Sum of all elements (a 0-d tensor). */
nb_tensor *nb_sum(nb_tensor *x);
/* Sum along `axis` (negative counts from the end); keepdim keeps it as size 1. */
nb_tensor *nb_sum_axis(nb_tensor *x, int axis, bool keepdim);

/* Matrix product.  a is (..., m, k), b is (..., k, n); leading (batch) axes
 * broadcast, a 2-D operand is shared by every batch.  Result (..., m, n). */
nb_tensor *nb_matmul(nb_tensor *a, nb_tensor *b);
/* op(a) @ op(b), where op transposes the last two axes when the flag is set,
 * without materialising the transpose (backward uses this). */
nb_tensor *nb_matmul_t(nb_tensor *a, nb_tensor *b, bool trans_a, bool trans_b);

#ifdef __cplusplus
}
#endif
#endif
