/* Losses for training, composed of ops: MATLAB's mse and sse. */
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
    return nb_sum(nb_square(nb_sub(pred, target)));
}

nb_tensor *nb_loss_mse(nb_tensor *pred, nb_tensor *target)
{
    if (nb_loss_check("nb_loss_mse", pred, target) < 0)
        return NULL;
    return nb_mul_scalar(nb_sum(nb_square(nb_sub(pred, target))), 1.0 / (double)pred->numel);
}
