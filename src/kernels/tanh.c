/* tanh kernels (see tanh.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "kernels/fast_tanh.h"
#include "kernels/simd.h"
#include "kernels/tanh.h"


static void nb_tanh_f32_base(int64_t n, const float *restrict in, float *restrict out)
{
    NB_SIMD
    for (int64_t i = 0; i < n; i++)
        out[i] = nb__tanhf(in[i]);
}

/* On x86 the same loop is also built for AVX2 and AVX-512 (target
 * attributes, chosen by the CPU at run time, as the GEMM kernels are).
 * Without contraction into FMAs (ISO C mode) each is the same sequence of
 * IEEE operations, so all give the same bits as the baseline loop. */
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#define NB_TANH_X86 1
#define NB_TANH_LOOP(NAME, TARGET)                                                           \
    TARGET static void NAME(int64_t n, const float *restrict in, float *restrict out)         \
    {                                                                                        \
        NB_SIMD                                                                              \
        for (int64_t i = 0; i < n; i++)                                                      \
            out[i] = nb__tanhf(in[i]);                                                       \
    }
NB_TANH_LOOP(nb_tanh_f32_avx2, __attribute__((target("avx2"))))
NB_TANH_LOOP(nb_tanh_f32_avx512, __attribute__((target("avx512f"))))
#endif

void nb_k_tanh_f32(int64_t n, const float *restrict in, float *restrict out, const void *params)
{
    (void)params;
#ifdef NB_TANH_X86
    __builtin_cpu_init(); /* cheap: reads a table filled once */
    if (__builtin_cpu_supports("avx512f")) {
        nb_tanh_f32_avx512(n, in, out);
        return;
    }
    if (__builtin_cpu_supports("avx2")) {
        nb_tanh_f32_avx2(n, in, out);
        return;
    }
#endif
    nb_tanh_f32_base(n, in, out);
}

void nb_k_tanh_f64(int64_t n, const double *restrict in, double *restrict out, const void *params)
{
    (void)params;
    NB_SIMD
    for (int64_t i = 0; i < n; i++)
        out[i] = tanh(in[i]);
}
