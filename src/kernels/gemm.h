/* nabla: GEMM kernels (private header, not installed).
 *
 * Row-major C[m x n] = alpha * op(A) * op(B) + beta * C, where op(X) is X or
 * X^T.  A is m x k (k x m when trans_a) with row stride lda; B is k x n
 * (n x k when trans_b) with row stride ldb; C has row stride ldc.
 *
 * beta == 0 means C is overwritten: its old contents (NaN included) are
 * never read.  alpha == 0 or k == 0 means C = beta * C, and A and B are
 * not read at all (as in BLAS).
 */
#ifndef NB_KERNELS_GEMM_H
#define NB_KERNELS_GEMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    NB_GEMM_AUTO = 0, /* our own best kernel for this CPU (never BLAS) */
    NB_GEMM_PORTABLE, /* plain C loops, any CPU */
    NB_GEMM_AVX2,     /* AVX2 + FMA micro-kernels */
    NB_GEMM_AVX512,   /* AVX-512F micro-kernels */
    NB_GEMM_BLAS      /* cblas_?gemm, when built with NB_HAVE_CBLAS */
} nb_gemm_impl;

/* workspace: scratch of at least nb_gemm_workspace_bytes(sizeof(T), m, n, k)
 * bytes (64-byte aligned for best speed), or NULL to let the call allocate
 * and free its own.  Returns 0 on success, -1 when that allocation fails or
 * the arguments are invalid (negative sizes, a leading dimension smaller
 * than its row, NULL matrix pointers with non-empty sizes); C is then left
 * untouched.  The workspace size depends on omp_get_max_threads(): size it
 * with the same thread setting that is in force for the call. */
int nb_gemm_f32(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
                float alpha, const float *a, int64_t lda, const float *b,
                int64_t ldb, float beta, float *c, int64_t ldc,
                void *workspace);
int nb_gemm_f64(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
                double alpha, const double *a, int64_t lda, const double *b,
                int64_t ldb, double beta, double *c, int64_t ldc,
                void *workspace);

/* Bytes of scratch that nb_gemm_f32/f64 (elem_size 4 or 8) and the _with
 * variants need for these sizes with any implementation; 0 when none is
 * needed (empty problems).  Returns 0 for other element sizes. */
size_t nb_gemm_workspace_bytes(size_t elem_size, int64_t m, int64_t n,
                               int64_t k);

/* Same with an explicit implementation (tests, benchmarks).  An
 * implementation that the CPU or the build lacks returns -2 and computes
 * nothing.  NB_GEMM_AUTO picks our own fastest kernel for this CPU. */
int nb_gemm_f32_with(nb_gemm_impl impl, bool trans_a, bool trans_b,
                     int64_t m, int64_t n, int64_t k, float alpha,
                     const float *a, int64_t lda, const float *b,
                     int64_t ldb, float beta, float *c, int64_t ldc,
                     void *workspace);
int nb_gemm_f64_with(nb_gemm_impl impl, bool trans_a, bool trans_b,
                     int64_t m, int64_t n, int64_t k, double alpha,
                     const double *a, int64_t lda, const double *b,
                     int64_t ldb, double beta, double *c, int64_t ldc,
                     void *workspace);

/* Whether impl can run here (built in and supported by this CPU);
 * NB_GEMM_AUTO is always available. */
bool nb_gemm_impl_available(nb_gemm_impl impl);

/* "auto", "portable", "avx2", "avx512", "blas"; "unknown" otherwise. */
const char *nb_gemm_impl_name(nb_gemm_impl impl);

#endif /* NB_KERNELS_GEMM_H */
