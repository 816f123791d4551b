/* Exercise 1: softplus.
 *
 *   y = softplus(x) = log(1 + e^x), element by element
 *
 * Write its backward: given grad_out = dL/dy (x's shape), set
 * grad_in[0] = dL/dx.  Differentiate log(1 + e^x) on paper first; the
 * result is a function you will recognise.
 *
 * Use nabla ops (nb_mul, nb_exp, nb_sigmoid, ... from <nabla.h>) on in[0]
 * and grad_out, not loops over raw arrays: the grader also checks the
 * second derivative, which the engine gets by differentiating your
 * backward's ops.  `make exercises` grades it (or ./exercises/grade_softplus
 * in the build folder).
 */
#include "exercise.h"

/* Given: log(1 + e^x), written as max(x, 0) + log(1 + e^-|x|), which
 * cannot overflow.  (Forward runs with recording off: only your backward
 * is differentiated.) */
static nb_tensor *softplus_forward(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)save, (void)user;
    nb_tensor *x = in[0];
    return nb_add(nb_relu(x), nb_log(nb_add_scalar(nb_exp(nb_neg(nb_abs(x))), 1.0)));
}

/* Yours: grad_in[0] = dL/dx. */
static int softplus_backward(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                             nb_tensor *out, nb_tensor *grad_out, nb_tensor **grad_in, void *user)
{
    (void)saved, (void)in, (void)n, (void)out, (void)grad_out, (void)grad_in;
    /* TODO: grad_in[0] = ... ; return 0; */
    return exercise_todo(user);
}

const exercise EXERCISE = {
    .name = "softplus",
    .formula = "y = log(1 + e^x)",
    .output = "y",
    .file = "exercises/softplus.c",
    .n_inputs = 1,
    .inputs = {{.name = "x", .ndim = 2, .shape = {3, 4}, .low = -3, .high = 3}},
    .forward = softplus_forward,
    .backward = softplus_backward,
};
