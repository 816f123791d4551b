/* Helpers shared by the op files: argument checks with clear messages. */
#ifndef NB_OPS_OP_UTIL_H
#define NB_OPS_OP_UTIL_H

#include "autograd/graph.h"

/* NumPy broadcast of two shapes into out_shape/out_ndim; on mismatch records
 * "<op>: shapes 2x3 and 4x3 do not broadcast (axis -2: 2 vs 4)". */
int nb__broadcast_shapes(const char *op, int na, const int64_t *sa, int nb, const int64_t *sb,
                         int *out_ndim, int64_t *out_shape);

/* Normalise an axis (negative counts from the end) for a tensor of ndim
 * dims; records an NB_ERR_ARG message naming op on failure. */
int nb__norm_axis(const char *op, int axis, int ndim, int *out);

/* Check inputs valid and of one dtype: the standard start of every op. */
int nb__check_op_inputs(const char *op, nb_tensor *const *in, int n);

#endif
