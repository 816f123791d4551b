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
               __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
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

/* The entry points are written once in gemm_tmpl.h and instantiated for
 * float and double here. */
#define NB_TMPL "kernels/gemm_tmpl.h"
#include "kernels/instantiate.h"

size_t nb_gemm_workspace_bytes(size_t elem_size, int64_t m, int64_t n, int64_t k)
{
    /* Large enough for whichever of our kernels the call will pick. */
    if (elem_size == sizeof(float))
        return ws_bytes_any_f32(m, n, k);
    if (elem_size == sizeof(double))
        return ws_bytes_any_f64(m, n, k);
    return 0;
}
