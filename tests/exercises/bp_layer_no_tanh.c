/* A wrong solution of exercises/bp_layer.c, for the grader's test: the
 * delta without tansig' (D = dL/dy instead of dL/dy * (1 - y^2)). */
#define EXERCISE bp_layer_given
#include "../../exercises/bp_layer.c"
#undef EXERCISE

static int bp_layer_no_tanh(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                            nb_tensor *out, nb_tensor *grad_out, nb_tensor **grad_in, void *user)
{
    (void)saved, (void)n, (void)out, (void)user;
    nb_tensor *D = grad_out;
    grad_in[0] = nb_matmul_t(D, in[1], false, true);
    grad_in[1] = nb_matmul_t(in[0], D, true, false);
    grad_in[2] = nb_sum_axis(D, 0, false);
    return grad_in[0] && grad_in[1] && grad_in[2] ? 0 : -1;
}

const exercise_variant EXERCISE_VARIANT = {
    .base = &bp_layer_given, .backward = bp_layer_no_tanh, .label = "wrong: tansig' forgotten"};
