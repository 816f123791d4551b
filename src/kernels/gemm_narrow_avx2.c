/* nabla: f32 GEMM paths for narrow C (n <= 16) with AVX2 + FMA, used
 * before the generic narrow tiles of gemm_small_tmpl.h.  The products they
 * serve are the output layers of classifiers (n = 10 classes): the forward
 * X W (A not transposed) and the weight gradient X^T dY (A transposed).
 *
 *  - A transposed, 8 <= n <= 12 ("column tiles"): C^T = B^T A^T.  A row
 *    of A^T's storage is 8 consecutive rows of C, so one vector of A times
 *    a broadcast of B(p, j) adds to column j of an 8-row tile: n
 *    accumulators, every lane useful (the row tiles below use 10 of 16
 *    lanes for n = 10), and neither operand is packed.  The tile is turned
 *    back into rows by one 8 x 8 transpose in registers.
 *  - A not transposed, B not transposed, n <= 16 ("row tiles"): rows of C
 *    as one or two vectors, the last one read and written with masks, so B
 *    is read in place instead of being copied into a zero-padded panel,
 *    and the ragged last rows get a tile of their own height instead of a
 *    copy of A.
 *
 * Both read each operand in place, so a call costs only its arithmetic:
 * these products last a few microseconds, where packing was a third of
 * the time.  Target attributes, as in gemm_avx2.c. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "kernels/gemm_internal.h"

#ifdef NB__GEMM_X86
#include <immintrin.h>

#define NB__TGT __attribute__((target("avx2,fma")))
#define NB__INL __attribute__((always_inline)) inline

/* Lanes [0, count) set (count may exceed 8 or be negative). */
NB__TGT static NB__INL __m256i lane_mask(int64_t count)
{
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int32_t c = count > 8 ? 8 : count < 0 ? 0 : (int32_t)count;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(c), idx);
}

/* v = alpha * s + beta * v over the lanes of mask; beta == 0 never reads v
 * (it may hold NaN). */
NB__TGT static NB__INL void put_masked(float *v, __m256i mask, __m256 s,
                                       __m256 va, float beta)
{
    __m256 r = _mm256_mul_ps(va, s);
    if (beta != 0.0f)
        r = _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_maskload_ps(v, mask), r);
    _mm256_maskstore_ps(v, mask, r);
}

/* The same for all 8 lanes. */
NB__TGT static NB__INL void put_full(float *v, __m256 s, __m256 va,
                                     float beta)
{
    __m256 r = _mm256_mul_ps(va, s);
    if (beta != 0.0f)
        r = _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_loadu_ps(v), r);
    _mm256_storeu_ps(v, r);
}

/* In-register transpose of 8 rows of 8 floats: r[q] becomes column q. */
NB__TGT static NB__INL void tr8x8(__m256 r[8])
{
    __m256 t[8], u[8];
    for (int q = 0; q < 8; q += 2) {
        t[q] = _mm256_unpacklo_ps(r[q], r[q + 1]);
        t[q + 1] = _mm256_unpackhi_ps(r[q], r[q + 1]);
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

/* Column tiles: rows [i0, i0 + rows) of C (rows <= 8) and all N columns,
 * A transposed (A(i, p) = a[p*lda + i]); B(p, j) is b[p*bp + j*bj].  N is
 * a constant after inlining, so the accumulators are registers. */
NB__TGT static NB__INL void col_tile(int N, int64_t rows, int64_t k,
                                     const float *a, int64_t lda,
                                     const float *b, int64_t bp, int64_t bj,
                                     float alpha, float beta, float *c,
                                     int64_t ldc)
{
    __m256 acc[12];
#pragma GCC unroll 12
    for (int j = 0; j < N; j++)
        acc[j] = _mm256_setzero_ps();
    if (rows == 8) {
        for (int64_t p = 0; p < k; p++) {
            __m256 av = _mm256_loadu_ps(a + p * lda);
            const float *br = b + p * bp;
#pragma GCC unroll 12
            for (int j = 0; j < N; j++)
                acc[j] = _mm256_fmadd_ps(av, _mm256_broadcast_ss(br + j * bj), acc[j]);
        }
    } else {
        const __m256i mi = lane_mask(rows);
        for (int64_t p = 0; p < k; p++) {
            __m256 av = _mm256_maskload_ps(a + p * lda, mi);
            const float *br = b + p * bp;
#pragma GCC unroll 12
            for (int j = 0; j < N; j++)
                acc[j] = _mm256_fmadd_ps(av, _mm256_broadcast_ss(br + j * bj), acc[j]);
        }
    }
    /* acc[j] holds column j; the first 8 become rows by a transpose. */
    const __m256 va = _mm256_set1_ps(alpha);
    __m256 r[8];
#pragma GCC unroll 8
    for (int q = 0; q < 8; q++)
        r[q] = acc[q];
    tr8x8(r);
    for (int64_t q = 0; q < rows; q++)
        put_full(c + q * ldc, r[q], va, beta);
    if (N > 8) {
        float t[4 * 8] __attribute__((aligned(32)));
#pragma GCC unroll 4
        for (int j = 8; j < N; j++)
            _mm256_store_ps(t + (j - 8) * 8, acc[j]);
        for (int64_t q = 0; q < rows; q++) {
            float *cr = c + q * ldc + 8;
            for (int j = 8; j < N; j++) {
                float s = alpha * t[(j - 8) * 8 + q];
                cr[j - 8] = beta == 0.0f ? s : s + beta * cr[j - 8];
            }
        }
    }
}

NB__TGT static void col_tiles(int64_t m, int64_t n, int64_t k,
                              const float *a, int64_t lda, const float *b,
                              int64_t bp, int64_t bj, float alpha,
                              float beta, float *c, int64_t ldc)
{
    for (int64_t i0 = 0; i0 < m; i0 += 8) {
        int64_t rows = m - i0 < 8 ? m - i0 : 8;
        const float *ai = a + i0;
        float *ci = c + i0 * ldc;
        switch (n) {
#define NB__COL(N)                                                             \
    case N:                                                                    \
        col_tile(N, rows, k, ai, lda, b, bp, bj, alpha, beta, ci, ldc);        \
        break;
        NB__COL(8) NB__COL(9) NB__COL(10) NB__COL(11) NB__COL(12)
#undef NB__COL
        default:
            break;
        }
    }
}

NB__TGT static NB__INL float hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

/* Dot tiles: C(i, j) for R rows and J columns as dot products along k of
 * A's rows (contiguous, A not transposed) with the columns of B packed
 * contiguous in bt (row j of bt at bt + j*ldt), kc of them. */
NB__TGT static NB__INL void dot_tile(int R, int J, int64_t kc,
                                     const float *a, int64_t lda,
                                     const float *bt, int64_t ldt,
                                     float alpha, float beta, bool first,
                                     float *c, int64_t ldc)
{
    __m256 acc[4][4];
#pragma GCC unroll 4
    for (int i = 0; i < R; i++)
#pragma GCC unroll 4
        for (int j = 0; j < J; j++)
            acc[i][j] = _mm256_setzero_ps();
    int64_t p = 0;
    for (; p + 8 <= kc; p += 8) {
        __m256 bv[4];
#pragma GCC unroll 4
        for (int j = 0; j < J; j++)
            bv[j] = _mm256_loadu_ps(bt + j * ldt + p);
#pragma GCC unroll 4
        for (int i = 0; i < R; i++) {
            __m256 av = _mm256_loadu_ps(a + i * lda + p);
#pragma GCC unroll 4
            for (int j = 0; j < J; j++)
                acc[i][j] = _mm256_fmadd_ps(av, bv[j], acc[i][j]);
        }
    }
    if (p < kc) {
        const __m256i mk = lane_mask(kc - p);
        __m256 bv[4];
#pragma GCC unroll 4
        for (int j = 0; j < J; j++)
            bv[j] = _mm256_maskload_ps(bt + j * ldt + p, mk);
#pragma GCC unroll 4
        for (int i = 0; i < R; i++) {
            __m256 av = _mm256_maskload_ps(a + i * lda + p, mk);
#pragma GCC unroll 4
            for (int j = 0; j < J; j++)
                acc[i][j] = _mm256_fmadd_ps(av, bv[j], acc[i][j]);
        }
    }
#pragma GCC unroll 4
    for (int i = 0; i < R; i++)
#pragma GCC unroll 4
        for (int j = 0; j < J; j++) {
            float *y = c + i * ldc + j;
            float v = alpha * hsum8(acc[i][j]);
            *y = !first ? *y + v : beta == 0.0f ? v : v + beta * *y;
        }
}

/* Columns [n0, n) of C (at most 4) for A and B not transposed, by dot
 * tiles of 4 rows (3 for 4 columns: 12 accumulators), k in chunks whose
 * packed B columns stay in L1. */
#define KD 512
NB__TGT static void dot_cols(int64_t m, int64_t n0, int64_t n, int64_t k,
                             const float *a, int64_t lda, const float *b,
                             int64_t ldb, float alpha, float beta, float *c,
                             int64_t ldc)
{
    const int J = (int)(n - n0);
    const int64_t mr = J == 4 ? 3 : 4;
    float bt[4 * KD] __attribute__((aligned(32)));
    for (int64_t pc = 0; pc < k; pc += KD) {
        int64_t kc = k - pc < KD ? k - pc : KD;
        for (int64_t p = 0; p < kc; p++)
            for (int j = 0; j < J; j++)
                bt[j * KD + p] = b[(pc + p) * ldb + n0 + j];
        for (int64_t i0 = 0; i0 < m; i0 += mr) {
            int64_t rows = m - i0 < mr ? m - i0 : mr;
            const float *ai = a + i0 * lda + pc;
            float *ci = c + i0 * ldc + n0;
            switch (rows * 8 + J) {
#define NB__DOT(R, JJ)                                                         \
    case R * 8 + JJ:                                                           \
        dot_tile(R, JJ, kc, ai, lda, bt, KD, alpha, beta, pc == 0, ci, ldc);   \
        break;
                NB__DOT(1, 1) NB__DOT(2, 1) NB__DOT(3, 1) NB__DOT(4, 1)
                NB__DOT(1, 2) NB__DOT(2, 2) NB__DOT(3, 2) NB__DOT(4, 2)
                NB__DOT(1, 3) NB__DOT(2, 3) NB__DOT(3, 3) NB__DOT(4, 3)
                NB__DOT(1, 4) NB__DOT(2, 4) NB__DOT(3, 4)
#undef NB__DOT
            default:
                break;
            }
        }
    }
}
#undef KD

/* Row tiles: R rows of C from `a` (A(i, p) = a[i*lda + p]) times B read
 * in place (B(p, j) = b[p*ldb + j]), NV vectors per row, the last one
 * masked by mlast.  R and NV are constants after inlining. */
NB__TGT static NB__INL void row_tile(int R, int NV, int64_t k,
                                     const float *a, int64_t lda,
                                     const float *b, int64_t ldb,
                                     __m256i mlast, float alpha, float beta,
                                     float *c, int64_t ldc)
{
    __m256 s[8], u[8];
#pragma GCC unroll 8
    for (int i = 0; i < R; i++)
        s[i] = u[i] = _mm256_setzero_ps();
    for (int64_t p = 0; p < k; p++) {
        const float *br = b + p * ldb;
        __m256 b0, b1 = _mm256_setzero_ps();
        if (NV == 1) {
            b0 = _mm256_maskload_ps(br, mlast);
        } else {
            b0 = _mm256_loadu_ps(br);
            b1 = _mm256_maskload_ps(br + 8, mlast);
        }
#pragma GCC unroll 8
        for (int i = 0; i < R; i++) {
            __m256 ai = _mm256_broadcast_ss(a + i * lda + p);
            s[i] = _mm256_fmadd_ps(ai, b0, s[i]);
            if (NV == 2)
                u[i] = _mm256_fmadd_ps(ai, b1, u[i]);
        }
    }
    const __m256 va = _mm256_set1_ps(alpha);
#pragma GCC unroll 8
    for (int i = 0; i < R; i++) {
        float *cr = c + i * ldc;
        if (NV == 1) {
            put_masked(cr, mlast, s[i], va, beta);
        } else {
            put_full(cr, s[i], va, beta);
            put_masked(cr + 8, mlast, u[i], va, beta);
        }
    }
}

/* Tile heights: 8 rows x 1 vector or 6 x 2 (8 or 12 accumulators of the
 * 16 ymm registers); the ragged last rows take a tile of their height. */
NB__TGT static void row_tiles(int64_t m, int64_t n, int64_t k,
                              const float *a, int64_t lda, const float *b,
                              int64_t ldb, float alpha, float beta, float *c,
                              int64_t ldc)
{
    const int nv = n <= 8 ? 1 : 2;
    const int64_t mr = nv == 1 ? 8 : 6;
    const __m256i mlast = lane_mask(n - (nv - 1) * 8);
    for (int64_t i0 = 0; i0 < m; i0 += mr) {
        int64_t rows = m - i0 < mr ? m - i0 : mr;
        const float *ai = a + i0 * lda;
        float *ci = c + i0 * ldc;
#define NB__ROW(R, NV)                                                         \
    case R:                                                                    \
        row_tile(R, NV, k, ai, lda, b, ldb, mlast, alpha, beta, ci, ldc);      \
        break;
        if (nv == 1) {
            switch (rows) {
                NB__ROW(1, 1) NB__ROW(2, 1) NB__ROW(3, 1) NB__ROW(4, 1)
                NB__ROW(5, 1) NB__ROW(6, 1) NB__ROW(7, 1) NB__ROW(8, 1)
            default:
                break;
            }
        } else {
            switch (rows) {
                NB__ROW(1, 2) NB__ROW(2, 2) NB__ROW(3, 2)
                NB__ROW(4, 2) NB__ROW(5, 2) NB__ROW(6, 2)
            default:
                break;
            }
        }
#undef NB__ROW
    }
}

int nb__gemm_narrow_avx2_f32(bool ta, bool tb, int64_t m, int64_t n,
                             int64_t k, float alpha, const float *a,
                             int64_t lda, const float *b, int64_t ldb,
                             float beta, float *c, int64_t ldc)
{
    if (ta && n >= 8 && n <= 12) {
        /* B(p, j): b[p*ldb + j], or b[j*ldb + p] when transposed. */
        col_tiles(m, n, k, a, lda, b, tb ? 1 : ldb, tb ? ldb : 1, alpha,
                  beta, c, ldc);
        return 1;
    }
    if (!ta && !tb && n > 8 && n <= 12) {
        /* Eight columns as full row tiles, the other 1-4 as dot products:
         * 16 lanes per row for 10 columns would waste 6 of them. */
        row_tiles(m, 8, k, a, lda, b, ldb, alpha, beta, c, ldc);
        dot_cols(m, 8, n, k, a, lda, b, ldb, alpha, beta, c, ldc);
        return 1;
    }
    if (!ta && !tb && n >= 2 && n <= 16) {
        row_tiles(m, n, k, a, lda, b, ldb, alpha, beta, c, ldc);
        return 1;
    }
    return 0;
}

#else /* !NB__GEMM_X86: never called (gemm.c finds no AVX2) */

int nb__gemm_narrow_avx2_f32(bool ta, bool tb, int64_t m, int64_t n,
                             int64_t k, float alpha, const float *a,
                             int64_t lda, const float *b, int64_t ldb,
                             float beta, float *c, int64_t ldc)
{
    (void)ta, (void)tb, (void)m, (void)n, (void)k, (void)alpha, (void)a;
    (void)lda, (void)b, (void)ldb, (void)beta, (void)c, (void)ldc;
    return 0;
}

#endif
