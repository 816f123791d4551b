/* batch_norm: per-channel normalisation of (N, C, ...) data, composed of
 * ops on an (N, C, S) view (S the product of the spatial axes, 1 for
 * (N, C)), so that every gradient and its derivatives come from those ops.
 * Training normalises with the batch's mean and biased variance (two
 * passes: the variance of centred values) and writes the running
 * statistics in place, unrecorded; evaluation uses the running
 * statistics as constants. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "nabla/ops.h"
#include "ops/op_util.h"

/* A per-channel tensor must be 1-D with C elements. */
static int nb_bn_check_channel(const nb_tensor *t, int64_t c, const char *what)
{
    if (t->ndim == 1 && t->shape[0] == c)
        return 0;
    char s[96];
    return nb__error(NB_ERR_SHAPE, "batch_norm: %s is %s but x has %lld channels (axis 1); it "
                     "must be 1-d with %lld elements", what,
                     nb__shape_fmt(t->ndim, t->shape, s, sizeof s), (long long)c, (long long)c);
}

/* r = (1 - momentum) r + momentum * s * factor, in place, one version bump. */
static void nb_bn_update(nb_tensor *r, const nb_tensor *s, double momentum, double factor)
{
    for (int64_t i = 0; i < r->numel; i++) {
        double v = (1 - momentum) * nb_tensor_get(r, i) + momentum * factor * nb_tensor_get(s, i);
        if (r->dtype == NB_F32)
            ((float *)r->data)[i] = (float)v;
        else
            ((double *)r->data)[i] = v;
    }
    nb_tensor_bump_version(r);
}

nb_tensor *nb_batch_norm(nb_tensor *x, nb_tensor *running_mean, nb_tensor *running_var,
                         nb_tensor *weight, nb_tensor *bias, bool training, double momentum,
                         double eps)
{
    const char *op = "batch_norm";
    nb_tensor *opt[4] = {running_mean, running_var, weight, bias};
    static const char *const what[4] = {"running_mean", "running_var", "weight", "bias"};
    nb_tensor *in[5] = {x};
    int n_in = 1;
    for (int k = 0; k < 4; k++)
        if (opt[k])
            in[n_in++] = opt[k];
    if (nb__check_op_inputs(op, in, n_in) < 0)
        return NULL;
    char s[96];
    if (x->ndim < 2 || x->ndim > 4) {
        nb__error(NB_ERR_SHAPE, "batch_norm: x is %s; expected (N, C), (N, C, L) or "
                  "(N, C, H, W)", nb__shape_fmt(x->ndim, x->shape, s, sizeof s));
        return NULL;
    }
    if (!(momentum >= 0 && momentum <= 1) || !(eps >= 0 && isfinite(eps))) {
        nb__error(NB_ERR_ARG, "batch_norm: momentum %g, eps %g; expected momentum in [0, 1] and "
                  "a finite eps >= 0 (torch uses 0.1 and 1e-5)", momentum, eps);
        return NULL;
    }
    int64_t n = x->shape[0], c = x->shape[1], sp = 1;
    for (int d = 2; d < x->ndim; d++)
        sp *= x->shape[d];
    for (int k = 0; k < 4; k++)
        if (opt[k] && nb_bn_check_channel(opt[k], c, what[k]) < 0)
            return NULL;
    if (!training && (!running_mean || !running_var)) {
        nb__error(NB_ERR_NULL, "batch_norm: evaluation needs running_mean and running_var (%s "
                  "is NULL); pass training = true to use the batch's statistics",
                  running_mean ? "running_var" : "running_mean");
        return NULL;
    }
    int64_t count = n * sp;
    if (training && count <= 1) {
        nb__error(NB_ERR_SHAPE, "batch_norm: x is %s, %lld value per channel; training needs "
                  "more than one (a larger batch, or evaluation mode)",
                  nb__shape_fmt(x->ndim, x->shape, s, sizeof s), (long long)count);
        return NULL;
    }
    const int64_t chan[3] = {1, c, 1};
    nb_tensor *x3 = nb_reshape(x, 3, (const int64_t[]){n, c, sp});
    nb_tensor *mean, *var;
    if (training) {
        /* the mean of per-sample means is the mean over N and S (equal counts) */
        mean = nb_mean_axis(nb_mean_axis(x3, 2, true), 0, true);
        nb_tensor *d = nb_sub(x3, mean);
        var = nb_mean_axis(nb_mean_axis(nb_square(d), 2, true), 0, true);
        if (!var)
            return NULL;
        if (running_mean)
            nb_bn_update(running_mean, mean, momentum, 1.0);
        if (running_var)
            nb_bn_update(running_var, var, momentum, (double)count / (double)(count - 1));
    } else {
        mean = nb_reshape(running_mean, 3, chan);
        var = nb_reshape(running_var, 3, chan);
    }
    nb_tensor *y = nb_div(nb_sub(x3, mean), nb_sqrt(nb_add_scalar(var, eps)));
    if (weight)
        y = nb_mul(y, nb_reshape(weight, 3, chan));
    if (bias)
        y = nb_add(y, nb_reshape(bias, 3, chan));
    return nb_reshape(y, x->ndim, x->shape);
}
