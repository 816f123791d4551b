/* Body of the dense adds for one element type, instantiated for f32 and
 * f64 by accumulate.c through kernels/instantiate.h (T, SFX, FN).  Not a
 * public header: no include guard on purpose. */

void FN(nb_k_add_)(int64_t n, const T *restrict a, const T *restrict b, T *restrict out)
{
    NB_SIMD
    for (int64_t i = 0; i < n; i++)
        out[i] = a[i] + b[i];
}

void FN(nb_k_add_inplace_)(int64_t n, T *restrict acc, const T *restrict b)
{
    NB_SIMD
    for (int64_t i = 0; i < n; i++)
        acc[i] += b[i];
}

void FN(nb_k_tanh_grad_)(int64_t n, const T *restrict g, const T *restrict y, T *restrict out)
{
    NB_SIMD
    for (int64_t i = 0; i < n; i++)
        out[i] = g[i] * ((T)1 - y[i] * y[i]);
}
