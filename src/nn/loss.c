/* Losses with the nb_loss_fn signature, for nb_train: MATLAB's mse and sse
 * and the cross-entropy of softmax logits against class labels, on top of
 * the fused loss ops (checked here first so that the message speaks of the
 * training data's likely mistakes). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "nn/nn_internal.h"

static int nb_loss_check(const char *api, nb_tensor *pred, nb_tensor *target)
{
    if (!pred || !target)
        return nb__null_input(api, !pred ? "pred" : "target");
    int rc = nb__check_tensor(pred, api, "pred");
    if (rc == 0)
        rc = nb__check_tensor(target, api, "target");
    if (rc < 0)
        return rc;
    if (!nb_same_shape(pred, target)) {
        char s1[96], s2[96];
        return nb__error(NB_ERR_SHAPE, "%s: pred is %s but target is %s (one target per output; "
                         "class labels need a one-hot encoding or a cross-entropy loss)", api,
                         nb__shape_fmt(pred->ndim, pred->shape, s1, sizeof s1),
                         nb__shape_fmt(target->ndim, target->shape, s2, sizeof s2));
    }
    return 0;
}

nb_tensor *nb_loss_sse(nb_tensor *pred, nb_tensor *target)
{
    if (nb_loss_check("nb_loss_sse", pred, target) < 0)
        return NULL;
    return nb_sse_loss(pred, target);
}

nb_tensor *nb_loss_mse(nb_tensor *pred, nb_tensor *target)
{
    if (nb_loss_check("nb_loss_mse", pred, target) < 0)
        return NULL;
    return nb_mse_loss(pred, target, NB_REDUCE_MEAN);
}

nb_tensor *nb_loss_cross_entropy(nb_tensor *logits, nb_tensor *labels)
{
    static const char api[] = "nb_loss_cross_entropy";
    if (!logits || !labels) {
        nb__null_input(api, !logits ? "logits" : "labels");
        return NULL;
    }
    if (nb__check_tensor(logits, api, "logits") < 0 || nb__check_tensor(labels, api, "labels") < 0)
        return NULL;
    if (logits->ndim != 2 || labels->ndim != 1 || labels->shape[0] != logits->shape[0]) {
        char s1[96], s2[96];
        nb__error(NB_ERR_SHAPE, "%s: logits are %s and labels %s; expected N x C logits (a "
                  "purelin output layer, no softmax) and N class labels (1-D)", api,
                  nb__shape_fmt(logits->ndim, logits->shape, s1, sizeof s1),
                  nb__shape_fmt(labels->ndim, labels->shape, s2, sizeof s2));
        return NULL;
    }
    return nb_cross_entropy(logits, labels, NB_REDUCE_MEAN);
}
