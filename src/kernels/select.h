/* Index-driven copies over raw buffers (f32 and f64): take along an axis,
 * its transpose put-along-an-axis (scatter-add), and strided block copies
 * for concatenation and slicing.  Nothing here knows about graphs.
 *
 * take/put view the large tensor as [outer, n, inner] and the small one as
 * [outer, k, inner].  Indices are stored as values of the element type and
 * must already be checked to be integers in 0..n-1.  With bcast_inner the
 * index array is [outer, k] and shared by every inner position (a row
 * lookup); otherwise it is [outer, k, inner]. */
#ifndef NB_KERNELS_SELECT_H
#define NB_KERNELS_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* out[o, j, i] = x[o, idx[o, j, i], i] */
void nb_k_take_f32(int64_t outer, int64_t n, int64_t k, int64_t inner, bool bcast_inner,
                   const float *x, const float *idx, float *out);
void nb_k_take_f64(int64_t outer, int64_t n, int64_t k, int64_t inner, bool bcast_inner,
                   const double *x, const double *idx, double *out);

/* out := 0, then out[o, idx[o, j, i], i] += g[o, j, i] (repeated indices add). */
void nb_k_put_f32(int64_t outer, int64_t n, int64_t k, int64_t inner, bool bcast_inner,
                  const float *g, const float *idx, float *out);
void nb_k_put_f64(int64_t outer, int64_t n, int64_t k, int64_t inner, bool bcast_inner,
                  const double *g, const double *idx, double *out);

/* count blocks of `bytes` bytes: block b goes from src + b*src_stride to
 * dst + b*dst_stride (strides in bytes). */
void nb_k_copy_blocks(int64_t count, size_t bytes, const void *src, size_t src_stride, void *dst,
                      size_t dst_stride);

#endif
