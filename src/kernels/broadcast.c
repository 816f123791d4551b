/* Broadcast loops: the driver that runs an elementwise op's rows over
 * broadcast inputs, strided gathers (broadcast copies) and scatter-adds
 * (sums down to a broadcast shape).  The innermost axis is a plain loop
 * (strides 0 or 1 there let the compiler vectorise); the outer axes are
 * walked with an explicit multi-index.  The loops are written once in
 * broadcast_tmpl.h and instantiated for float and double here. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "kernels/elementwise.h"

bool nb_k_broadcast_strides(int in_ndim, const int64_t *in_shape, int out_ndim,
                            const int64_t *out_shape, int64_t *strides)
{
    if (in_ndim > out_ndim)
        return false;
    int64_t stride = 1;
    for (int o = out_ndim - 1; o >= 0; o--) {
        int i = o - (out_ndim - in_ndim);
        if (i < 0) {
            strides[o] = 0;
            continue;
        }
        if (in_shape[i] == out_shape[o]) {
            strides[o] = in_shape[i] == 1 ? 0 : stride;
        } else if (in_shape[i] == 1) {
            strides[o] = 0;
        } else {
            return false;
        }
        stride *= in_shape[i];
    }
    return true;
}

#define NB_TMPL "kernels/broadcast_tmpl.h"
#include "kernels/instantiate.h"
