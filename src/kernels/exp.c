/* f32 exp, log and sigmoid kernels (see exp.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/exp.h"
#include "kernels/fast_exp.h"
#include "kernels/simd.h"

#ifdef _OPENMP
#define NB_SIMD_SUM(s) _Pragma("omp simd reduction(+ : s)")
#else
#define NB_SIMD_SUM(s)
#endif

/* The loops of one variant; FUSED is 0 or 1, TARGET its target attribute. */
#define NB_FAST_LOOPS(SFX, FUSED, TARGET)                                                    \
    TARGET static void nb_exp_##SFX(int64_t n, const float *restrict in, float *restrict out) \
    {                                                                                        \
        NB_SIMD                                                                              \
        for (int64_t i = 0; i < n; i++)                                                      \
            out[i] = nb__expf_(in[i], FUSED);                                                \
    }                                                                                        \
    TARGET static void nb_log_##SFX(int64_t n, const float *restrict in, float *restrict out) \
    {                                                                                        \
        NB_SIMD                                                                              \
        for (int64_t i = 0; i < n; i++)                                                      \
            out[i] = nb__logf_(in[i], FUSED);                                                \
    }                                                                                        \
    TARGET static void nb_sigmoid_##SFX(int64_t n, const float *restrict in,                 \
                                        float *restrict out)                                 \
    {                                                                                        \
        NB_SIMD                                                                              \
        for (int64_t i = 0; i < n; i++)                                                      \
            out[i] = nb__sigmoidf_(in[i], FUSED);                                            \
    }                                                                                        \
    TARGET static double nb_exp_sum_##SFX(int64_t n, const float *restrict in, float shift,  \
                                          float *restrict out)                               \
    {                                                                                        \
        double s = 0;                                                                        \
        if (out) {                                                                           \
            NB_SIMD_SUM(s)                                                                   \
            for (int64_t i = 0; i < n; i++) {                                                \
                float e = nb__expf_(in[i] - shift, FUSED);                                   \
                out[i] = e;                                                                  \
                s += (double)e;                                                              \
            }                                                                                \
        } else {                                                                             \
            NB_SIMD_SUM(s)                                                                   \
            for (int64_t i = 0; i < n; i++)                                                  \
                s += (double)nb__expf_(in[i] - shift, FUSED);                                \
        }                                                                                    \
        return s;                                                                            \
    }

NB_FAST_LOOPS(base, 0, )

/* On x86 the loops are also built for AVX2 with FMA (target attributes,
 * chosen by the CPU at run time); there the multiply-adds of fast_exp.h are
 * fused, so the two variants differ in the last bits, both within the
 * stated error.  AVX-512 machines run the AVX2 loops. */
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#define NB_FAST_X86 1
NB_FAST_LOOPS(fma, 1, __attribute__((target("avx2,fma"))))
#endif

bool nb_k_fast_has_fma(void)
{
#ifdef NB_FAST_X86
    __builtin_cpu_init(); /* cheap: reads a table filled once */
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
}

#ifdef NB_FAST_X86
#define NB_FAST_DISPATCH(NAME, ...)                                                          \
    do {                                                                                     \
        if (nb_k_fast_has_fma())                                                             \
            return nb_##NAME##_fma(__VA_ARGS__);                                             \
        return nb_##NAME##_base(__VA_ARGS__);                                                \
    } while (0)
#else
#define NB_FAST_DISPATCH(NAME, ...) return nb_##NAME##_base(__VA_ARGS__)
#endif

void nb_k_exp_f32(int64_t n, const float *restrict in, float *restrict out, const void *params)
{
    (void)params;
    NB_FAST_DISPATCH(exp, n, in, out);
}

void nb_k_log_f32(int64_t n, const float *restrict in, float *restrict out, const void *params)
{
    (void)params;
    NB_FAST_DISPATCH(log, n, in, out);
}

void nb_k_sigmoid_f32(int64_t n, const float *restrict in, float *restrict out,
                      const void *params)
{
    (void)params;
    NB_FAST_DISPATCH(sigmoid, n, in, out);
}

double nb_k_exp_shift_sum_f32(int64_t n, const float *restrict in, float shift,
                              float *restrict out)
{
    NB_FAST_DISPATCH(exp_sum, n, in, shift, out);
}

bool nb_k_fast_f32_variant(nb_k_fast_fn which, bool fused, int64_t n, const float *in, float *out)
{
    void (*fn)(int64_t, const float *restrict, float *restrict) = NULL;
    if (!fused)
        fn = which == NB_K_FAST_EXP ? nb_exp_base : which == NB_K_FAST_LOG ? nb_log_base
                                                                            : nb_sigmoid_base;
#ifdef NB_FAST_X86
    else if (nb_k_fast_has_fma())
        fn = which == NB_K_FAST_EXP ? nb_exp_fma : which == NB_K_FAST_LOG ? nb_log_fma
                                                                           : nb_sigmoid_fma;
#endif
    if (!fn)
        return false;
    fn(n, in, out);
    return true;
}
