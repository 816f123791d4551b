/* nabla: the GEMM entry points for one element type (checks, the cases
 * that need no multiplication, implementation and workspace), instantiated
 * for f32 and f64 by gemm.c through kernels/instantiate.h (T, SFX, FN).
 * Not a public header: it has no include guard on purpose. */

static void FN(scale_c_)(int64_t m, int64_t n, T beta, T *c, int64_t ldc)
{
    /* beta == 0 overwrites, so NaNs already in C do not survive. */
    if (beta == (T)1)
        return;
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++)
            c[i * ldc + j] = beta == (T)0 ? (T)0 : beta * c[i * ldc + j];
}

/* The largest workspace any of our kernels of this type needs. */
static size_t FN(ws_bytes_any_)(int64_t m, int64_t n, int64_t k)
{
    const FN(nb__gemm_kernel_) *ks[3] = {FN(nb__gemm_portable_)(), FN(nb__gemm_avx2_)(),
                                         FN(nb__gemm_avx512_)()};
    size_t bytes = 0;
    for (int i = 0; i < 3; i++)
        if (ks[i])
            bytes = max_size(bytes, FN(nb__gemm_ws_bytes_)(ks[i], m, n, k));
    return bytes;
}

static const FN(nb__gemm_kernel_) *FN(kernel_)(nb_gemm_impl impl)
{
    switch (impl) {
    case NB_GEMM_PORTABLE: return FN(nb__gemm_portable_)();
    case NB_GEMM_AVX2: return FN(nb__gemm_avx2_)();
    case NB_GEMM_AVX512: return FN(nb__gemm_avx512_)();
    default: return NULL;
    }
}

/* The small-shape path of impl, before any workspace is touched. */
static int FN(small_)(nb_gemm_impl impl, bool ta, bool tb, int64_t m,
                      int64_t n, int64_t k, T alpha, const T *a, int64_t lda,
                      const T *b, int64_t ldb, T beta, T *c, int64_t ldc)
{
    switch (impl) {
    case NB_GEMM_PORTABLE:
        return FN(nb__gemm_small_portable_)(ta, tb, m, n, k, alpha, a, lda, b,
                                            ldb, beta, c, ldc);
    case NB_GEMM_AVX2:
        return FN(nb__gemm_small_avx2_)(ta, tb, m, n, k, alpha, a, lda, b,
                                        ldb, beta, c, ldc);
    case NB_GEMM_AVX512:
        return FN(nb__gemm_small_avx512_)(ta, tb, m, n, k, alpha, a, lda, b,
                                          ldb, beta, c, ldc);
    default:
        return 0;
    }
}

int FN3(nb_gemm_, _with)(nb_gemm_impl impl, bool ta, bool tb, int64_t m,
                         int64_t n, int64_t k, T alpha, const T *a,
                         int64_t lda, const T *b, int64_t ldb, T beta,
                         T *c, int64_t ldc, void *workspace)
{
    if (!valid_impl(impl) || !nb_gemm_impl_available(impl))
        return -2;
    if (!args_ok(ta, tb, m, n, k, alpha == (T)0, a, lda, b, ldb, c, ldc))
        return -1;
    if (m == 0 || n == 0)
        return 0;
    if (k == 0 || alpha == (T)0) {
        FN(scale_c_)(m, n, beta, c, ldc);
        return 0;
    }
    impl = resolve(impl);
    if (impl == NB_GEMM_BLAS)
        return FN(nb__gemm_blas_)(ta, tb, m, n, k, alpha, a, lda, b, ldb,
                                  beta, c, ldc);
    if (FN(small_)(impl, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c,
                   ldc))
        return 0;
    const FN(nb__gemm_kernel_) *kern = FN(kernel_)(impl);
    if (kern == NULL)
        return -2;
    void *own = NULL;
    if (workspace == NULL) {
        size_t bytes = FN(nb__gemm_ws_bytes_)(kern, m, n, k);
        /* aligned_alloc wants a multiple of the alignment. */
        own = aligned_alloc(64, (bytes + 63) / 64 * 64);
        if (own == NULL)
            return -1;
        workspace = own;
    }
    FN(nb__gemm_run_)(kern, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta,
                      c, ldc, workspace);
    free(own);
    return 0;
}

int FN(nb_gemm_)(bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                 T alpha, const T *a, int64_t lda, const T *b,
                 int64_t ldb, T beta, T *c, int64_t ldc, void *workspace)
{
    return FN3(nb_gemm_, _with)(NB_GEMM_AUTO, ta, tb, m, n, k, alpha, a,
                                lda, b, ldb, beta, c, ldc, workspace);
}
