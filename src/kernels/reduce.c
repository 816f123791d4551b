/* Reductions along one axis of an [outer, n, inner] view: sums, extrema,
 * log-sum-exp and softmax.  Each slice in[o, :, i] is walked with stride
 * `inner`; for the common inner == 1 case (the last axis) that is a
 * contiguous row.  The loops are written once in reduce_tmpl.h and
 * instantiated for float and double here. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "kernels/reduce.h"

#define NB_TMPL "kernels/reduce_tmpl.h"
#include "kernels/instantiate.h"
