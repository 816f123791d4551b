/* nabla/ops_nn.h — softmax, log-softmax and the losses of network training.
 *
 * Every function: inputs must be valid tensors of one dtype (a NULL input
 * gives NULL without a new message; mixed dtypes are NB_ERR_DTYPE); the
 * result is a new tensor in the current arena; with grad mode on and an
 * input requiring grad, graph nodes are recorded.  All are differentiable
 * twice (class labels are not differentiated).
 */
#ifndef NABLA_OPS_NN_H
#define NABLA_OPS_NN_H

#include <stdbool.h>

#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How a loss combines its per-element (per-row) values. */
typedef enum nb_reduction {
    NB_REDUCE_MEAN = 0, /* average: a 0-d result (the default, value 0) */
    NB_REDUCE_SUM,      /* total: a 0-d result */
    NB_REDUCE_NONE      /* no reduction: one value per element (row) */
} nb_reduction;

/* exp(x) / sum(exp(x)) along `axis`, computed with the axis max subtracted
 * first, so logits like +-1000 give exact probabilities.  Gradient:
 * y * (g - sum(g * y)) with y the result. */
nb_tensor *nb_softmax(nb_tensor *x, int axis);

/* x - logsumexp(x) along `axis` (stable).  Gradient: g - softmax(x) * sum(g). */
nb_tensor *nb_log_softmax(nb_tensor *x, int axis);

/* Mean squared error (x - t)^2 over all elements (reduced by `red`).  pred
 * and target must have equal shapes (NB_ERR_SHAPE otherwise: broadcasting a
 * (N) target against an (N x 1) prediction is a classic silent bug). */
nb_tensor *nb_mse_loss(nb_tensor *pred, nb_tensor *target, nb_reduction red);

/* Cross-entropy of logits (N x C) against class labels: a 1-D tensor of N
 * integral values in 0..C-1 of the logits' dtype.  Per row:
 * logsumexp(logits[i]) - logits[i, label_i], stable for any logits; equal to
 * nll_loss(log_softmax(logits, 1), labels).  A label out of range or not an
 * integer is an NB_ERR_ARG error naming the row.  labels is read again by
 * backward and must stay valid and unchanged until then.  NB_REDUCE_NONE
 * gives the N per-row losses. */
nb_tensor *nb_cross_entropy_loss(nb_tensor *logits, nb_tensor *labels, nb_reduction red);

/* Negative log-likelihood: -log_probs[i, label_i] per row, for log_probs
 * (N x C) (e.g. from nb_log_softmax) and labels as for nb_cross_entropy_loss. */
nb_tensor *nb_nll_loss(nb_tensor *log_probs, nb_tensor *labels, nb_reduction red);

/* Binary cross-entropy of logits x against targets t in [0, 1] (equal
 * shapes), elementwise max(x, 0) - x*t + log1p(exp(-|x|)), which never
 * overflows.  Gradients: sigmoid(x) - t for x, -x for t. */
nb_tensor *nb_bce_with_logits_loss(nb_tensor *logits, nb_tensor *targets, nb_reduction red);

/* ---- normalisation ---- */

/* Layer normalisation over the last k axes (1 <= k <= ndim), as
 * torch.nn.functional.layer_norm(x, x.shape[-k:], weight, bias, eps):
 * y = (x - mean) / sqrt(var + eps) * weight + bias, mean and the biased
 * variance taken over those k axes for each leading index (two passes, so a
 * large offset is harmless).  weight and bias are optional (NULL); when
 * given, each has the shape of x's last k axes.  eps must be finite and
 * >= 0 (torch uses 1e-5).  Differentiable twice in x, weight and bias. */
nb_tensor *nb_layer_norm(nb_tensor *x, int k, nb_tensor *weight, nb_tensor *bias, double eps);

/* Batch normalisation of x (N, C), (N, C, L) or (N, C, H, W) per channel c,
 * as torch.nn.functional.batch_norm:
 * y = (x - mean_c) / sqrt(var_c + eps) * weight_c + bias_c.
 * When training, mean_c and var_c are the batch's (over N and the spatial
 * axes; the biased variance normalises) and the running statistics, when
 * given, are updated in place: r = (1 - momentum) r + momentum s, with the
 * unbiased variance for running_var (not recorded; each gets one version
 * bump).  Training needs more than one value per channel (NB_ERR_SHAPE).
 * When not training, running_mean and running_var (required) are used and
 * not changed.  running_mean, running_var, weight and bias are 1-D of C
 * elements of x's dtype; weight and bias may be NULL (no affine part),
 * running statistics may be NULL when training.  momentum in [0, 1], eps
 * finite >= 0 (torch: 0.1 and 1e-5).  Differentiable twice in x, weight and
 * bias (the running statistics are constants). */
nb_tensor *nb_batch_norm(nb_tensor *x, nb_tensor *running_mean, nb_tensor *running_var,
                         nb_tensor *weight, nb_tensor *bias, bool training, double momentum,
                         double eps);

#ifdef __cplusplus
}
#endif
#endif
