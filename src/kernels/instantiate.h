/* The one way src/kernels writes f32/f64 twins: the body is written once in
 * a template file (*_tmpl.h) and this header includes it once per type:
 *
 *     #define NB_TMPL "kernels/reduce_tmpl.h"
 *     #include "kernels/instantiate.h"
 *
 * Inside the template, T is the element type (float, double), SFX its
 * suffix (f32, f64), FN(nb_k_sum_axis_) the name with the suffix appended
 * (nb_k_sum_axis_f32) and FN3(nb_gemm_, _with) one with the suffix inside
 * (nb_gemm_f32_with).  A per-type constant is a pair of macros named by
 * suffix in the including file (#define NR_f32 8, #define NR_f64 4), read
 * in the template as FN(NR_).  The template is real code at real line
 * numbers, so grep, compiler messages and debuggers point into it.  No
 * include guard on purpose; NB_TMPL is undefined at the end. */
#ifndef NB_TMPL
#error "define NB_TMPL as the template file to instantiate"
#endif

#define NB__K_CAT2(a, b) a##b
#define NB__K_CAT(a, b) NB__K_CAT2(a, b)
#define NB__K_CAT3_(a, b, c) a##b##c
#define NB__K_CAT3(a, b, c) NB__K_CAT3_(a, b, c)
#define FN(prefix) NB__K_CAT(prefix, SFX)
#define FN3(prefix, suffix) NB__K_CAT3(prefix, SFX, suffix)

#define T float
#define SFX f32
#include NB_TMPL
#undef T
#undef SFX

#define T double
#define SFX f64
#include NB_TMPL
#undef T
#undef SFX

#undef FN
#undef FN3
#undef NB__K_CAT2
#undef NB__K_CAT
#undef NB__K_CAT3_
#undef NB__K_CAT3
#undef NB_TMPL
