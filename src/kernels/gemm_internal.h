/* nabla: internals shared by the GEMM driver and its micro-kernels. */
#ifndef NB_KERNELS_GEMM_INTERNAL_H
#define NB_KERNELS_GEMM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "kernels/gemm.h"

#if defined(__x86_64__) || defined(__i386__)
#if defined(__GNUC__) || defined(__clang__)
#define NB__GEMM_X86 1
#endif
#endif

/* A micro-kernel computes one full mr x nr tile of C:
 *   C[i][j] = alpha * sum_p a[p*mr + i] * b[p*nr + j] + beta * C[i][j]
 * from a packed A sliver (kc columns of mr values) and a packed B sliver
 * (kc rows of nr values).  beta == 0 must not read C. */
typedef void (*nb__gemm_ukr_f32)(int64_t kc, const float *a, const float *b,
                                 float *c, int64_t ldc, float alpha,
                                 float beta);
typedef void (*nb__gemm_ukr_f64)(int64_t kc, const double *a,
                                 const double *b, double *c, int64_t ldc,
                                 double alpha, double beta);

/* A micro-kernel with its register tile (mr x nr) and cache blocking:
 * a B panel of kc x nc values and an A block of mc x kc values are packed
 * per thread; mc is a multiple of mr and nc of nr. */
/* Optional fast packer for one B sliver when B is transposed: element
 * (p, j) of the sliver is src[j*ld + p] for j < cols, zero for
 * cols <= j < nr; writes dst[p*nr + j] for p < kc. */
typedef void (*nb__gemm_pack_bt_f32)(const float *src, int64_t ld,
                                     int64_t cols, int64_t kc, float *dst);

/* Optional micro-kernel for an edge tile: the same product as the
 * micro-kernel's, written only to rows < rows and columns < cols of C
 * (rows <= mr, cols <= nr), so that edge tiles need no detour through a
 * full-size buffer. */
typedef void (*nb__gemm_edge_f32)(int64_t kc, const float *a, const float *b,
                                  float *c, int64_t ldc, float alpha,
                                  float beta, int64_t rows, int64_t cols);
typedef void (*nb__gemm_edge_f64)(int64_t kc, const double *a,
                                  const double *b, double *c, int64_t ldc,
                                  double alpha, double beta, int64_t rows,
                                  int64_t cols);

typedef struct {
    int mr, nr;
    int64_t mc, kc, nc;
    nb__gemm_ukr_f32 ukr;
    nb__gemm_pack_bt_f32 pack_bt; /* NULL: the generic packer */
    /* Same operation for an A sliver (width mr) when A is not transposed:
     * element (p, i) is src[i*ld + p].  NULL: the generic packer. */
    nb__gemm_pack_bt_f32 pack_a;
    nb__gemm_edge_f32 edge; /* NULL: ukr into a buffer, then copied */
} nb__gemm_kernel_f32;

typedef void (*nb__gemm_pack_bt_f64)(const double *src, int64_t ld,
                                     int64_t cols, int64_t kc, double *dst);

typedef struct {
    int mr, nr;
    int64_t mc, kc, nc;
    nb__gemm_ukr_f64 ukr;
    nb__gemm_pack_bt_f64 pack_bt; /* NULL: the generic packer */
    nb__gemm_pack_bt_f64 pack_a;  /* as for f32; NULL: the generic packer */
    nb__gemm_edge_f64 edge;       /* as for f32; NULL: through a buffer */
} nb__gemm_kernel_f64;

/* Kernel tables; NULL when the build has no such kernel (the caller still
 * checks the CPU with nb__gemm_cpu_has). */
const nb__gemm_kernel_f32 *nb__gemm_portable_f32(void);
const nb__gemm_kernel_f64 *nb__gemm_portable_f64(void);
const nb__gemm_kernel_f32 *nb__gemm_avx2_f32(void);
const nb__gemm_kernel_f64 *nb__gemm_avx2_f64(void);
const nb__gemm_kernel_f32 *nb__gemm_avx512_f32(void);
const nb__gemm_kernel_f64 *nb__gemm_avx512_f64(void);

/* Packed driver (gemm_driver.c).  Arguments are already validated, m, n > 0,
 * k > 0 and alpha != 0; ws holds nb__gemm_ws_bytes_* bytes. */
void nb__gemm_run_f32(const nb__gemm_kernel_f32 *kern, bool ta, bool tb,
                      int64_t m, int64_t n, int64_t k, float alpha,
                      const float *a, int64_t lda, const float *b,
                      int64_t ldb, float beta, float *c, int64_t ldc,
                      void *ws);
void nb__gemm_run_f64(const nb__gemm_kernel_f64 *kern, bool ta, bool tb,
                      int64_t m, int64_t n, int64_t k, double alpha,
                      const double *a, int64_t lda, const double *b,
                      int64_t ldb, double beta, double *c, int64_t ldc,
                      void *ws);
size_t nb__gemm_ws_bytes_f32(const nb__gemm_kernel_f32 *kern, int64_t m,
                             int64_t n, int64_t k);
size_t nb__gemm_ws_bytes_f64(const nb__gemm_kernel_f64 *kern, int64_t m,
                             int64_t n, int64_t k);

/* Small-shape paths (gemm_small_*.c): m == 1, n == 1, k == 1, and narrow
 * n for the SIMD ones.  Same arguments as nb__gemm_run_* (validated,
 * m, n, k > 0, alpha != 0), no workspace; return 1 when they computed C,
 * 0 when the shape is not theirs (C untouched). */
#define NB__GEMM_SMALL_DECL(isa, T, sfx)                                       \
    int nb__gemm_small_##isa##_##sfx(bool ta, bool tb, int64_t m, int64_t n,  \
                                     int64_t k, T alpha, const T *a,           \
                                     int64_t lda, const T *b, int64_t ldb,     \
                                     T beta, T *c, int64_t ldc);
NB__GEMM_SMALL_DECL(portable, float, f32)
NB__GEMM_SMALL_DECL(portable, double, f64)
NB__GEMM_SMALL_DECL(avx2, float, f32)
NB__GEMM_SMALL_DECL(avx2, double, f64)
NB__GEMM_SMALL_DECL(avx512, float, f32)
NB__GEMM_SMALL_DECL(avx512, double, f64)
#undef NB__GEMM_SMALL_DECL

/* AVX2 f32 paths for narrow C read in place (gemm_narrow_avx2.c), tried
 * by the AVX2 small-shape path before its generic narrow tiles; same
 * arguments and return value as the small-shape paths. */
int nb__gemm_narrow_avx2_f32(bool ta, bool tb, int64_t m, int64_t n,
                             int64_t k, float alpha, const float *a,
                             int64_t lda, const float *b, int64_t ldb,
                             float beta, float *c, int64_t ldc);

/* CBLAS backend (gemm_blas.c); returns -2 when not built in. */
int nb__gemm_blas_f32(bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                      float alpha, const float *a, int64_t lda,
                      const float *b, int64_t ldb, float beta, float *c,
                      int64_t ldc);
int nb__gemm_blas_f64(bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                      double alpha, const double *a, int64_t lda,
                      const double *b, int64_t ldb, double beta, double *c,
                      int64_t ldc);
bool nb__gemm_blas_built(void);

#endif /* NB_KERNELS_GEMM_INTERNAL_H */
