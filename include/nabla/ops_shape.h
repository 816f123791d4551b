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

/* Join n >= 1 tensors of one shape along a NEW axis `axis` (0..ndim, or
 * negative from the end of the result's ndim+1 axes): n tensors of shape
 * (2, 3) stacked at axis 1 give (2, n, 3).  Different shapes are an
 * NB_ERR_SHAPE error.  Gradient: each input gets its slice of g. */
nb_tensor *nb_stack(nb_tensor *const *tensors, int n, int axis);

/* Split x along `axis` into n pieces of sizes[0..n-1] elements, which must
 * add up to the axis' size (each >= 0; NB_ERR_ARG otherwise), written into
 * out[0..n-1] (the caller's array).  Like torch.split with a list of sizes
 * (named apart from the nb_split struct of nabla/io.h, a train/test split).
 * On failure every out[k] is NULL.  NB_OK or negative.  Each piece is a
 * slice: its gradient goes back to its range of x. */
int nb_split_sizes(nb_tensor *x, const int64_t *sizes, int n, int axis, nb_tensor **out);

/* Split x along `axis` into `chunks` pieces of ceil(size / chunks)
 * elements, the last one smaller when the size does not divide (as
 * torch.chunk).  Like torch.chunk, fewer pieces come out when the size is
 * too small to give every piece an element at that length (a size of 5 in 4
 * chunks gives 3 pieces of 2, 2, 1): the number made is returned (>= 0),
 * out[] must have room for `chunks` entries and the rest are set to NULL.
 * chunks < 1 is an NB_ERR_ARG error.  Returns the count or negative. */
int nb_chunk(nb_tensor *x, int chunks, int axis, nb_tensor **out);

/* Constant padding, as torch.nn.functional.pad(x, pad, value=value):
 * pad has 2 * n_pairs entries (left, right) starting from the LAST axis:
 * {1, 2} pads the last axis with 1 in front and 2 after, {1, 2, 0, 3} also
 * pads the second-to-last with 3 after.  n_pairs <= ndim; entries must be
 * >= 0 (negative padding, which torch reads as cropping, is an NB_ERR_ARG
 * error: use nb_slice).  Gradient: the slice of g at x's place. */
nb_tensor *nb_pad(nb_tensor *x, const int64_t *pad, int n_pairs, double value);

#ifdef __cplusplus
}
#endif
#endif
