/* Reference solution of exercises/layer_norm.c (graded by `make check`). */
#define EXERCISE layer_norm_given
#include "../layer_norm.c"
#undef EXERCISE

/* h = dL/dy * g;  dL/dx = r (h - mean(h) - xhat mean(h xhat));
 * dL/dg = sum over rows of dL/dy * xhat;  dL/db = sum over rows of dL/dy.
 * mu and r are recomputed from x with ops, so that the engine can
 * differentiate this function again. */
static int layer_norm_solution(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                               nb_tensor *out, nb_tensor *grad_out, nb_tensor **grad_in, void *user)
{
    (void)saved, (void)n, (void)out, (void)user;
    nb_tensor *x = in[0], *g = in[1];
    nb_tensor *xc = nb_sub(x, nb_mean_axis(x, 1, true));
    nb_tensor *r = nb_pow_scalar(nb_add_scalar(nb_mean_axis(nb_square(xc), 1, true), LN_EPS), -0.5);
    nb_tensor *xhat = nb_mul(xc, r);
    nb_tensor *h = nb_mul(grad_out, g);
    nb_tensor *centred = nb_sub(h, nb_mean_axis(h, 1, true));
    grad_in[0] = nb_mul(r, nb_sub(centred, nb_mul(xhat, nb_mean_axis(nb_mul(h, xhat), 1, true))));
    grad_in[1] = nb_sum_axis(nb_mul(grad_out, xhat), 0, false);
    grad_in[2] = nb_sum_axis(grad_out, 0, false);
    return grad_in[0] && grad_in[1] && grad_in[2] ? 0 : -1;
}

const exercise_variant EXERCISE_VARIANT = {
    .base = &layer_norm_given, .backward = layer_norm_solution, .label = "reference solution"};
