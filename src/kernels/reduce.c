/* Extrema, log-sum-exp and softmax along one axis of an [outer, n, inner]
 * view.  Each slice in[o, :, i] is walked with stride `inner`; for the common
 * inner == 1 case (the last axis) that is a contiguous row. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "kernels/reduce.h"

/* T: element type; ACC: accumulator type for sums; EXP/LOG: libm for ACC. */
#define NB_REDUCE_KERNELS(T, SUF, ACC, EXP, LOG)                                              \
    void nb_k_extrema_axis_##SUF(bool is_min, int64_t outer, int64_t n, int64_t inner,        \
                                 const T *in, T *out_val, T *out_idx)                         \
    {                                                                                         \
        for (int64_t o = 0; o < outer; o++)                                                   \
            for (int64_t i = 0; i < inner; i++) {                                             \
                const T *x = in + o * n * inner + i;                                          \
                T best = x[0];                                                                \
                int64_t bj = 0;                                                               \
                for (int64_t j = 1; j < n && best == best; j++) {                             \
                    T v = x[j * inner];                                                       \
                    /* strict comparison keeps the first of equal values; v != v is NaN */   \
                    if (v != v || (is_min ? v < best : v > best)) {                           \
                        best = v;                                                             \
                        bj = j;                                                               \
                    }                                                                         \
                }                                                                             \
                out_val[o * inner + i] = best;                                                \
                if (out_idx)                                                                  \
                    out_idx[o * inner + i] = (T)bj;                                           \
            }                                                                                 \
    }                                                                                         \
                                                                                              \
    /* The max of a slice, or NaN when it holds one. */                                       \
    static ACC nb_slice_max_##SUF(int64_t n, int64_t inner, const T *x)                       \
    {                                                                                         \
        ACC m = -INFINITY;                                                                    \
        for (int64_t j = 0; j < n; j++) {                                                     \
            ACC v = x[j * inner];                                                             \
            if (v != v)                                                                       \
                return v;                                                                     \
            if (v > m)                                                                        \
                m = v;                                                                        \
        }                                                                                     \
        return m;                                                                             \
    }                                                                                         \
                                                                                              \
    void nb_k_logsumexp_axis_##SUF(int64_t outer, int64_t n, int64_t inner, const T *in,      \
                                   T *out)                                                    \
    {                                                                                         \
        for (int64_t o = 0; o < outer; o++)                                                   \
            for (int64_t i = 0; i < inner; i++) {                                             \
                const T *x = in + o * n * inner + i;                                          \
                ACC m = nb_slice_max_##SUF(n, inner, x);                                      \
                if (!isfinite(m)) { /* +-Inf or NaN: exp(x - m) would be NaN */               \
                    out[o * inner + i] = (T)m;                                                \
                    continue;                                                                 \
                }                                                                             \
                ACC s = 0;                                                                    \
                for (int64_t j = 0; j < n; j++)                                               \
                    s += EXP((ACC)x[j * inner] - m);                                          \
                out[o * inner + i] = (T)(m + LOG(s));                                         \
            }                                                                                 \
    }                                                                                         \
                                                                                              \
    void nb_k_softmax_axis_##SUF(bool want_log, int64_t outer, int64_t n, int64_t inner,           \
                                 const T *in, T *out)                                         \
    {                                                                                         \
        for (int64_t o = 0; o < outer; o++)                                                   \
            for (int64_t i = 0; i < inner; i++) {                                             \
                const T *x = in + o * n * inner + i;                                          \
                T *y = out + o * n * inner + i;                                               \
                ACC m = nb_slice_max_##SUF(n, inner, x);                                      \
                if (m == -INFINITY) /* every entry -Inf: exp(x - m) is NaN; keep them */      \
                    m = 0;                                                                    \
                ACC s = 0;                                                                    \
                if (want_log) {                                                               \
                    for (int64_t j = 0; j < n; j++)                                           \
                        s += EXP((ACC)x[j * inner] - m);                                      \
                    ACC shift = m + LOG(s);                                                   \
                    for (int64_t j = 0; j < n; j++)                                           \
                        y[j * inner] = (T)((ACC)x[j * inner] - shift);                        \
                } else {                                                                      \
                    for (int64_t j = 0; j < n; j++) {                                         \
                        ACC e = EXP((ACC)x[j * inner] - m);                                   \
                        y[j * inner] = (T)e;                                                  \
                        s += e;                                                               \
                    }                                                                         \
                    ACC r = 1 / s;                                                            \
                    for (int64_t j = 0; j < n; j++)                                           \
                        y[j * inner] = (T)(y[j * inner] * r);                                 \
                }                                                                             \
            }                                                                                 \
    }

NB_REDUCE_KERNELS(float, f32, double, exp, log)
NB_REDUCE_KERNELS(double, f64, double, exp, log)
