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

#ifdef __cplusplus
}
#endif
#endif
