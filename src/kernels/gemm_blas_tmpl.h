/* nabla: the CBLAS call for one element type, instantiated for f32 and f64
 * by gemm_blas.c through kernels/instantiate.h (T, SFX, FN); FN(NB__CBLAS_)
 * is cblas_sgemm or cblas_dgemm.  Without NB_HAVE_CBLAS it reports "not
 * built" (-2).  Not a public header: it has no include guard on purpose. */

int FN(nb__gemm_blas_)(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T *a,
                       int64_t lda, const T *b, int64_t ldb, T beta, T *c, int64_t ldc)
{
#ifdef NB_HAVE_CBLAS
    if (!fits_int(m, n, k, lda, ldb, ldc))
        return -1;
    FN(NB__CBLAS_)(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                   (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
    return 0;
#else
    (void)ta, (void)tb, (void)m, (void)n, (void)k, (void)alpha, (void)a;
    (void)lda, (void)b, (void)ldb, (void)beta, (void)c, (void)ldc;
    return -2;
#endif
}
