/* nabla: CBLAS backend for GEMM.  Always compiled so the dispatcher can
 * link against it; without NB_HAVE_CBLAS it only reports "not built".
 * The dispatcher has already handled empty problems, k == 0 and
 * alpha == 0, so every call that reaches cblas has valid leading
 * dimensions by BLAS's rules (>= 1). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>

#include "kernels/gemm_internal.h"

#ifdef NB_HAVE_CBLAS
#include <cblas.h>

/* CBLAS takes int sizes; refuse what would not fit rather than wrap. */
static bool fits_int(int64_t m, int64_t n, int64_t k, int64_t lda,
                     int64_t ldb, int64_t ldc)
{
    return m <= INT_MAX && n <= INT_MAX && k <= INT_MAX && lda <= INT_MAX &&
           ldb <= INT_MAX && ldc <= INT_MAX;
}

bool nb__gemm_blas_built(void) { return true; }

int nb__gemm_blas_f32(bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                      float alpha, const float *a, int64_t lda,
                      const float *b, int64_t ldb, float beta, float *c,
                      int64_t ldc)
{
    if (!fits_int(m, n, k, lda, ldb, ldc))
        return -1;
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, alpha,
                a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
    return 0;
}

int nb__gemm_blas_f64(bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                      double alpha, const double *a, int64_t lda,
                      const double *b, int64_t ldb, double beta, double *c,
                      int64_t ldc)
{
    if (!fits_int(m, n, k, lda, ldb, ldc))
        return -1;
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, alpha,
                a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
    return 0;
}

#else /* !NB_HAVE_CBLAS */

bool nb__gemm_blas_built(void) { return false; }

int nb__gemm_blas_f32(bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                      float alpha, const float *a, int64_t lda,
                      const float *b, int64_t ldb, float beta, float *c,
                      int64_t ldc)
{
    (void)ta, (void)tb, (void)m, (void)n, (void)k, (void)alpha, (void)a;
    (void)lda, (void)b, (void)ldb, (void)beta, (void)c, (void)ldc;
    return -2;
}

int nb__gemm_blas_f64(bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                      double alpha, const double *a, int64_t lda,
                      const double *b, int64_t ldb, double beta, double *c,
                      int64_t ldc)
{
    (void)ta, (void)tb, (void)m, (void)n, (void)k, (void)alpha, (void)a;
    (void)lda, (void)b, (void)ldb, (void)beta, (void)c, (void)ldc;
    return -2;
}

#endif
