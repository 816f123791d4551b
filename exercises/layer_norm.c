/* Exercise 2: layer normalisation of each row of x (N x D), with a gain g
 * and a bias b (D each):
 *
 *   mu = mean(x_i.),  var = mean((x_i. - mu)^2),  r = 1 / sqrt(var + eps)
 *   xhat = (x - mu) r,    y = g * xhat + b
 *
 * Write its backward: given grad_out = dL/dy (N x D), set grad_in[0] = dL/dx
 * (N x D), grad_in[1] = dL/dg and grad_in[2] = dL/db (D each).  dL/dg and
 * dL/db are sums over the rows.  dL/dx is the hard part: mu and var depend
 * on every entry of the row, so each x_ij reaches y along three paths
 * (directly, through mu, through var).  Derive it on paper; it can be
 * written as r * (h - mean(h) - xhat * mean(h * xhat)) with h = dL/dy * g,
 * the means taken along each row.
 *
 * Use nabla ops (nb_mean_axis with keepdim, nb_sum_axis, nb_mul, ...) on
 * in[], out and grad_out, recomputing mu and r from x: the grader also
 * checks the second derivative, which the engine gets by differentiating
 * your backward's ops.  `make exercises` grades it (or
 * ./exercises/grade_layer_norm in the build folder).
 */
#include "exercise.h"

#define LN_EPS 1e-5

/* Given. */
static nb_tensor *layer_norm_forward(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)save, (void)user;
    nb_tensor *x = in[0], *g = in[1], *b = in[2];
    nb_tensor *xc = nb_sub(x, nb_mean_axis(x, 1, true));
    nb_tensor *r = nb_pow_scalar(nb_add_scalar(nb_mean_axis(nb_square(xc), 1, true), LN_EPS), -0.5);
    return nb_add(nb_mul(nb_mul(xc, r), g), b);
}

/* Yours: grad_in[0] = dL/dx, grad_in[1] = dL/dg, grad_in[2] = dL/db. */
static int layer_norm_backward(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                               nb_tensor *out, nb_tensor *grad_out, nb_tensor **grad_in, void *user)
{
    (void)saved, (void)in, (void)n, (void)out, (void)grad_out, (void)grad_in;
    /* TODO: grad_in[0] = ...; grad_in[1] = ...; grad_in[2] = ...; return 0; */
    return exercise_todo(user);
}

const exercise EXERCISE = {
    .name = "layer_norm",
    .formula = "y = g * (x - mean(x)) / sqrt(var(x) + 1e-5) + b, along each row",
    .output = "y",
    .file = "exercises/layer_norm.c",
    .n_inputs = 3,
    .inputs = {{.name = "x", .ndim = 2, .shape = {3, 5}, .low = -2, .high = 2},
               {.name = "g", .ndim = 1, .shape = {5}, .low = 1.2, .high = 2}, /* a gain, not 1 */
               {.name = "b", .ndim = 1, .shape = {5}, .low = -1, .high = 1}},
    .forward = layer_norm_forward,
    .backward = layer_norm_backward,
};
