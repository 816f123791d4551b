/* Plain loops over raw buffers for elementwise maps, broadcast binary ops
 * and axis reductions (f32 and f64).  Nothing here knows about graphs. */
#ifndef NB_KERNELS_ELEMENTWISE_H
#define NB_KERNELS_ELEMENTWISE_H

#include <stdbool.h>
#include <stdint.h>

typedef enum nb_binary_kind {
    NB_BIN_ADD, NB_BIN_SUB, NB_BIN_MUL, NB_BIN_DIV, NB_BIN_POW,
    NB_BIN_MAX, NB_BIN_MIN,
    NB_BIN_GT, NB_BIN_GE, NB_BIN_LT, NB_BIN_LE, NB_BIN_EQ /* 1 or 0 */
} nb_binary_kind;

/* Strides (in elements) of a contiguous tensor of in_shape seen as out_shape
 * under NumPy broadcasting: broadcast axes get stride 0, missing leading axes
 * too.  Returns false when the shapes are not broadcast-compatible. */
bool nb_k_broadcast_strides(int in_ndim, const int64_t *in_shape, int out_ndim,
                            const int64_t *out_shape, int64_t *strides);

/* out[idx] = a[idx . sa] (op) b[idx . sb] over the multi-index idx of
 * out_shape (contiguous out). */
void nb_k_binary_f32(nb_binary_kind kind, int ndim, const int64_t *shape, const float *a,
                     const int64_t *sa, const float *b, const int64_t *sb, float *out);
void nb_k_binary_f64(nb_binary_kind kind, int ndim, const int64_t *shape, const double *a,
                     const int64_t *sa, const double *b, const int64_t *sb, double *out);

/* out[idx . so] += in[idx] for every idx of in_shape (contiguous in): sums
 * `in` into a smaller tensor whose strides `so` are 0 on reduced axes.  out
 * must be zeroed first.  Accumulates f32 in f32. */
void nb_k_scatter_add_f32(int ndim, const int64_t *shape, const float *in, const int64_t *so,
                          float *out);
void nb_k_scatter_add_f64(int ndim, const int64_t *shape, const double *in, const int64_t *so,
                          double *out);

/* Strided gather: out[idx] = in[idx . si] over out's shape (broadcast copy). */
void nb_k_gather_f32(int ndim, const int64_t *shape, const float *in, const int64_t *si, float *out);
void nb_k_gather_f64(int ndim, const int64_t *shape, const double *in, const int64_t *si,
                     double *out);

/* View the input as [outer, n, inner] and sum the middle axis into
 * out[outer, inner].  Row sums (inner == 1) accumulate in double, column
 * sums in the data's type. */
void nb_k_sum_axis_f32(int64_t outer, int64_t n, int64_t inner, const float *in, float *out);
void nb_k_sum_axis_f64(int64_t outer, int64_t n, int64_t inner, const double *in, double *out);

/* Dense, same-length buffers (accumulate.c): out = a + b; acc += b;
 * out = g * (1 - y*y) (the tanh gradient from its output y, fused). */
void nb_k_add_f32(int64_t n, const float *a, const float *b, float *out);
void nb_k_add_f64(int64_t n, const double *a, const double *b, double *out);
void nb_k_add_inplace_f32(int64_t n, float *acc, const float *b);
void nb_k_add_inplace_f64(int64_t n, double *acc, const double *b);
void nb_k_tanh_grad_f32(int64_t n, const float *g, const float *y, float *out);
void nb_k_tanh_grad_f64(int64_t n, const double *g, const double *y, double *out);

#endif
