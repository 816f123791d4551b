/* nabla: AVX-512F micro-kernels for the packed GEMM driver.
 *
 * The functions carry target attributes instead of the file getting
 * -mavx512f, so the build needs no per-file flags and nothing here runs
 * unless gemm.c has checked the CPU first.  Register tile, row-major C:
 *   f32: 12 rows x 32 columns = 24 zmm accumulators,
 *   f64: 12 rows x 16 columns = 24 zmm accumulators,
 * which leaves room for the two B vectors and the A broadcast (the
 * compiler folds the broadcast into the FMA's memory operand).  24
 * independent FMA chains hide the 4-cycle latency on two FMA ports. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>

#include "kernels/gemm_internal.h"

#ifdef NB__GEMM_X86
#include <immintrin.h>

#define NB__TGT __attribute__((target("avx512f,fma")))
#define MR 12

NB__TGT static void ukr_f32(int64_t kc, const float *restrict a,
                            const float *restrict b, float *restrict c,
                            int64_t ldc, float alpha, float beta)
{
    __m512 c0[MR], c1[MR];
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) {
        c0[i] = _mm512_setzero_ps();
        c1[i] = _mm512_setzero_ps();
    }
    for (int64_t p = 0; p < kc; p++) {
        __m512 b0 = _mm512_loadu_ps(b);
        __m512 b1 = _mm512_loadu_ps(b + 16);
        /* Fetch B well ahead: the sliver streams once per A sliver. */
        _mm_prefetch((const char *)(b + 8 * 32), _MM_HINT_T0);
#pragma GCC unroll 12
        for (int i = 0; i < MR; i++) {
            __m512 ai = _mm512_set1_ps(a[i]);
            c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
            c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
        }
        a += MR;
        b += 32;
    }
    __m512 va = _mm512_set1_ps(alpha);
    if (beta == 0.0f) {
#pragma GCC unroll 12
        for (int i = 0; i < MR; i++) {
            _mm512_storeu_ps(c + i * ldc, _mm512_mul_ps(va, c0[i]));
            _mm512_storeu_ps(c + i * ldc + 16, _mm512_mul_ps(va, c1[i]));
        }
    } else {
        __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 12
        for (int i = 0; i < MR; i++) {
            float *r = c + i * ldc;
            __m512 o0 = _mm512_mul_ps(vb, _mm512_loadu_ps(r));
            __m512 o1 = _mm512_mul_ps(vb, _mm512_loadu_ps(r + 16));
            _mm512_storeu_ps(r, _mm512_fmadd_ps(va, c0[i], o0));
            _mm512_storeu_ps(r + 16, _mm512_fmadd_ps(va, c1[i], o1));
        }
    }
}

NB__TGT static void ukr_f64(int64_t kc, const double *restrict a,
                            const double *restrict b, double *restrict c,
                            int64_t ldc, double alpha, double beta)
{
    __m512d c0[MR], c1[MR];
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) {
        c0[i] = _mm512_setzero_pd();
        c1[i] = _mm512_setzero_pd();
    }
    for (int64_t p = 0; p < kc; p++) {
        __m512d b0 = _mm512_loadu_pd(b);
        __m512d b1 = _mm512_loadu_pd(b + 8);
        _mm_prefetch((const char *)(b + 8 * 16), _MM_HINT_T0);
#pragma GCC unroll 12
        for (int i = 0; i < MR; i++) {
            __m512d ai = _mm512_set1_pd(a[i]);
            c0[i] = _mm512_fmadd_pd(ai, b0, c0[i]);
            c1[i] = _mm512_fmadd_pd(ai, b1, c1[i]);
        }
        a += MR;
        b += 16;
    }
    __m512d va = _mm512_set1_pd(alpha);
    if (beta == 0.0) {
#pragma GCC unroll 12
        for (int i = 0; i < MR; i++) {
            _mm512_storeu_pd(c + i * ldc, _mm512_mul_pd(va, c0[i]));
            _mm512_storeu_pd(c + i * ldc + 8, _mm512_mul_pd(va, c1[i]));
        }
    } else {
        __m512d vb = _mm512_set1_pd(beta);
#pragma GCC unroll 12
        for (int i = 0; i < MR; i++) {
            double *r = c + i * ldc;
            __m512d o0 = _mm512_mul_pd(vb, _mm512_loadu_pd(r));
            __m512d o1 = _mm512_mul_pd(vb, _mm512_loadu_pd(r + 8));
            _mm512_storeu_pd(r, _mm512_fmadd_pd(va, c0[i], o0));
            _mm512_storeu_pd(r + 8, _mm512_fmadd_pd(va, c1[i], o1));
        }
    }
}

/* In-register transpose of 16 rows of 16 floats: unpack pairs, then
 * 4 x 4 blocks within each 128-bit lane, then whole lanes in two steps. */
NB__TGT static void transpose16(__m512 r[16])
{
    __m512 t[16], u[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    /* u[4g + c], lane l: rows 4g..4g+3 of column 4l + c. */
    for (int g = 0; g < 16; g += 4) {
        u[g] = _mm512_shuffle_ps(t[g], t[g + 2], 0x44);
        u[g + 1] = _mm512_shuffle_ps(t[g], t[g + 2], 0xEE);
        u[g + 2] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0x44);
        u[g + 3] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0xEE);
    }
    for (int c = 0; c < 4; c++) {
        __m512 v0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x44);
        __m512 v1 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xEE);
        __m512 w0 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x44);
        __m512 w1 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xEE);
        r[c] = _mm512_shuffle_f32x4(v0, w0, 0x88);
        r[4 + c] = _mm512_shuffle_f32x4(v0, w0, 0xDD);
        r[8 + c] = _mm512_shuffle_f32x4(v1, w1, 0x88);
        r[12 + c] = _mm512_shuffle_f32x4(v1, w1, 0xDD);
    }
}

/* Transposing packer: element (p, j) of the sliver is src[j*ld + p] for
 * j < rows, zero for rows <= j < w; written to dst[p*w + j], p < kc.
 * Done element by element this costs about as much as the multiplication
 * when the other dimension is small (A of a forward product, B^T of the
 * dX = dY * W^T product), so every 16 x 16 block, ragged ones included,
 * goes through registers: masked loads read only the elements that exist
 * (and supply the zero padding), masked stores write only w columns.
 * w is 12 (A slivers) or 32 (B slivers); a constant after inlining. */
NB__TGT static inline void pack_tr(const float *restrict src, int64_t ld,
                                   int64_t rows, int64_t kc, int w,
                                   float *restrict dst)
{
    for (int64_t p0 = 0; p0 < kc; p0 += 16) {
        int64_t np = kc - p0 < 16 ? kc - p0 : 16;
        __mmask16 lm = (__mmask16)(np == 16 ? 0xFFFF : (1u << np) - 1);
        for (int jb = 0; jb < w; jb += 16) {
            int wj = w - jb < 16 ? w - jb : 16;
            __mmask16 sm = (__mmask16)(wj == 16 ? 0xFFFF : (1u << wj) - 1);
            __m512 r[16];
#pragma GCC unroll 16
            for (int i = 0; i < 16; i++)
                r[i] = jb + i < rows
                           ? _mm512_maskz_loadu_ps(lm, src + (jb + i) * ld + p0)
                           : _mm512_setzero_ps();
            transpose16(r);
            if (np == 16) {
#pragma GCC unroll 16
                for (int q = 0; q < 16; q++)
                    _mm512_mask_storeu_ps(dst + (p0 + q) * w + jb, sm, r[q]);
            } else {
                for (int q = 0; q < np; q++)
                    _mm512_mask_storeu_ps(dst + (p0 + q) * w + jb, sm, r[q]);
            }
        }
    }
}

NB__TGT static void pack_bt_f32(const float *src, int64_t ld, int64_t cols,
                                int64_t kc, float *dst)
{
    pack_tr(src, ld, cols, kc, 32, dst);
}

NB__TGT static void pack_a_f32(const float *src, int64_t ld, int64_t rows,
                               int64_t kc, float *dst)
{
    pack_tr(src, ld, rows, kc, MR, dst);
}

/* f32: an A block of mc x kc (480 x 512, 960 KiB) stays in L2 and the B
 * panel (kc x nc) lives in L3.  kc = 512 makes the B sliver (64 KiB)
 * larger than L1, but halves the passes over C against kc = 256, which
 * measured 5-10 % faster on 1024^3 and the 256 x 1024 x 1024 products of
 * a 1024-wide layer (docs/kernels.md).  f64: kc * nr values of a B sliver
 * (32 KiB) stay in L1 across the A slivers of a block. */
static const nb__gemm_kernel_f32 k_f32 = {MR, 32, 480, 512, 4096, ukr_f32,
                                         pack_bt_f32, pack_a_f32, NULL};
static const nb__gemm_kernel_f64 k_f64 = {MR, 16, 240, 256, 2048, ukr_f64,
                                         NULL, NULL, NULL};

const nb__gemm_kernel_f32 *nb__gemm_avx512_f32(void) { return &k_f32; }
const nb__gemm_kernel_f64 *nb__gemm_avx512_f64(void) { return &k_f64; }

#else /* !NB__GEMM_X86 */

const nb__gemm_kernel_f32 *nb__gemm_avx512_f32(void) { return NULL; }
const nb__gemm_kernel_f64 *nb__gemm_avx512_f64(void) { return NULL; }

#endif
