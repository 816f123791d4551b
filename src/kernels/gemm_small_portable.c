/* nabla: the small-shape GEMM paths (gemm_small_tmpl.h) in plain C, one
 * "lane" per vector, for CPUs without AVX2: the vector-matrix and outer
 * product cases only (narrow products go through the packed driver, whose
 * portable tile is already narrow). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "kernels/gemm_internal.h"

#define NB__STGT
#define NB__SMALL_NARROW 0
#define SN(x) FN(NB__K_CAT(x, portable_))

#define V_f32 float
#define V_f64 double
#define L_f32 1
#define L_f64 1
#define VZERO_f32() 0.0f
#define VZERO_f64() 0.0
#define VSET1_f32(x) (x)
#define VSET1_f64(x) (x)
#define VLOADU_f32(p) (*(p))
#define VLOADU_f64(p) (*(p))
#define VSTOREU_f32(p, v) (*(p) = (v))
#define VSTOREU_f64(p, v) (*(p) = (v))
#define VFMA_f32(a, b, c) ((a) * (b) + (c))
#define VFMA_f64(a, b, c) ((a) * (b) + (c))
#define VMUL_f32(a, b) ((a) * (b))
#define VMUL_f64(a, b) ((a) * (b))
#define VHSUM_f32(v) (v)
#define VHSUM_f64(v) (v)
#define MR1_f32 1
#define MR1_f64 1
#define MR2_f32 1
#define MR2_f64 1
#define NARROW_f32 0
#define NARROW_f64 0

#define NB_TMPL "kernels/gemm_small_tmpl.h"
#include "kernels/instantiate.h"
