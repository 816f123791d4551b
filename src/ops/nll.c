/* nll_loss and cross_entropy.  The loss of row i is -log_probs[i, label_i];
 * the pick is nb__take along the class axis, whose gradient nb__put scatters
 * g back to the label positions (and whose own gradient is a take again, so
 * every order of derivative works).  cross_entropy is nll of log_softmax. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "ops/loss_util.h"
#include "ops/op_util.h"
#include "ops/take_put.h"

static nb_tensor *nb_nll(const char *op, nb_tensor *x, nb_tensor *labels, nb_reduction red,
                         bool from_logits)
{
    if (nb__check_op_inputs(op, &x, 1) < 0 || nb__check_reduction(op, red) < 0)
        return NULL;
    char s1[96], s2[96];
    if (x->ndim != 2) {
        nb__error(NB_ERR_SHAPE, "%s: %s must be 2-d (rows x classes%s), got %s", op,
                  from_logits ? "logits" : "log_probs",
                  from_logits ? ": the output of a purelin layer, no softmax" : "", nb__shape_fmt(x->ndim, x->shape, s1, sizeof s1));
        return NULL;
    }
    int64_t rows = x->shape[0], classes = x->shape[1];
    if (nb__check_tensor(labels, op, "labels") < 0)
        return NULL;
    if (labels->ndim == 1 && labels->numel != rows) {
        nb__error(NB_ERR_SHAPE, "%s: %lld labels for %lld rows (%s is %s, labels are %s)", op,
                  (long long)labels->numel, (long long)rows, from_logits ? "logits" : "log_probs",
                  nb__shape_fmt(x->ndim, x->shape, s1, sizeof s1),
                  nb__shape_fmt(labels->ndim, labels->shape, s2, sizeof s2));
        return NULL;
    }
    if (nb__check_indices(op, labels, x->dtype, classes, "label", "row", "classes") < 0)
        return NULL;
    nb_tensor *lp = from_logits ? nb_log_softmax(x, 1) : x;
    nb__select s = {rows, classes, 1, 1, false, labels,
                    from_logits ? NB_TAKE_FOR_CROSS_ENTROPY_LOSS : NB_TAKE_FOR_NLL_LOSS};
    return nb_neg(nb__reduce_loss(nb__take(lp, &s, 1, &rows), red));
}

nb_tensor *nb_nll_loss(nb_tensor *log_probs, nb_tensor *labels, nb_reduction red)
{
    return nb_nll("nll_loss", log_probs, labels, red, false);
}

nb_tensor *nb_cross_entropy_loss(nb_tensor *logits, nb_tensor *labels, nb_reduction red)
{
    return nb_nll("cross_entropy_loss", logits, labels, red, true);
}
