/* nabla: the small-shape GEMM paths (gemm_small_tmpl.h) with AVX2 + FMA:
 * 8 f32 or 4 f64 lanes.  With 16 ymm registers the narrow tiles are 8 rows
 * x 1 vector or 6 rows x 2 vectors (8 or 12 accumulators), so n <= 16 for
 * f32 and n <= 8 for f64.  Target attributes, as in gemm_avx2.c. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "kernels/gemm_internal.h"

#ifdef NB__GEMM_X86
#include <immintrin.h>

#define NB__STGT __attribute__((target("avx2,fma")))
#define NB__SMALL_NARROW 1
#define SN(x) FN(NB__K_CAT(x, avx2_))

NB__STGT static inline float hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v),
                          _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

NB__STGT static inline double hsum4(__m256d v)
{
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v),
                           _mm256_extractf128_pd(v, 1));
    s = _mm_add_sd(s, _mm_unpackhi_pd(s, s));
    return _mm_cvtsd_f64(s);
}

#define V_f32 __m256
#define L_f32 8
#define VZERO_f32() _mm256_setzero_ps()
#define VSET1_f32(x) _mm256_set1_ps(x)
#define VLOADU_f32(p) _mm256_loadu_ps(p)
#define VSTOREU_f32(p, v) _mm256_storeu_ps(p, v)
#define VFMA_f32(a, b, c) _mm256_fmadd_ps(a, b, c)
#define VMUL_f32(a, b) _mm256_mul_ps(a, b)
#define VHSUM_f32(v) hsum8(v)
#define MR1_f32 8
#define MR2_f32 6
#define NARROW_f32 16

#define V_f64 __m256d
#define L_f64 4
#define VZERO_f64() _mm256_setzero_pd()
#define VSET1_f64(x) _mm256_set1_pd(x)
#define VLOADU_f64(p) _mm256_loadu_pd(p)
#define VSTOREU_f64(p, v) _mm256_storeu_pd(p, v)
#define VFMA_f64(a, b, c) _mm256_fmadd_pd(a, b, c)
#define VMUL_f64(a, b) _mm256_mul_pd(a, b)
#define VHSUM_f64(v) hsum4(v)
#define MR1_f64 8
#define MR2_f64 6
#define NARROW_f64 8

/* f32 narrow products read in place (gemm_narrow_avx2.c); none for f64. */
#define NB__SMALL_FIRST 1
#define NB__SMALL_FIRST_f32 nb__gemm_narrow_avx2_f32
#define NB__SMALL_FIRST_f64(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) 0

#define NB_TMPL "kernels/gemm_small_tmpl.h"
#include "kernels/instantiate.h"

#else /* !NB__GEMM_X86: never called (gemm.c finds no AVX2) */

int nb__gemm_small_avx2_f32(bool ta, bool tb, int64_t m, int64_t n,
                            int64_t k, float alpha, const float *a,
                            int64_t lda, const float *b, int64_t ldb,
                            float beta, float *c, int64_t ldc)
{
    (void)ta, (void)tb, (void)m, (void)n, (void)k, (void)alpha, (void)a;
    (void)lda, (void)b, (void)ldb, (void)beta, (void)c, (void)ldc;
    return 0;
}
int nb__gemm_small_avx2_f64(bool ta, bool tb, int64_t m, int64_t n,
                            int64_t k, double alpha, const double *a,
                            int64_t lda, const double *b, int64_t ldb,
                            double beta, double *c, int64_t ldc)
{
    (void)ta, (void)tb, (void)m, (void)n, (void)k, (void)alpha, (void)a;
    (void)lda, (void)b, (void)ldb, (void)beta, (void)c, (void)ldc;
    return 0;
}

#endif
