/* broadcast_to and sum_to: each is the other's gradient.  Both are the
 * engine's own pair (src/autograd/sum_to.c), which also reduces every
 * broadcast gradient, so the public ops and the engine's reduction are one
 * implementation. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "autograd/graph.h"
#include "nabla/ops.h"

nb_tensor *nb_broadcast_to(nb_tensor *x, int ndim, const int64_t *shape)
{
    return nb__broadcast_to(x, ndim, shape);
}

nb_tensor *nb_sum_to(nb_tensor *x, int ndim, const int64_t *shape)
{
    return nb__sum_to(x, ndim, shape);
}
