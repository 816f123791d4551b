/* dropout (inverted): x times a constant mask of 0 and 1/(1-p) drawn from
 * the caller's RNG.  The mask is never recorded, so the gradient
 * g * mask and its own derivatives come from mul. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "nabla/ops.h"
#include "ops/op_util.h"

nb_tensor *nb_dropout(nb_tensor *x, double p, bool training, nb_rng *rng)
{
    const char *op = "dropout";
    if (nb__check_op_inputs(op, &x, 1) < 0)
        return NULL;
    if (!(p >= 0 && p < 1)) {
        nb__error(NB_ERR_ARG, "dropout: p is %g; expected a probability in [0, 1) (the share of "
                  "elements zeroed)", p);
        return NULL;
    }
    if (!training || p == 0)
        return x;
    if (!rng) {
        nb__error(NB_ERR_NULL, "dropout: rng is NULL (pass the model's, nb_model_rng(model))");
        return NULL;
    }
    nb_tensor *mask = nb_zeros(x->dtype, x->ndim, x->shape);
    if (!mask)
        return NULL;
    double scale = 1.0 / (1.0 - p);
    if (x->dtype == NB_F32) {
        float *m = mask->data;
        for (int64_t i = 0; i < mask->numel; i++)
            m[i] = nb_rng_uniform(rng) < p ? 0.0f : (float)scale;
    } else {
        double *m = mask->data;
        for (int64_t i = 0; i < mask->numel; i++)
            m[i] = nb_rng_uniform(rng) < p ? 0.0 : scale;
    }
    return nb_mul(x, mask);
}
