/* Regression and binary-classification losses: mse (composed of ops; with
 * NB_REDUCE_SUM it is MATLAB's sse) and bce_with_logits (one elementwise op with a stable forward). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "ops/elementwise_op.h"
#include "ops/loss_util.h"

/* Binary cross-entropy of a logit a against a target b in [0, 1], in the
 * form that never exponentiates a positive number: exp(-|a|) <= 1. */
#define NB_ZIPS(X) X(bce_with_logits, nb_no_params, (a > 0 ? a : (T)0) - a * b + log1p(exp(-fabs(a))))
#include "kernels/elementwise_loops.h"

/* Losses compare like with like: a (64) target against a (64x1) prediction
 * would broadcast to 64x64 silently, so the shapes must be equal. */
static int nb_check_pair(const char *op, nb_tensor *a, nb_tensor *b, const char *na, const char *nb)
{
    nb_tensor *in[2] = {a, b};
    if (nb__check_op_inputs(op, in, 2) < 0)
        return -1;
    if (!nb_tensor_same_shape(a, b)) {
        char s1[96], s2[96];
        return nb__error(NB_ERR_SHAPE, "%s: %s is %s but %s is %s; the shapes must be equal (reshape one of them; "
                         "class labels need a one-hot encoding or a cross-entropy loss)",
                         op, na, nb__shape_fmt(a->ndim, a->shape, s1, sizeof s1), nb,
                         nb__shape_fmt(b->ndim, b->shape, s2, sizeof s2));
    }
    return 0;
}

nb_tensor *nb_mse_loss(nb_tensor *pred, nb_tensor *target, nb_reduction red)
{
    if (nb_check_pair("mse_loss", pred, target, "pred", "target") < 0 ||
        nb__check_reduction("mse_loss", red) < 0)
        return NULL;
    return nb__reduce_loss(nb_square(nb_sub(pred, target)), red);
}

/* d/dx = sigmoid(x) - t, d/dt = -x.  sigmoid(x) = (1 + tanh(x/2)) / 2 keeps
 * the formula on the core ops (and stable: tanh never overflows). */
static int nb_bce_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *x = node->inputs[0], *t = node->inputs[1];
    if (nb__needs_grad(node, 0)) {
        nb_tensor *sig = nb_add_scalar(nb_mul_scalar(nb_tanh(nb_mul_scalar(x, 0.5)), 0.5), 0.5);
        gi[0] = nb_mul(g, nb_sub(sig, t));
    }
    if (nb__needs_grad(node, 1))
        gi[1] = nb_neg(nb_mul(g, x));
    return 0;
}

static const nb_op nb_op_bce = {
    .name = "bce_with_logits_loss",
    .forward = nb__zip_forward,
    .backward = nb_bce_backward,
    .saved = NB_SAVES_ALL_INPUTS,
    .zip = {nb_bce_with_logits_zip_f32, nb_bce_with_logits_zip_f64},
};

nb_tensor *nb_bce_with_logits_loss(nb_tensor *logits, nb_tensor *targets, nb_reduction red)
{
    const char *op = "bce_with_logits_loss";
    if (nb_check_pair(op, logits, targets, "logits", "targets") < 0 || nb__check_reduction(op, red) < 0)
        return NULL;
    nb_tensor *in[2] = {logits, targets};
    nb_tensor *per = nb__op_apply(&nb_op_bce, in, 2, NULL, logits->dtype, logits->ndim, logits->shape);
    return nb__reduce_loss(per, red);
}
