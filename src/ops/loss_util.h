/* The reduction step shared by the losses. */
#ifndef NB_OPS_LOSS_UTIL_H
#define NB_OPS_LOSS_UTIL_H

#include "nabla/ops.h"
#include "core/error_internal.h"

/* 0 when red is one of the nb_reduction values, else an NB_ERR_ARG message. */
static inline int nb__check_reduction(const char *op, nb_reduction red)
{
    if (red == NB_REDUCE_MEAN || red == NB_REDUCE_SUM || red == NB_REDUCE_NONE)
        return 0;
    return nb__error(NB_ERR_ARG,
                     "%s: reduction %d is not one of NB_REDUCE_MEAN, NB_REDUCE_SUM, NB_REDUCE_NONE",
                     op, (int)red);
}

/* Per-element losses -> mean, sum, or unchanged. */
static inline nb_tensor *nb__reduce_loss(nb_tensor *per_elem, nb_reduction red)
{
    switch (red) {
    case NB_REDUCE_MEAN: return nb_mean(per_elem);
    case NB_REDUCE_SUM: return nb_sum(per_elem);
    default: return per_elem;
    }
}

#endif
