/* A wrong solution of exercises/layer_norm.c, for the grader's test: mu and
 * var taken as constants, dL/dx = dL/dy * g * r (only the direct path). */
#define EXERCISE layer_norm_given
#include "../../exercises/layer_norm.c"
#undef EXERCISE

static int layer_norm_no_mean(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                              nb_tensor *out, nb_tensor *grad_out, nb_tensor **grad_in, void *user)
{
    (void)saved, (void)n, (void)out, (void)user;
    nb_tensor *x = in[0], *g = in[1];
    nb_tensor *xc = nb_sub(x, nb_mean_axis(x, 1, true));
    nb_tensor *r = nb_pow_scalar(nb_add_scalar(nb_mean_axis(nb_square(xc), 1, true), LN_EPS), -0.5);
    grad_in[0] = nb_mul(nb_mul(grad_out, g), r);
    grad_in[1] = nb_sum_axis(nb_mul(grad_out, nb_mul(xc, r)), 0, false);
    grad_in[2] = nb_sum_axis(grad_out, 0, false);
    return grad_in[0] && grad_in[1] && grad_in[2] ? 0 : -1;
}

const exercise_variant EXERCISE_VARIANT = {
    .base = &layer_norm_given, .backward = layer_norm_no_mean,
    .label = "wrong: mean and variance held constant"};
