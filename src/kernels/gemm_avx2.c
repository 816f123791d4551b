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

/* In-register transpose of 8 rows of 8 floats: r[q] becomes column q. */
NB__TGT static inline void tr8x8(__m256 r[8])
{
    __m256 t[8], u[8];
    for (int q = 0; q < 8; q += 2) {
        t[q] = _mm256_unpacklo_ps(r[q], r[q + 1]);     /* 0 0' 1 1' | 4 ... */
        t[q + 1] = _mm256_unpackhi_ps(r[q], r[q + 1]); /* 2 2' 3 3' | 6 ... */
    }
    for (int q = 0; q < 8; q += 4) {
        u[q] = _mm256_shuffle_ps(t[q], t[q + 2], 0x44);
        u[q + 1] = _mm256_shuffle_ps(t[q], t[q + 2], 0xEE);
        u[q + 2] = _mm256_shuffle_ps(t[q + 1], t[q + 3], 0x44);
        u[q + 3] = _mm256_shuffle_ps(t[q + 1], t[q + 3], 0xEE);
    }
    for (int q = 0; q < 4; q++) {
        r[q] = _mm256_permute2f128_ps(u[q], u[q + 4], 0x20);
        r[q + 4] = _mm256_permute2f128_ps(u[q], u[q + 4], 0x31);
    }
}

/* Rows q < rows of src (stride ld) from column p0, 8 values each; zero
 * vectors for the others, which become the zero padding of the sliver. */
NB__TGT static inline void load_rows8(const float *src, int64_t ld,
                                      int64_t rows, int64_t p0, __m256 r[8])
{
    for (int q = 0; q < 8; q++)
        r[q] = q < rows ? _mm256_loadu_ps(src + q * ld + p0)
                        : _mm256_setzero_ps();
}

/* The transposing packers copy 8 x 8 blocks through registers: the plain
 * loop reads 16 (or 6) streams one float at a time, and for a product with
 * B transposed and few rows of C (dX = dY W^T of a minibatch) that cost as
 * much as the arithmetic.  The last kc % 8 columns go one by one. */

/* B^T sliver (see nb__gemm_pack_bt_f32): dst[p*16 + j] = src[j*ld + p]. */
NB__TGT static void pack_bt_f32(const float *src, int64_t ld, int64_t cols,
                                int64_t kc, float *dst)
{
    int64_t p0 = 0;
    for (; p0 + 8 <= kc; p0 += 8) {
        for (int h = 0; h < 2; h++) {
            __m256 r[8];
            load_rows8(src + h * 8 * ld, ld, cols - h * 8, p0, r);
            tr8x8(r);
            for (int q = 0; q < 8; q++)
                _mm256_storeu_ps(dst + (p0 + q) * 16 + h * 8, r[q]);
        }
    }
    for (; p0 < kc; p0++)
        for (int64_t j = 0; j < 16; j++)
            dst[p0 * 16 + j] = j < cols ? src[j * ld + p0] : 0.0f;
}

/* A sliver of MR rows, A not transposed: dst[p*MR + i] = src[i*ld + p]. */
NB__TGT static void pack_a_f32(const float *src, int64_t ld, int64_t rows,
                               int64_t kc, float *dst)
{
    int64_t p0 = 0;
    for (; p0 + 8 <= kc; p0 += 8) {
        __m256 r[8];
        load_rows8(src, ld, rows < MR ? rows : MR, p0, r);
        tr8x8(r);
        for (int q = 0; q < 8; q++) {
            /* 6 of the 8 lanes: four, then two. */
            float *d = dst + (p0 + q) * MR;
            _mm_storeu_ps(d, _mm256_castps256_ps128(r[q]));
            _mm_storel_pi((__m64 *)(d + 4), _mm256_extractf128_ps(r[q], 1));
        }
    }
    for (; p0 < kc; p0++)
        for (int64_t i = 0; i < MR; i++)
            dst[p0 * MR + i] = i < rows ? src[i * ld + p0] : 0.0f;
}

/* Lanes [0, count) set (count may exceed 8 or be negative). */
NB__TGT static inline __m256i lane_mask(int64_t count)
{
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int32_t n = count > 8 ? 8 : count < 0 ? 0 : (int32_t)count;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), idx);
}

/* ukr_f32 for R rows, storing columns < cols through masks (neither read
 * nor written beyond them).  R is a constant after inlining. */
NB__TGT static inline __attribute__((always_inline)) void
edge_rows_f32(int R, int64_t kc, const float *restrict a,
              const float *restrict b, float *restrict c, int64_t ldc,
              float alpha, float beta, int64_t cols)
{
    __m256 c0[MR], c1[MR];
#pragma GCC unroll 6
    for (int i = 0; i < R; i++)
        c0[i] = c1[i] = _mm256_setzero_ps();
    for (int64_t p = 0; p < kc; p++) {
        __m256 b0 = _mm256_loadu_ps(b);
        __m256 b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
        for (int i = 0; i < R; i++) {
            __m256 ai = _mm256_broadcast_ss(a + i);
            c0[i] = _mm256_fmadd_ps(ai, b0, c0[i]);
            c1[i] = _mm256_fmadd_ps(ai, b1, c1[i]);
        }
        a += MR;
        b += 16;
    }
    const __m256i m0 = lane_mask(cols), m1 = lane_mask(cols - 8);
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
#pragma GCC unroll 6
    for (int i = 0; i < R; i++) {
        float *r = c + i * ldc;
        __m256 o0 = _mm256_mul_ps(va, c0[i]), o1 = _mm256_mul_ps(va, c1[i]);
        if (beta != 0.0f) {
            o0 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(r, m0), o0);
            o1 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(r + 8, m1), o1);
        }
        _mm256_maskstore_ps(r, m0, o0);
        _mm256_maskstore_ps(r + 8, m1, o1);
    }
}

NB__TGT static void edge_f32(int64_t kc, const float *a, const float *b,
                             float *c, int64_t ldc, float alpha, float beta,
                             int64_t rows, int64_t cols)
{
    switch (rows) {
    case 1: edge_rows_f32(1, kc, a, b, c, ldc, alpha, beta, cols); break;
    case 2: edge_rows_f32(2, kc, a, b, c, ldc, alpha, beta, cols); break;
    case 3: edge_rows_f32(3, kc, a, b, c, ldc, alpha, beta, cols); break;
    case 4: edge_rows_f32(4, kc, a, b, c, ldc, alpha, beta, cols); break;
    case 5: edge_rows_f32(5, kc, a, b, c, ldc, alpha, beta, cols); break;
    default: edge_rows_f32(MR, kc, a, b, c, ldc, alpha, beta, cols); break;
    }
}

/* B sliver kc x nr: 16 KiB (f32) / 16 KiB (f64) in L1; A block in L2. */
static const nb__gemm_kernel_f32 k_f32 = {MR, 16, 264, 256, 4096, ukr_f32,
                                         pack_bt_f32, pack_a_f32, edge_f32};
static const nb__gemm_kernel_f64 k_f64 = {MR, 8, 132, 256, 2048, ukr_f64,
                                         NULL, NULL, NULL};

const nb__gemm_kernel_f32 *nb__gemm_avx2_f32(void) { return &k_f32; }
const nb__gemm_kernel_f64 *nb__gemm_avx2_f64(void) { return &k_f64; }

#else /* !NB__GEMM_X86 */

const nb__gemm_kernel_f32 *nb__gemm_avx2_f32(void) { return NULL; }
const nb__gemm_kernel_f64 *nb__gemm_avx2_f64(void) { return NULL; }

#endif
