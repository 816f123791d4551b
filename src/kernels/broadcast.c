/* Broadcast binary loops, strided gathers and scatter-adds.  The innermost
 * axis is a plain loop (strides 0 or 1 there let the compiler vectorise);
 * the outer axes are walked with an explicit multi-index. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "kernels/elementwise.h"

bool nb_k_broadcast_strides(int in_ndim, const int64_t *in_shape, int out_ndim,
                            const int64_t *out_shape, int64_t *strides)
{
    if (in_ndim > out_ndim)
        return false;
    int64_t stride = 1;
    for (int o = out_ndim - 1; o >= 0; o--) {
        int i = o - (out_ndim - in_ndim);
        if (i < 0) {
            strides[o] = 0;
            continue;
        }
        if (in_shape[i] == out_shape[o]) {
            strides[o] = in_shape[i] == 1 ? 0 : stride;
        } else if (in_shape[i] == 1) {
            strides[o] = 0;
        } else {
            return false;
        }
        stride *= in_shape[i];
    }
    return true;
}

/* One row of a binary op: n elements with strides sa, sb in {0, 1, ...}. */
#define NB_BIN_ROW(T, FN_POW, FN_MAX, FN_MIN)                                              \
    static void nb_bin_row_##T(nb_binary_kind kind, int64_t n, const T *a, int64_t sa,     \
                               const T *b, int64_t sb, T *o)                               \
    {                                                                                      \
        switch (kind) {                                                                    \
        case NB_BIN_ADD: for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] + b[i * sb]; break; \
        case NB_BIN_SUB: for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] - b[i * sb]; break; \
        case NB_BIN_MUL: for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] * b[i * sb]; break; \
        case NB_BIN_DIV: for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] / b[i * sb]; break; \
        case NB_BIN_POW: for (int64_t i = 0; i < n; i++) o[i] = FN_POW(a[i * sa], b[i * sb]); break; \
        case NB_BIN_MAX: for (int64_t i = 0; i < n; i++) o[i] = FN_MAX(a[i * sa], b[i * sb]); break; \
        case NB_BIN_MIN: for (int64_t i = 0; i < n; i++) o[i] = FN_MIN(a[i * sa], b[i * sb]); break; \
        case NB_BIN_GT: for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] > b[i * sb]; break;  \
        case NB_BIN_GE: for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] >= b[i * sb]; break; \
        case NB_BIN_LT: for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] < b[i * sb]; break;  \
        case NB_BIN_LE: for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] <= b[i * sb]; break; \
        case NB_BIN_EQ: for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] == b[i * sb]; break; \
        }                                                                                  \
    }

/* max/min that propagate NaN (like NumPy's maximum), unlike fmax. */
#define NB_MAXF(x, y) ((x) != (x) || (x) > (y) ? (x) : (y))
#define NB_MINF(x, y) ((x) != (x) || (x) < (y) ? (x) : (y))
NB_BIN_ROW(float, powf, NB_MAXF, NB_MINF)
NB_BIN_ROW(double, pow, NB_MAXF, NB_MINF)

#define NB_BIN_DRIVER(T)                                                                   \
    void nb_k_binary_##T##_impl(nb_binary_kind kind, int ndim, const int64_t *shape,        \
                                const T *a, const int64_t *sa, const T *b, const int64_t *sb, \
                                T *out)                                                    \
    {                                                                                      \
        if (ndim == 0) {                                                                   \
            nb_bin_row_##T(kind, 1, a, 0, b, 0, out);                                      \
            return;                                                                        \
        }                                                                                  \
        for (int d = 0; d < ndim; d++)                                                     \
            if (shape[d] == 0)                                                             \
                return;                                                                    \
        int64_t n = shape[ndim - 1];                                                       \
        int64_t idx[16] = {0};                                                             \
        int64_t oa = 0, ob = 0;                                                            \
        for (;;) {                                                                         \
            nb_bin_row_##T(kind, n, a + oa, sa[ndim - 1], b + ob, sb[ndim - 1], out);      \
            out += n;                                                                      \
            int d = ndim - 2;                                                              \
            for (; d >= 0; d--) {                                                          \
                idx[d]++;                                                                  \
                oa += sa[d];                                                               \
                ob += sb[d];                                                               \
                if (idx[d] < shape[d])                                                     \
                    break;                                                                 \
                oa -= sa[d] * shape[d];                                                    \
                ob -= sb[d] * shape[d];                                                    \
                idx[d] = 0;                                                                \
            }                                                                              \
            if (d < 0)                                                                     \
                return;                                                                    \
        }                                                                                  \
    }

static NB_BIN_DRIVER(float)
static NB_BIN_DRIVER(double)

void nb_k_binary_f32(nb_binary_kind kind, int ndim, const int64_t *shape, const float *a,
                     const int64_t *sa, const float *b, const int64_t *sb, float *out)
{
    nb_k_binary_float_impl(kind, ndim, shape, a, sa, b, sb, out);
}

void nb_k_binary_f64(nb_binary_kind kind, int ndim, const int64_t *shape, const double *a,
                     const int64_t *sa, const double *b, const int64_t *sb, double *out)
{
    nb_k_binary_double_impl(kind, ndim, shape, a, sa, b, sb, out);
}

/* Walk every multi-index of `shape` (row-major), keeping one strided offset. */
#define NB_STRIDED_WALK(T, NAME, BODY)                                                     \
    static void NAME(int ndim, const int64_t *shape, const T *src, const int64_t *st, T *dst) \
    {                                                                                      \
        int64_t total = 1;                                                                 \
        for (int d = 0; d < ndim; d++)                                                     \
            total *= shape[d];                                                             \
        if (total == 0)                                                                    \
            return;                                                                        \
        if (ndim == 0) {                                                                   \
            int64_t off = 0, i = 0;                                                        \
            BODY;                                                                          \
            return;                                                                        \
        }                                                                                  \
        int64_t idx[16] = {0};                                                             \
        int64_t off = 0, n = shape[ndim - 1], s = st[ndim - 1];                            \
        for (int64_t base = 0; base < total; base += n) {                                  \
            for (int64_t j = 0; j < n; j++) {                                              \
                int64_t i = base + j;                                                      \
                int64_t off_j = off + j * s;                                               \
                { int64_t off = off_j; BODY; }                                             \
            }                                                                              \
            for (int d = ndim - 2; d >= 0; d--) {                                          \
                idx[d]++;                                                                  \
                off += st[d];                                                              \
                if (idx[d] < shape[d])                                                     \
                    break;                                                                 \
                off -= st[d] * shape[d];                                                   \
                idx[d] = 0;                                                                \
            }                                                                              \
        }                                                                                  \
    }

NB_STRIDED_WALK(float, nb_scatter_add_float, dst[off] += src[i])
NB_STRIDED_WALK(double, nb_scatter_add_double, dst[off] += src[i])
NB_STRIDED_WALK(float, nb_gather_float, dst[i] = src[off])
NB_STRIDED_WALK(double, nb_gather_double, dst[i] = src[off])

void nb_k_scatter_add_f32(int ndim, const int64_t *shape, const float *in, const int64_t *so,
                          float *out)
{
    nb_scatter_add_float(ndim, shape, in, so, out);
}

void nb_k_scatter_add_f64(int ndim, const int64_t *shape, const double *in, const int64_t *so,
                          double *out)
{
    nb_scatter_add_double(ndim, shape, in, so, out);
}

void nb_k_gather_f32(int ndim, const int64_t *shape, const float *in, const int64_t *si, float *out)
{
    nb_gather_float(ndim, shape, in, si, out);
}

void nb_k_gather_f64(int ndim, const int64_t *shape, const double *in, const int64_t *si,
                     double *out)
{
    nb_gather_double(ndim, shape, in, si, out);
}

/* Sums along the middle axis of [outer, n, inner].  Contiguous rows
 * (inner == 1) accumulate in double; column sums add whole rows so that the
 * inner loop is contiguous and accumulate in the data's type. */
#define NB_SUM_AXIS(NAME, T)                                                               \
    void NAME(int64_t outer, int64_t n, int64_t inner, const T *in, T *out)                \
    {                                                                                      \
        if (inner == 1) {                                                                  \
            for (int64_t o = 0; o < outer; o++) {                                          \
                double acc = 0;                                                            \
                const T *row = in + o * n;                                                 \
                for (int64_t j = 0; j < n; j++)                                            \
                    acc += row[j];                                                         \
                out[o] = (T)acc;                                                           \
            }                                                                              \
            return;                                                                        \
        }                                                                                  \
        for (int64_t o = 0; o < outer; o++) {                                              \
            T *dst = out + o * inner;                                                      \
            memset(dst, 0, sizeof *dst * (size_t)inner);                                   \
            for (int64_t j = 0; j < n; j++) {                                              \
                const T *row = in + (o * n + j) * inner;                                   \
                for (int64_t i = 0; i < inner; i++)                                        \
                    dst[i] += row[i];                                                      \
            }                                                                              \
        }                                                                                  \
    }

NB_SUM_AXIS(nb_k_sum_axis_f32, float)
NB_SUM_AXIS(nb_k_sum_axis_f64, double)
