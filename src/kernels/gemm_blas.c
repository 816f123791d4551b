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

#define NB__CBLAS_f32 cblas_sgemm
#define NB__CBLAS_f64 cblas_dgemm

#else /* !NB_HAVE_CBLAS */

bool nb__gemm_blas_built(void) { return false; }

#endif

/* The call is written once in gemm_blas_tmpl.h. */
#define NB_TMPL "kernels/gemm_blas_tmpl.h"
#include "kernels/instantiate.h"
