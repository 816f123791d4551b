/* Dense adds used by the backward engine (gradient accumulation) and the
 * fused first-order tanh gradient.  Plain loops over contiguous memory with
 * restrict pointers, so the compiler vectorises them. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/elementwise.h"

#ifdef _OPENMP
#define NB_SIMD _Pragma("omp simd")
#else
#define NB_SIMD
#endif

void nb_k_add_f32(int64_t n, const float *restrict a, const float *restrict b, float *restrict out)
{
    NB_SIMD
    for (int64_t i = 0; i < n; i++)
        out[i] = a[i] + b[i];
}

void nb_k_add_f64(int64_t n, const double *restrict a, const double *restrict b,
                  double *restrict out)
{
    NB_SIMD
    for (int64_t i = 0; i < n; i++)
        out[i] = a[i] + b[i];
}

void nb_k_add_inplace_f32(int64_t n, float *restrict acc, const float *restrict b)
{
    NB_SIMD
    for (int64_t i = 0; i < n; i++)
        acc[i] += b[i];
}

void nb_k_add_inplace_f64(int64_t n, double *restrict acc, const double *restrict b)
{
    NB_SIMD
    for (int64_t i = 0; i < n; i++)
        acc[i] += b[i];
}

void nb_k_tanh_grad_f32(int64_t n, const float *restrict g, const float *restrict y,
                        float *restrict out)
{
    NB_SIMD
    for (int64_t i = 0; i < n; i++)
        out[i] = g[i] * (1.0f - y[i] * y[i]);
}

void nb_k_tanh_grad_f64(int64_t n, const double *restrict g, const double *restrict y,
                        double *restrict out)
{
    NB_SIMD
    for (int64_t i = 0; i < n; i++)
        out[i] = g[i] * (1.0 - y[i] * y[i]);
}
