/* var_axis and std_axis: the two-pass variance (mean first, then the sum
 * of centred squares), composed of mean_axis, sub, square and sum_axis, so
 * that the gradient 2 (x - mean) / (n - correction) and every higher order
 * come from those ops.  Centring first is what keeps 1e4 + small noise
 * exact where the one-pass E[x²] - E[x]² would cancel. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "ops/op_util.h"

/* Checks under `op`'s name, then the variance. */
static nb_tensor *nb_var_impl(const char *op, nb_tensor *x, int axis, int correction, bool keepdim)
{
    int a;
    if (nb__check_op_inputs(op, &x, 1) < 0 || nb__norm_axis(op, axis, x->ndim, &a) < 0)
        return NULL;
    if (correction < 0) {
        nb__error(NB_ERR_ARG, "%s: correction is %d; expected 0 (population variance) or more "
                  "(1, torch's default, is the unbiased estimate)", op, correction);
        return NULL;
    }
    double denom = (double)x->shape[a] - (double)correction;
    nb_tensor *d = nb_sub(x, nb_mean_axis(x, a, true));
    nb_tensor *ss = nb_sum_axis(nb_square(d), a, keepdim);
    /* n <= correction: 0/0 = NaN or x/negative, as torch gives */
    if (denom > 0)
        return nb_mul_scalar(ss, 1.0 / denom);
    return nb_div(ss, ss ? nb_scalar(ss->dtype, denom) : NULL);
}

nb_tensor *nb_var_axis(nb_tensor *x, int axis, int correction, bool keepdim)
{
    return nb_var_impl("var_axis", x, axis, correction, keepdim);
}

nb_tensor *nb_std_axis(nb_tensor *x, int axis, int correction, bool keepdim)
{
    return nb_sqrt(nb_var_impl("std_axis", x, axis, correction, keepdim));
}
