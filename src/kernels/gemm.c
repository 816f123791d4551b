/* nabla: GEMM entry points: argument checks, the cases that need no
 * multiplication, choice of implementation and workspace handling.  The
 * arithmetic lives in gemm_driver.c and the micro-kernel files. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>

#include "kernels/gemm_internal.h"

/* Asked every call: __builtin_cpu_supports only reads a table that the
 * runtime fills once at start-up, so there is nothing worth caching. */
static bool cpu_has(nb_gemm_impl impl)
{
#ifdef NB__GEMM_X86
    __builtin_cpu_init();
    switch (impl) {
    case NB_GEMM_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case NB_GEMM_AVX512:
        return __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("fma");
    default:
        return false;
    }
#else
    (void)impl;
    return false;
#endif
}

bool nb_gemm_impl_available(nb_gemm_impl impl)
{
    switch (impl) {
    case NB_GEMM_AUTO:
    case NB_GEMM_PORTABLE:
        return true;
    case NB_GEMM_AVX2:
        return nb__gemm_avx2_f32() != NULL && cpu_has(NB_GEMM_AVX2);
    case NB_GEMM_AVX512:
        return nb__gemm_avx512_f32() != NULL && cpu_has(NB_GEMM_AVX512);
    case NB_GEMM_BLAS:
        return nb__gemm_blas_built();
    }
    return false;
}

const char *nb_gemm_impl_name(nb_gemm_impl impl)
{
    switch (impl) {
    case NB_GEMM_AUTO: return "auto";
    case NB_GEMM_PORTABLE: return "portable";
    case NB_GEMM_AVX2: return "avx2";
    case NB_GEMM_AVX512: return "avx512";
    case NB_GEMM_BLAS: return "blas";
    }
    return "unknown";
}

/* AUTO is our own best kernel, never BLAS: see docs/kernels.md. */
static nb_gemm_impl resolve(nb_gemm_impl impl)
{
    if (impl != NB_GEMM_AUTO)
        return impl;
    if (nb_gemm_impl_available(NB_GEMM_AVX512))
        return NB_GEMM_AVX512;
    if (nb_gemm_impl_available(NB_GEMM_AVX2))
        return NB_GEMM_AVX2;
    return NB_GEMM_PORTABLE;
}

static bool valid_impl(nb_gemm_impl impl)
{
    return impl >= NB_GEMM_AUTO && impl <= NB_GEMM_BLAS;
}

/* Shared argument rules: sizes >= 0, each leading dimension at least its
 * stored row length, pointers present for whatever will be read. */
static bool args_ok(bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                    bool alpha_zero, const void *a, int64_t lda,
                    const void *b, int64_t ldb, const void *c, int64_t ldc)
{
    if (m < 0 || n < 0 || k < 0)
        return false;
    if (lda < (ta ? m : k) || ldb < (tb ? k : n) || ldc < n)
        return false;
    if (m > 0 && n > 0) {
        if (c == NULL)
            return false;
        if (k > 0 && !alpha_zero && (a == NULL || b == NULL))
            return false;
    }
    return true;
}

static size_t max_size(size_t x, size_t y) { return x > y ? x : y; }

size_t nb_gemm_workspace_bytes(size_t elem_size, int64_t m, int64_t n,
                               int64_t k)
{
    /* Large enough for whichever of our kernels the call will pick. */
    size_t bytes = 0;
    if (elem_size == sizeof(float)) {
        const nb__gemm_kernel_f32 *ks[3] = {nb__gemm_portable_f32(),
                                            nb__gemm_avx2_f32(),
                                            nb__gemm_avx512_f32()};
        for (int i = 0; i < 3; i++)
            if (ks[i])
                bytes = max_size(bytes, nb__gemm_ws_bytes_f32(ks[i], m, n, k));
    } else if (elem_size == sizeof(double)) {
        const nb__gemm_kernel_f64 *ks[3] = {nb__gemm_portable_f64(),
                                            nb__gemm_avx2_f64(),
                                            nb__gemm_avx512_f64()};
        for (int i = 0; i < 3; i++)
            if (ks[i])
                bytes = max_size(bytes, nb__gemm_ws_bytes_f64(ks[i], m, n, k));
    }
    return bytes;
}

/* The rest is written once for both types; the macros below name the
 * type-specific pieces. */
#define NB__GEMM_DEFINE(SFX, T)                                                \
    static void scale_c_##SFX(int64_t m, int64_t n, T beta, T *c,              \
                              int64_t ldc)                                     \
    {                                                                          \
        /* beta == 0 overwrites, so NaNs already in C do not survive. */       \
        if (beta == (T)1)                                                      \
            return;                                                            \
        for (int64_t i = 0; i < m; i++)                                        \
            for (int64_t j = 0; j < n; j++)                                    \
                c[i * ldc + j] = beta == (T)0 ? (T)0 : beta * c[i * ldc + j];  \
    }                                                                          \
                                                                               \
    static const nb__gemm_kernel_##SFX *kernel_##SFX(nb_gemm_impl impl)        \
    {                                                                          \
        switch (impl) {                                                        \
        case NB_GEMM_PORTABLE: return nb__gemm_portable_##SFX();               \
        case NB_GEMM_AVX2: return nb__gemm_avx2_##SFX();                       \
        case NB_GEMM_AVX512: return nb__gemm_avx512_##SFX();                   \
        default: return NULL;                                                  \
        }                                                                      \
    }                                                                          \
                                                                               \
    int nb_gemm_##SFX##_with(nb_gemm_impl impl, bool ta, bool tb, int64_t m,   \
                             int64_t n, int64_t k, T alpha, const T *a,        \
                             int64_t lda, const T *b, int64_t ldb, T beta,     \
                             T *c, int64_t ldc, void *workspace)               \
    {                                                                          \
        if (!valid_impl(impl) || !nb_gemm_impl_available(impl))                \
            return -2;                                                         \
        if (!args_ok(ta, tb, m, n, k, alpha == (T)0, a, lda, b, ldb, c, ldc))  \
            return -1;                                                         \
        if (m == 0 || n == 0)                                                  \
            return 0;                                                          \
        if (k == 0 || alpha == (T)0) {                                         \
            scale_c_##SFX(m, n, beta, c, ldc);                                 \
            return 0;                                                          \
        }                                                                      \
        impl = resolve(impl);                                                  \
        if (impl == NB_GEMM_BLAS)                                              \
            return nb__gemm_blas_##SFX(ta, tb, m, n, k, alpha, a, lda, b, ldb, \
                                       beta, c, ldc);                          \
        const nb__gemm_kernel_##SFX *kern = kernel_##SFX(impl);                \
        if (kern == NULL)                                                      \
            return -2;                                                         \
        void *own = NULL;                                                      \
        if (workspace == NULL) {                                               \
            size_t bytes = nb__gemm_ws_bytes_##SFX(kern, m, n, k);             \
            /* aligned_alloc wants a multiple of the alignment. */             \
            own = aligned_alloc(64, (bytes + 63) / 64 * 64);                   \
            if (own == NULL)                                                   \
                return -1;                                                     \
            workspace = own;                                                   \
        }                                                                      \
        nb__gemm_run_##SFX(kern, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, \
                           c, ldc, workspace);                                 \
        free(own);                                                             \
        return 0;                                                              \
    }                                                                          \
                                                                               \
    int nb_gemm_##SFX(bool ta, bool tb, int64_t m, int64_t n, int64_t k,       \
                      T alpha, const T *a, int64_t lda, const T *b,            \
                      int64_t ldb, T beta, T *c, int64_t ldc, void *workspace) \
    {                                                                          \
        return nb_gemm_##SFX##_with(NB_GEMM_AUTO, ta, tb, m, n, k, alpha, a,   \
                                    lda, b, ldb, beta, c, ldc, workspace);     \
    }

NB__GEMM_DEFINE(f32, float)
NB__GEMM_DEFINE(f64, double)
