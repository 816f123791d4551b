/* nabla: AVX2 + FMA micro-kernels for the packed GEMM driver.
 *
 * Target attributes rather than per-file flags (see gemm_avx512.c).  With
 * 16 ymm registers the tile is 6 rows x 2 vectors: 12 accumulators, two B
 * vectors and one A broadcast.
 *   f32: 6 x 16,  f64: 6 x 8. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>

#include "kernels/gemm_internal.h"

#ifdef NB__GEMM_X86
#include <immintrin.h>

#define NB__TGT __attribute__((target("avx2,fma")))
#define MR 6

NB__TGT static void ukr_f32(int64_t kc, const float *restrict a,
                            const float *restrict b, float *restrict c,
                            int64_t ldc, float alpha, float beta)
{
    __m256 c0[MR], c1[MR];
    /* The tile's rows of C are ldc apart (often 4 KiB: the same cache set),
     * and are read or written only after the k loop; asking for them now
     * hides their misses behind the arithmetic. */
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 15), _MM_HINT_T0);
    }
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
        c0[i] = _mm256_setzero_ps();
        c1[i] = _mm256_setzero_ps();
    }
    for (int64_t p = 0; p < kc; p++) {
        __m256 b0 = _mm256_loadu_ps(b);
        __m256 b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            __m256 ai = _mm256_broadcast_ss(a + i);
            c0[i] = _mm256_fmadd_ps(ai, b0, c0[i]);
            c1[i] = _mm256_fmadd_ps(ai, b1, c1[i]);
        }
        a += MR;
        b += 16;
    }
    __m256 va = _mm256_set1_ps(alpha);
    if (beta == 0.0f) {
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            _mm256_storeu_ps(c + i * ldc, _mm256_mul_ps(va, c0[i]));
            _mm256_storeu_ps(c + i * ldc + 8, _mm256_mul_ps(va, c1[i]));
        }
    } else {
        __m256 vb = _mm256_set1_ps(beta);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            float *r = c + i * ldc;
            __m256 o0 = _mm256_mul_ps(vb, _mm256_loadu_ps(r));
            __m256 o1 = _mm256_mul_ps(vb, _mm256_loadu_ps(r + 8));
            _mm256_storeu_ps(r, _mm256_fmadd_ps(va, c0[i], o0));
            _mm256_storeu_ps(r + 8, _mm256_fmadd_ps(va, c1[i], o1));
        }
    }
}

NB__TGT static void ukr_f64(int64_t kc, const double *restrict a,
                            const double *restrict b, double *restrict c,
                            int64_t ldc, double alpha, double beta)
{
    __m256d c0[MR], c1[MR];
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) { /* as in ukr_f32 */
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 7), _MM_HINT_T0);
    }
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
        c0[i] = _mm256_setzero_pd();
        c1[i] = _mm256_setzero_pd();
    }
    for (int64_t p = 0; p < kc; p++) {
        __m256d b0 = _mm256_loadu_pd(b);
        __m256d b1 = _mm256_loadu_pd(b + 4);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            __m256d ai = _mm256_broadcast_sd(a + i);
            c0[i] = _mm256_fmadd_pd(ai, b0, c0[i]);
            c1[i] = _mm256_fmadd_pd(ai, b1, c1[i]);
        }
        a += MR;
        b += 8;
    }
    __m256d va = _mm256_set1_pd(alpha);
    if (beta == 0.0) {
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            _mm256_storeu_pd(c + i * ldc, _mm256_mul_pd(va, c0[i]));
            _mm256_storeu_pd(c + i * ldc + 4, _mm256_mul_pd(va, c1[i]));
        }
    } else {
        __m256d vb = _mm256_set1_pd(beta);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            double *r = c + i * ldc;
            __m256d o0 = _mm256_mul_pd(vb, _mm256_loadu_pd(r));
            __m256d o1 = _mm256_mul_pd(vb, _mm256_loadu_pd(r + 4));
            _mm256_storeu_pd(r, _mm256_fmadd_pd(va, c0[i], o0));
            _mm256_storeu_pd(r + 4, _mm256_fmadd_pd(va, c1[i], o1));
        }
    }
}

/* B sliver kc x nr: 16 KiB (f32) / 16 KiB (f64) in L1; A block in L2. */
static const nb__gemm_kernel_f32 k_f32 = {MR, 16, 264, 256, 4096, ukr_f32,
                                         NULL, NULL};
static const nb__gemm_kernel_f64 k_f64 = {MR, 8, 132, 256, 2048, ukr_f64,
                                         NULL, NULL};

const nb__gemm_kernel_f32 *nb__gemm_avx2_f32(void) { return &k_f32; }
const nb__gemm_kernel_f64 *nb__gemm_avx2_f64(void) { return &k_f64; }

#else /* !NB__GEMM_X86 */

const nb__gemm_kernel_f32 *nb__gemm_avx2_f32(void) { return NULL; }
const nb__gemm_kernel_f64 *nb__gemm_avx2_f64(void) { return NULL; }

#endif
