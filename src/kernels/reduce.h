/* Axis reductions and row-wise normalisations over raw buffers (f32 and
 * f64): sums, extrema with their index, log-sum-exp, softmax and
 * log-softmax.
 * Every kernel views its input as [outer, n, inner] and works along the
 * middle axis.  Nothing here knows about graphs. */
#ifndef NB_KERNELS_REDUCE_H
#define NB_KERNELS_REDUCE_H

#include <stdbool.h>
#include <stdint.h>

/* out[o, i] = sum_j in[o, j, i].  Row sums (inner == 1) accumulate in
 * double, column sums in the data's type. */
void nb_k_sum_axis_f32(int64_t outer, int64_t n, int64_t inner, const float *in, float *out);
void nb_k_sum_axis_f64(int64_t outer, int64_t n, int64_t inner, const double *in, double *out);

/* out_val[o, i] = max (or min when is_min) of in[o, :, i]; out_idx (may be
 * NULL) gets the index j of that extreme as a value of the element type.
 * Ties: the first (lowest) j wins.  A NaN is the extreme of its slice (the
 * first NaN, so it propagates like NumPy's max).  n must be >= 1. */
void nb_k_extrema_axis_f32(bool is_min, int64_t outer, int64_t n, int64_t inner, const float *in,
                           float *out_val, float *out_idx);
void nb_k_extrema_axis_f64(bool is_min, int64_t outer, int64_t n, int64_t inner, const double *in,
                           double *out_val, double *out_idx);

/* out[o, i] = log sum_j exp(in[o, j, i]), computed as m + log sum exp(x - m)
 * with m the slice's max, so large inputs do not overflow.  A slice whose max
 * is +-Inf gives that Inf; n == 0 gives -Inf.  f32 accumulates in double. */
void nb_k_logsumexp_axis_f32(int64_t outer, int64_t n, int64_t inner, const float *in, float *out);
void nb_k_logsumexp_axis_f64(int64_t outer, int64_t n, int64_t inner, const double *in, double *out);

/* Softmax along the middle axis (log_softmax when `log`), stable: the
 * slice's max is subtracted before exp.  out has in's shape. */
void nb_k_softmax_axis_f32(bool want_log, int64_t outer, int64_t n, int64_t inner, const float *in,
                           float *out);
void nb_k_softmax_axis_f64(bool want_log, int64_t outer, int64_t n, int64_t inner, const double *in,
                           double *out);

#endif
