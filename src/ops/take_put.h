/* take / put along an axis: a pair of linear ops, each the other's gradient,
 * used by max/min backward, nll_loss and gather_rows.  The indices are a
 * constant (never differentiated) held by the node, not a graph input. */
#ifndef NB_OPS_TAKE_PUT_H
#define NB_OPS_TAKE_PUT_H

#include "autograd/graph.h"

/* The large tensor seen as [outer, n, inner], the small one as
 * [outer, k, inner]; idx holds k*outer (bcast_inner) or outer*k*inner
 * integral values in 0..n-1 of the data's dtype, already checked, and must
 * live as long as the graph that uses it.  Also the two ops' parameter
 * struct. */
/* The public op a take belongs to, which names its node (0: a plain take,
 * as in max/min backward). */
enum nb__take_for {
    NB_TAKE_FOR_TAKE = 0,
    NB_TAKE_FOR_NLL_LOSS,
    NB_TAKE_FOR_CROSS_ENTROPY_LOSS,
    NB_TAKE_FOR_GATHER_ROWS
};

typedef struct nb__select {
    int64_t outer, n, k, inner;
    bool bcast_inner;
    const nb_tensor *idx;
    unsigned char owner; /* enum nb__take_for */
} nb__select;

/* Small from large: out[o, j, i] = x[o, idx, i], out shaped (ndim, shape).
 * Backward is nb__put. */
nb_tensor *nb__take(nb_tensor *x, const nb__select *s, int ndim, const int64_t *shape);

/* Large from small: zeros with g's values added at the indexed positions,
 * shaped (ndim, shape).  Backward is nb__take. */
nb_tensor *nb__put(nb_tensor *g, const nb__select *s, int ndim, const int64_t *shape);

/* Check that idx is 1-D, of dtype `dtype`, and every value an integer in
 * 0..limit-1 (the values with nb__check_index_values, the one check of
 * labels and indices).  Messages name the op, the offending value, its
 * position and the valid range, e.g. "cross_entropy_loss: label 12 in row 3 is
 * out of range for 10 classes (valid 0..9)". */
int nb__check_indices(const char *op, const nb_tensor *idx, nb_dtype dtype, int64_t limit,
                      const char *item, const char *pos, const char *limit_noun);

#endif
