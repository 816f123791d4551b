/* nabla: the small-shape GEMM paths (gemm_small_tmpl.h) with AVX-512F:
 * 16 f32 or 8 f64 lanes.  Narrow tiles: 16 rows x 1 vector or 12 rows x 2
 * vectors (16 or 24 of the 32 zmm registers as accumulators), so n <= 16
 * for f32 and f64 alike.  Target attributes, as in gemm_avx512.c: nothing
 * here runs unless gemm.c has checked the CPU. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "kernels/gemm_internal.h"

#ifdef NB__GEMM_X86
#include <immintrin.h>

#define NB__STGT __attribute__((target("avx512f,fma")))
#define NB__SMALL_NARROW 1
#define SN(x) FN(NB__K_CAT(x, avx512_))

#define V_f32 __m512
#define L_f32 16
#define VZERO_f32() _mm512_setzero_ps()
#define VSET1_f32(x) _mm512_set1_ps(x)
#define VLOADU_f32(p) _mm512_loadu_ps(p)
#define VSTOREU_f32(p, v) _mm512_storeu_ps(p, v)
#define VFMA_f32(a, b, c) _mm512_fmadd_ps(a, b, c)
#define VMUL_f32(a, b) _mm512_mul_ps(a, b)
#define VHSUM_f32(v) _mm512_reduce_add_ps(v)
#define MR1_f32 16
#define MR2_f32 12
#define NARROW_f32 16

#define V_f64 __m512d
#define L_f64 8
#define VZERO_f64() _mm512_setzero_pd()
#define VSET1_f64(x) _mm512_set1_pd(x)
#define VLOADU_f64(p) _mm512_loadu_pd(p)
#define VSTOREU_f64(p, v) _mm512_storeu_pd(p, v)
#define VFMA_f64(a, b, c) _mm512_fmadd_pd(a, b, c)
#define VMUL_f64(a, b) _mm512_mul_pd(a, b)
#define VHSUM_f64(v) _mm512_reduce_add_pd(v)
#define MR1_f64 16
#define MR2_f64 12
#define NARROW_f64 16

/* f32 narrow products first go to the AVX2 paths that read the operands in
 * place (gemm_narrow_avx2.c): for n around 10 they beat 16-lane tiles,
 * which waste most of their lanes (W1's 64x10x256 product: 64 against 41
 * GFLOP/s).  gemm.c picks AVX-512 only where AVX2 is there too. */
#define NB__SMALL_FIRST 1
#define NB__SMALL_FIRST_f32 nb__gemm_narrow_avx2_f32
#define NB__SMALL_FIRST_f64(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) 0

#define NB_TMPL "kernels/gemm_small_tmpl.h"
#include "kernels/instantiate.h"

#else /* !NB__GEMM_X86: never called (gemm.c finds no AVX-512) */

int nb__gemm_small_avx512_f32(bool ta, bool tb, int64_t m, int64_t n,
                              int64_t k, float alpha, const float *a,
                              int64_t lda, const float *b, int64_t ldb,
                              float beta, float *c, int64_t ldc)
{
    (void)ta, (void)tb, (void)m, (void)n, (void)k, (void)alpha, (void)a;
    (void)lda, (void)b, (void)ldb, (void)beta, (void)c, (void)ldc;
    return 0;
}
int nb__gemm_small_avx512_f64(bool ta, bool tb, int64_t m, int64_t n,
                              int64_t k, double alpha, const double *a,
                              int64_t lda, const double *b, int64_t ldb,
                              double beta, double *c, int64_t ldc)
{
    (void)ta, (void)tb, (void)m, (void)n, (void)k, (void)alpha, (void)a;
    (void)lda, (void)b, (void)ldb, (void)beta, (void)c, (void)ldc;
    return 0;
}

#endif
