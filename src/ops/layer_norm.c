/* layer_norm: each leading index's last k axes normalised to mean 0 and
 * variance 1, then scaled and shifted.  Composed of ops (reshape to rows,
 * mean_axis, sub, square, sqrt, div, mul, add), so its gradients in x,
 * weight and bias, and their derivatives, come from those ops.  The
 * variance is taken of the centred values (two passes): a row at 1e4 with
 * noise of 1e-3 keeps its digits. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "nabla/ops.h"
#include "ops/op_util.h"

/* An affine tensor (weight or bias) must have the shape of x's last k axes. */
static int nb_ln_check_affine(const nb_tensor *x, int k, const nb_tensor *t, const char *what)
{
    bool fits = t->ndim == k;
    for (int d = 0; fits && d < k; d++)
        fits = t->shape[d] == x->shape[x->ndim - k + d];
    if (fits)
        return 0;
    char s1[96], s2[96], s3[96];
    return nb__error(NB_ERR_SHAPE, "layer_norm: %s is %s but x is %s; with k = %d it must be "
                     "%s (x's last %d axes)", what, nb__shape_fmt(t->ndim, t->shape, s1, sizeof s1),
                     nb__shape_fmt(x->ndim, x->shape, s2, sizeof s2), k,
                     nb__shape_fmt(k, x->shape + x->ndim - k, s3, sizeof s3), k);
}

nb_tensor *nb_layer_norm(nb_tensor *x, int k, nb_tensor *weight, nb_tensor *bias, double eps)
{
    const char *op = "layer_norm";
    nb_tensor *in[3] = {x, weight, bias};
    int n_in = 1;
    if (weight)
        in[n_in++] = weight;
    if (bias)
        in[n_in++] = bias;
    if (nb__check_op_inputs(op, in, n_in) < 0)
        return NULL;
    if (k < 1 || k > x->ndim) {
        char s[96];
        nb__error(NB_ERR_ARG, "layer_norm: k is %d but x is %s; normalise over 1..%d trailing "
                  "axes", k, nb__shape_fmt(x->ndim, x->shape, s, sizeof s), x->ndim);
        return NULL;
    }
    if (!(eps >= 0 && isfinite(eps))) {
        nb__error(NB_ERR_ARG, "layer_norm: eps is %g; expected a finite number >= 0 (torch "
                  "uses 1e-5)", eps);
        return NULL;
    }
    if ((weight && nb_ln_check_affine(x, k, weight, "weight") < 0) ||
        (bias && nb_ln_check_affine(x, k, bias, "bias") < 0))
        return NULL;
    int64_t outer = 1, row = 1;
    for (int d = 0; d < x->ndim; d++)
        *(d < x->ndim - k ? &outer : &row) *= x->shape[d];
    nb_tensor *rows = nb_reshape(x, 2, (const int64_t[]){outer, row});
    nb_tensor *d = nb_sub(rows, nb_mean_axis(rows, 1, true));
    nb_tensor *var = nb_mean_axis(nb_square(d), 1, true);
    nb_tensor *y = nb_reshape(nb_div(d, nb_sqrt(nb_add_scalar(var, eps))), x->ndim, x->shape);
    if (weight)
        y = nb_mul(y, weight);
    if (bias)
        y = nb_add(y, bias);
    return y;
}
