/* Unary elementwise loops: the switch sits outside the loop so that each
 * loop is a plain map over contiguous memory.  The body is written once and
 * instantiated for float (libm names with the suffix f) and double. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "kernels/fast_tanh.h"
#include "kernels/unary.h"

/* With OpenMP (or -fopenmp-simd) this asks for vector code even at -O2,
 * whose cheap cost model skips loops of unknown length; elsewhere a no-op. */
#ifdef _OPENMP
#define NB_SIMD _Pragma("omp simd")
#else
#define NB_SIMD
#endif

#define NB_MAP(EXPR)                                                                        \
    NB_SIMD                                                                                  \
    for (int64_t i = 0; i < n; i++) {                                                        \
        T x = in[i];                                                                         \
        out[i] = (EXPR);                                                                     \
    }                                                                                        \
    break

/* SUF is the libm suffix: f for float, empty for double.  TANH is the tanh
 * to use: f32 has its own vectorisable one (kernels/fast_tanh.h), f64 keeps
 * libm's, which gradient checks in f64 rely on. */
#define NB_UNARY_BODY(SUF, TANH)                                                             \
    const T c0 = (T)p0, c1 = (T)p1;                                                          \
    (void)c1;                                                                                \
    switch (kind) {                                                                          \
    case NB_UN_NEG: NB_MAP(-x);                                                              \
    case NB_UN_SQUARE: NB_MAP(x * x);                                                        \
    case NB_UN_TANH: NB_MAP(TANH(x));                                                        \
    case NB_UN_ADD_SCALAR: NB_MAP(x + c0);                                                   \
    case NB_UN_MUL_SCALAR: NB_MAP(x * c0);                                                   \
    case NB_UN_EXP: NB_MAP(exp##SUF(x));                                                     \
    case NB_UN_LOG: NB_MAP(log##SUF(x));                                                     \
    case NB_UN_SQRT: NB_MAP(sqrt##SUF(x));                                                   \
    case NB_UN_ABS: NB_MAP(fabs##SUF(x));                                                    \
    case NB_UN_POW_SCALAR:                                                                   \
        if (p0 == 2.0) {                                                                     \
            NB_MAP(x * x);                                                                   \
        }                                                                                    \
        NB_MAP(pow##SUF(x, c0));                                                             \
    /* e = e^-|x| is in (0, 1], so nothing overflows; for x >= 0 the result is   \
     * 1/(1+e), for x < 0 it is e/(1+e) (the same value, computed without      \
     * 1 - tiny cancellation). */                                                          \
    case NB_UN_SIGMOID: {                                                                    \
        NB_SIMD                                                                              \
        for (int64_t i = 0; i < n; i++) {                                                    \
            T x = in[i];                                                                     \
            T e = exp##SUF(-fabs##SUF(x));                                                   \
            T r = (T)1 / ((T)1 + e);                                                         \
            out[i] = x >= 0 ? r : e * r;                                                     \
        }                                                                                    \
        break;                                                                               \
    }                                                                                        \
    case NB_UN_RELU: NB_MAP(x < 0 ? (T)0 : x);                                               \
    case NB_UN_LEAKY_RELU: NB_MAP(x < 0 ? c0 * x : x);                                       \
    case NB_UN_SOFTPLUS: NB_MAP((x > 0 ? x : (T)0) + log1p##SUF(exp##SUF(-fabs##SUF(x))));   \
    case NB_UN_SIN: NB_MAP(sin##SUF(x));                                                     \
    case NB_UN_COS: NB_MAP(cos##SUF(x));                                                     \
    case NB_UN_CLAMP: NB_MAP(x < c0 ? c0 : (x > c1 ? c1 : x));                               \
    case NB_UN_SIGN: NB_MAP(x > 0 ? (T)1 : (x < 0 ? (T)-1 : x));                             \
    case NB_UN_COUNT: break;                                                                 \
    }

/* tanh is the one map a tanh network runs on every hidden activation, so
 * on x86 it also gets AVX2 and AVX-512 builds of the same loop (target
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

void nb_k_unary_f32(nb_unary_kind kind, int64_t n, const float *restrict in, float *restrict out,
                    double p0, double p1)
{
#ifdef NB_TANH_X86
    if (kind == NB_UN_TANH) {
        __builtin_cpu_init(); /* cheap: reads a table filled once */
        if (__builtin_cpu_supports("avx512f")) {
            nb_tanh_f32_avx512(n, in, out);
            return;
        }
        if (__builtin_cpu_supports("avx2")) {
            nb_tanh_f32_avx2(n, in, out);
            return;
        }
    }
#endif
    typedef float T;
    NB_UNARY_BODY(f, nb__tanhf)
}

void nb_k_unary_f64(nb_unary_kind kind, int64_t n, const double *restrict in,
                    double *restrict out, double p0, double p1)
{
    typedef double T;
    NB_UNARY_BODY(, tanh)
}

void nb_k_convert_f32_f64(int64_t n, const float *restrict in, double *restrict out)
{
    for (int64_t i = 0; i < n; i++)
        out[i] = (double)in[i];
}

void nb_k_convert_f64_f32(int64_t n, const double *restrict in, float *restrict out)
{
    for (int64_t i = 0; i < n; i++)
        out[i] = (float)in[i];
}
