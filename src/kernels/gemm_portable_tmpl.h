/* nabla: the portable micro-kernel for one element type, instantiated for
 * f32 and f64 by gemm_portable.c through kernels/instantiate.h (T, SFX,
 * FN); FN(NR_) is the type's tile width.  Not a public header: it has no
 * include guard on purpose. */

static void FN(ukr_)(int64_t kc, const T *restrict a, const T *restrict b, T *restrict c,
                     int64_t ldc, T alpha, T beta)
{
    T acc[MR][FN(NR_)] = {{0}};
    for (int64_t p = 0; p < kc; p++) {
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < FN(NR_); j++)
                acc[i][j] += a[i] * b[j];
        a += MR;
        b += FN(NR_);
    }
    for (int i = 0; i < MR; i++) {
        T *r = c + i * ldc;
        if (beta == (T)0)
            for (int j = 0; j < FN(NR_); j++)
                r[j] = alpha * acc[i][j];
        else
            for (int j = 0; j < FN(NR_); j++)
                r[j] = alpha * acc[i][j] + beta * r[j];
    }
}
