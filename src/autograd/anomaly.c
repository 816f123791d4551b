/* Anomaly mode for data that enters the graph from outside it.
 *
 * Op results are checked where they are made (nb__op_apply), and a NaN in
 * an input is not blamed on the op that receives it.  So a NaN that was
 * already in a leaf (an input batch, a parameter after a diverging step, a
 * constant) would flow through every op unreported; here each leaf input is
 * scanned at its first use.
 *
 * Cost: one pass over a leaf per version at which an op reads it.  Leaves are
 * reused every step, so the last version found finite is kept in the tensor
 * (finite_version): a dataset or a frozen weight is scanned once, a
 * parameter once per optimizer step (the step bumps its version), a batch
 * copied for the step once.  Op results found finite are marked too, so a
 * result without history used again (any gradient inside nb_backward, which
 * records nothing) is not scanned twice.  A write through a data pointer
 * without nb_tensor_bump_version is not seen, as for every version check. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>

#include "autograd/graph.h"
#include "autograd/call_site_internal.h"

/* Index of the first NaN/Inf of t (one is known to be there). */
static int64_t nb_first_nonfinite(const nb_tensor *t)
{
    for (int64_t i = 0; i < t->numel; i++)
        if (!isfinite(nb__get(t, i)))
            return i;
    return -1;
}

static int nb_leaf_error(const char *op, int k, const nb_tensor *t, int64_t bad)
{
    int64_t i = nb_first_nonfinite(t);
    double v = nb__get(t, i);
    const char *file;
    int line;
    nb__get_call_site(&file, &line);
    char at[300] = "", shape[96];
    if (file)
        snprintf(at, sizeof at, " at %s:%d", file, line);
    return nb__error(NB_ERR_NUMERIC,
                     "anomaly: input %d of '%s'%s holds %s at element %lld (%lld NaN/Inf value%s in "
                     "all); it is a leaf (%s%s%s %s), so the value came from outside the graph "
                     "(input data, an initialiser, or an in-place write such as an optimizer "
                     "step): look where it was filled or last updated",
                     k + 1, op, at, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf", (long long)i,
                     (long long)bad, bad == 1 ? "" : "s", t->name ? t->name : "",
                     t->name ? ", " : "", nb_dtype_name(t->dtype),
                     nb__shape_fmt(t->ndim, t->shape, shape, sizeof shape));
}

int nb__anomaly_check_leaves(const char *op, nb_tensor *const *inputs, int n_inputs)
{
    for (int k = 0; k < n_inputs; k++) {
        nb_tensor *t = inputs[k];
        if (t->node ||
            atomic_load_explicit(&t->finite_version, memory_order_relaxed) == nb__version(t) + 1)
            continue;
        int64_t bad = nb__count_nonfinite(t); /* vectorised: the common case is none */
        if (bad)
            return nb_leaf_error(op, k, t, bad);
        nb__anomaly_mark_finite(t);
    }
    return 0;
}
