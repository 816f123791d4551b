/* Helpers shared by the data-handling files of src/io. */
#ifndef NB_IO_UTIL_H
#define NB_IO_UTIL_H

#include <string.h>

#include "core/tensor_internal.h"

/* Elements per row (entry of axis 0): product of the dims after the first;
 * 1 for a 1-d tensor.  t must have ndim >= 1. */
static inline int64_t nb__io_row_elems(const nb_tensor *t)
{
    int64_t k = 1;
    for (int d = 1; d < t->ndim; d++)
        k *= t->shape[d];
    return k;
}

/* Validate a data tensor whose axis 0 indexes samples. */
static inline int nb__io_check_rows(const nb_tensor *t, const char *op, const char *what)
{
    int rc = nb__check_tensor(t, op, what);
    if (rc < 0)
        return rc;
    if (t->ndim < 1)
        return nb__error(NB_ERR_SHAPE, "%s: %s is a scalar; expected samples along axis 0", op,
                         what);
    return NB_OK;
}

/* Copy row `src_row` of src into row `dst_row` of dst (same dtype and row size). */
static inline void nb__io_copy_row(nb_tensor *dst, int64_t dst_row, const nb_tensor *src,
                                   int64_t src_row, int64_t row_elems)
{
    size_t bytes = (size_t)row_elems * nb_dtype_size(src->dtype);
    memcpy((char *)dst->data + (size_t)dst_row * bytes,
           (const char *)src->data + (size_t)src_row * bytes, bytes);
}

/* A tensor shaped like t but with `rows` entries on axis 0, in the current arena. */
static inline nb_tensor *nb__io_rows_like(const nb_tensor *t, int64_t rows, const char *op)
{
    int64_t shape[NB_MAX_DIMS];
    for (int d = 0; d < t->ndim; d++)
        shape[d] = t->shape[d];
    shape[0] = rows;
    return nb__tensor_empty(t->dtype, t->ndim, shape, op);
}

/* Rows idx[0..n) of t (entries of axis 0, any rank) copied into a new
 * tensor in the current arena: the one row gather of the data layer
 * (minibatches, splits).  NULL with a message naming `op` on failure. */
static inline nb_tensor *nb__io_take_rows(const nb_tensor *t, const int64_t *idx, int64_t n,
                                          const char *op)
{
    nb_tensor *out = nb__io_rows_like(t, n, op);
    if (!out)
        return NULL;
    int64_t k = nb__io_row_elems(t);
    for (int64_t i = 0; i < n; i++)
        nb__io_copy_row(out, i, t, idx[i], k);
    return out;
}

#endif
