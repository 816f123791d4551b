/* A wrong solution of exercises/softplus.c, for the grader's test: the
 * right numbers (sigmoid(x)) computed with a loop over raw arrays, so the
 * engine sees a constant and the second derivative comes out 0. */
#include <math.h>

#define EXERCISE softplus_given
#include "../../exercises/softplus.c"
#undef EXERCISE

static int softplus_loops(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                          nb_tensor *out, nb_tensor *grad_out, nb_tensor **grad_in, void *user)
{
    (void)saved, (void)n, (void)out, (void)user;
    nb_tensor *s = nb_zeros(NB_F64, nb_tensor_ndim(in[0]), nb_tensor_shape(in[0]));
    const double *x = nb_tensor_data_f64(in[0]);
    double *sd = nb_tensor_data_f64(s);
    if (!x || !sd)
        return -1;
    for (int64_t i = 0; i < nb_tensor_numel(s); i++)
        sd[i] = 1 / (1 + exp(-x[i]));
    grad_in[0] = nb_mul(grad_out, s);
    return grad_in[0] ? 0 : -1;
}

const exercise_variant EXERCISE_VARIANT = {
    .base = &softplus_given, .backward = softplus_loops, .label = "wrong: raw loops"};
