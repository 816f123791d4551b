/* nabla/ops_shape.h — moving elements around: axis permutations, joining,
 * slicing, row lookups, and shape conveniences.  (nb_reshape,
 * nb_broadcast_to and nb_sum_to are in ops_basic.h.)
 *
 * Every function: inputs must be valid tensors of one dtype (a NULL input
 * gives NULL without a new message); the result is a new contiguous tensor
 * (a copy) in the current arena; with grad mode on and an input requiring
 * grad, a graph node is recorded.  Axes may be negative (from the end).
 */
#ifndef NABLA_OPS_SHAPE_H
#define NABLA_OPS_SHAPE_H

#include <stdbool.h>
#include <stdint.h>

#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Swap the last two axes: (..., m, n) -> (..., n, m).  x needs at least 2
 * dimensions (NB_ERR_SHAPE otherwise).  Gradient: transpose of g. */
nb_tensor *nb_transpose(nb_tensor *x);

/* Reorder the axes: output axis d is input axis perm[d].  perm has one entry
 * per axis of x (negative entries count from the end); a repeated or
 * out-of-range entry is an NB_ERR_ARG error.  Gradient: g permuted back with
 * the inverse permutation. */
nb_tensor *nb_permute(nb_tensor *x, const int *perm);

/* Join n >= 1 tensors along `axis`; all sizes except that axis must be equal
 * (NB_ERR_SHAPE otherwise).  tensors is not kept after the call.  Gradient:
 * each input gets its slice of g. */
nb_tensor *nb_concat(nb_tensor *const *tensors, int n, int axis);

/* Elements start..stop-1 along `axis` (the other axes whole).  Negative
 * start/stop count from the end as in Python (-1 is the last element).
 * Unlike Python, a range that does not fit is an NB_ERR_ARG error rather
 * than clamped: need 0 <= start <= stop <= size after the negatives are
 * counted; start == stop gives an empty axis.  Gradient: g placed into
 * zeros at the range. */
nb_tensor *nb_slice(nb_tensor *x, int axis, int64_t start, int64_t stop);

/* Embedding lookup: row indices[i] of the 2-D table (V x D) becomes row i of
 * the (N x D) result.  indices is a 1-D tensor of N integral values of the
 * table's dtype in 0..V-1; a non-integral or out-of-range value is an
 * NB_ERR_ARG error naming its position.  indices is read again by backward
 * and must stay valid and unchanged until then; it is never differentiated.
 * Gradient: g's rows added into zeros of the table's shape (repeated indices
 * accumulate). */
nb_tensor *nb_gather_rows(nb_tensor *table, nb_tensor *indices);

/* Merge axes start_axis..last into one: (N, 28, 28) with start_axis 1 gives
 * (N, 784); start_axis 0 gives a 1-D tensor.  A 0-d x gives shape (1). */
nb_tensor *nb_flatten(nb_tensor *x, int start_axis);

/* Insert a size-1 axis at `axis` (-1 appends one at the end). */
nb_tensor *nb_unsqueeze(nb_tensor *x, int axis);

/* Remove `axis`, which must have size 1 (NB_ERR_SHAPE otherwise). */
nb_tensor *nb_squeeze(nb_tensor *x, int axis);

#ifdef __cplusplus
}
#endif
#endif
