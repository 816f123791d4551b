/* Exercise 3: one layer of a BP network, tansig of a weighted sum, for a
 * batch of N samples x (N x I), weights W (I x O) and a bias b (O):
 *
 *   z = x W + b    (b added to every row),    y = tanh(z)
 *
 * Write its backward, the tutorial's steps 2 and 3 for one layer: given
 * grad_out = dL/dy (N x O), first the delta D = dL/dz (tansig' = 1 - y^2,
 * and y is `out`), then grad_in[0] = dL/dx (N x I, what the layer below
 * receives), grad_in[1] = dL/dW (I x O) and grad_in[2] = dL/db (O).
 * Check the shapes: each gradient has its input's shape.
 *
 * Use nabla ops (nb_matmul_t, nb_sum_axis, nb_mul, ...) on in[], out and
 * grad_out: the grader also checks the second derivative, which the engine
 * gets by differentiating your backward's ops.  `make exercises` grades it
 * (or ./exercises/grade_bp_layer in the build folder).
 */
#include "exercise.h"

/* Given. */
static nb_tensor *bp_layer_forward(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)save, (void)user;
    return nb_tanh(nb_add(nb_matmul(in[0], in[1]), in[2]));
}

/* Yours: grad_in[0] = dL/dx, grad_in[1] = dL/dW, grad_in[2] = dL/db. */
static int bp_layer_backward(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                             nb_tensor *out, nb_tensor *grad_out, nb_tensor **grad_in, void *user)
{
    (void)saved, (void)in, (void)n, (void)out, (void)grad_out, (void)grad_in;
    /* TODO: D = ...; grad_in[0] = ...; grad_in[1] = ...; grad_in[2] = ...; return 0; */
    return exercise_todo(user);
}

const exercise EXERCISE = {
    .name = "bp_layer",
    .formula = "y = tanh(x W + b)",
    .output = "y",
    .file = "exercises/bp_layer.c",
    .n_inputs = 3,
    .inputs = {{.name = "x", .ndim = 2, .shape = {4, 3}, .low = -1, .high = 1},
               {.name = "W", .ndim = 2, .shape = {3, 2}, .low = -1, .high = 1},
               {.name = "b", .ndim = 1, .shape = {2}, .low = -0.5, .high = 0.5}},
    .forward = bp_layer_forward,
    .backward = bp_layer_backward,
};
