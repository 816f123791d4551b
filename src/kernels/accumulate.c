/* Dense adds used by the backward engine (gradient accumulation) and the
 * fused first-order tanh gradient.  Plain loops over contiguous memory with
 * restrict pointers, so the compiler vectorises them; written once in
 * accumulate_tmpl.h and instantiated for float and double here. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/elementwise.h"
#include "kernels/simd.h"

#define NB_TMPL "kernels/accumulate_tmpl.h"
#include "kernels/instantiate.h"
