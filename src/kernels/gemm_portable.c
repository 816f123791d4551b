/* nabla: portable micro-kernels for the packed GEMM driver.
 *
 * Plain C with fixed trip counts so the compiler keeps the accumulator
 * tile in registers and vectorises the j loop for whatever vector width
 * the build targets.  The tile is small (4 x 8 floats, 4 x 4 doubles) so
 * that it fits the 16 registers of baseline SSE2 without spilling. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/gemm_internal.h"

#define MR 4
#define NR32 8
#define NR64 4

static void ukr_f32(int64_t kc, const float *restrict a,
                    const float *restrict b, float *restrict c, int64_t ldc,
                    float alpha, float beta)
{
    float acc[MR][NR32] = {{0}};
    for (int64_t p = 0; p < kc; p++) {
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR32; j++)
                acc[i][j] += a[i] * b[j];
        a += MR;
        b += NR32;
    }
    for (int i = 0; i < MR; i++) {
        float *r = c + i * ldc;
        if (beta == 0.0f)
            for (int j = 0; j < NR32; j++)
                r[j] = alpha * acc[i][j];
        else
            for (int j = 0; j < NR32; j++)
                r[j] = alpha * acc[i][j] + beta * r[j];
    }
}

static void ukr_f64(int64_t kc, const double *restrict a,
                    const double *restrict b, double *restrict c,
                    int64_t ldc, double alpha, double beta)
{
    double acc[MR][NR64] = {{0}};
    for (int64_t p = 0; p < kc; p++) {
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR64; j++)
                acc[i][j] += a[i] * b[j];
        a += MR;
        b += NR64;
    }
    for (int i = 0; i < MR; i++) {
        double *r = c + i * ldc;
        if (beta == 0.0)
            for (int j = 0; j < NR64; j++)
                r[j] = alpha * acc[i][j];
        else
            for (int j = 0; j < NR64; j++)
                r[j] = alpha * acc[i][j] + beta * r[j];
    }
}

static const nb__gemm_kernel_f32 k_f32 = {MR,      NR32, 256,
                                         256,     4096, ukr_f32,
                                         NULL, NULL};
static const nb__gemm_kernel_f64 k_f64 = {MR,      NR64, 128,
                                         256,     2048, ukr_f64,
                                         NULL, NULL};

const nb__gemm_kernel_f32 *nb__gemm_portable_f32(void) { return &k_f32; }
const nb__gemm_kernel_f64 *nb__gemm_portable_f64(void) { return &k_f64; }
