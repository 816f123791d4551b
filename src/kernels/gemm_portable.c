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
#define NR_f32 8
#define NR_f64 4

/* The micro-kernel is written once in gemm_portable_tmpl.h. */
#define NB_TMPL "kernels/gemm_portable_tmpl.h"
#include "kernels/instantiate.h"

static const nb__gemm_kernel_f32 k_f32 = {MR, NR_f32, 256, 256, 4096, ukr_f32, NULL, NULL, NULL};
static const nb__gemm_kernel_f64 k_f64 = {MR, NR_f64, 128, 256, 2048, ukr_f64, NULL, NULL, NULL};

const nb__gemm_kernel_f32 *nb__gemm_portable_f32(void) { return &k_f32; }
const nb__gemm_kernel_f64 *nb__gemm_portable_f64(void) { return &k_f64; }
