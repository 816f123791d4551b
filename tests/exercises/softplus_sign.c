/* A wrong solution of exercises/softplus.c, for the grader's test: the
 * classic slip 1 / (1 + e^x), which is sigmoid(-x). */
#define EXERCISE softplus_given
#include "../../exercises/softplus.c"
#undef EXERCISE

static int softplus_sign(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                         nb_tensor *out, nb_tensor *grad_out, nb_tensor **grad_in, void *user)
{
    (void)saved, (void)n, (void)out, (void)user;
    grad_in[0] = nb_mul(grad_out, nb_sigmoid(nb_neg(in[0])));
    return grad_in[0] ? 0 : -1;
}

const exercise_variant EXERCISE_VARIANT = {
    .base = &softplus_given, .backward = softplus_sign, .label = "wrong: sigmoid(-x)"};
