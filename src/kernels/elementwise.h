/* Plain loops over raw buffers for the elementwise ops (f32 and f64): the
 * calling conventions of an op's own loops, the broadcast driver that runs
 * them, broadcast copies and sums, and the engine's dense adds.  Nothing
 * here knows about graphs.
 *
 * An elementwise op owns its loops (written in its op file as one row of an
 * NB_MAPS / NB_ZIPS list, see elementwise_loops.h) and names them in its
 * descriptor; there is no list of op kinds here to extend. */
#ifndef NB_KERNELS_ELEMENTWISE_H
#define NB_KERNELS_ELEMENTWISE_H

#include <stdbool.h>
#include <stdint.h>

/* A map: out[i] = f(in[i]) for i < n, with the op's parameter struct. */
typedef void (*nb_map_f32)(int64_t n, const float *in, float *out, const void *params);
typedef void (*nb_map_f64)(int64_t n, const double *in, double *out, const void *params);

/* A zip row: out[i] = f(in[0][i * st[0]], in[1][i * st[1]], ...) for i < n,
 * each stride 0 (a broadcast input) or 1.  Run by nb_k_zip_*. */
typedef void (*nb_zip_f32)(int64_t n, const float *const *in, const int64_t *st, float *out,
                           const void *params);
typedef void (*nb_zip_f64)(int64_t n, const double *const *in, const int64_t *st, double *out,
                           const void *params);

/* Inputs of one zip (where has three: mask, a, b). */
#define NB_K_MAX_ZIP_INPUTS 3

/* Strides (in elements) of a contiguous tensor of in_shape seen as out_shape
 * under NumPy broadcasting: broadcast axes get stride 0, missing leading axes
 * too.  Returns false when the shapes are not broadcast-compatible. */
bool nb_k_broadcast_strides(int in_ndim, const int64_t *in_shape, int out_ndim,
                            const int64_t *out_shape, int64_t *strides);

/* out (contiguous, `shape`) from n_in (<= NB_K_MAX_ZIP_INPUTS) inputs seen
 * through their broadcast strides st[k]: the outer axes are walked with a
 * multi-index and `row` runs over each innermost row. */
void nb_k_zip_f32(int ndim, const int64_t *shape, int n_in, const float *const *in,
                  const int64_t *const *st, nb_zip_f32 row, const void *params, float *out);
void nb_k_zip_f64(int ndim, const int64_t *shape, int n_in, const double *const *in,
                  const int64_t *const *st, nb_zip_f64 row, const void *params, double *out);

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

/* Dense, same-length buffers (accumulate.c): out = a + b; acc += b;
 * out = g * (1 - y*y) (the tanh gradient from its output y, fused). */
void nb_k_add_f32(int64_t n, const float *a, const float *b, float *out);
void nb_k_add_f64(int64_t n, const double *a, const double *b, double *out);
void nb_k_add_inplace_f32(int64_t n, float *acc, const float *b);
void nb_k_add_inplace_f64(int64_t n, double *acc, const double *b);
void nb_k_tanh_grad_f32(int64_t n, const float *g, const float *y, float *out);
void nb_k_tanh_grad_f64(int64_t n, const double *g, const double *y, double *out);

#endif
