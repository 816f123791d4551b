/* A wrong solution of exercises/bp_layer.c, for the grader's test: dL/dW
 * written as Dᵀ x (O x I) instead of xᵀ D (I x O), which the engine refuses
 * for its shape. */
#define EXERCISE bp_layer_given
#include "../../exercises/bp_layer.c"
#undef EXERCISE

static int bp_layer_transposed(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                               nb_tensor *out, nb_tensor *grad_out, nb_tensor **grad_in, void *user)
{
    (void)saved, (void)n, (void)user;
    nb_tensor *D = nb_mul(grad_out, nb_add_scalar(nb_neg(nb_square(out)), 1.0));
    grad_in[0] = nb_matmul_t(D, in[1], false, true);
    grad_in[1] = nb_matmul_t(D, in[0], true, false); /* the slip: Dᵀ x */
    grad_in[2] = nb_sum_axis(D, 0, false);
    return grad_in[0] && grad_in[1] && grad_in[2] ? 0 : -1;
}

const exercise_variant EXERCISE_VARIANT = {
    .base = &bp_layer_given, .backward = bp_layer_transposed, .label = "wrong: dL/dW transposed"};
