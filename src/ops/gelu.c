/* gelu, the exact (erf) form that PyTorch uses by default:
 * x * Phi(x) with Phi the standard normal CDF, 0.5 (1 + erf(x / sqrt 2)).
 * Its backward is made of erf/exp ops, so it is differentiable again. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "nabla/ops.h"
#include "ops/elementwise_op.h"

/* 1/sqrt(2) and 1/sqrt(2 pi) */
#define NB_GELU_RSQRT2 0.70710678118654752440
#define NB_GELU_RSQRT2PI 0.39894228040143267794

#define NB_MAPS(X)                                                                           \
    X(gelu, nb_no_params, (T)0.5 * x * ((T)1 + erf(x * (T)NB_GELU_RSQRT2)))
#include "kernels/elementwise_loops.h"

/* d gelu = Phi(x) + x phi(x), phi(x) = e^(-x²/2) / sqrt(2 pi) */
static int nb_gelu_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *x = node->inputs[0];
    nb_tensor *cdf = nb_add_scalar(nb_mul_scalar(nb_erf(nb_mul_scalar(x, NB_GELU_RSQRT2)), 0.5), 0.5);
    nb_tensor *pdf = nb_mul_scalar(nb_exp(nb_mul_scalar(nb_square(x), -0.5)), NB_GELU_RSQRT2PI);
    gi[0] = nb_mul(g, nb_add(cdf, nb_mul(x, pdf)));
    return 0;
}

static const nb_op nb_op_gelu = {
    .name = "gelu",
    .forward = nb__unary_forward,
    .backward = nb_gelu_backward,
    .saved = NB_SAVES_INPUT(0),
    .map = {nb_gelu_map_f32, nb_gelu_map_f64},
};

nb_tensor *nb_gelu(nb_tensor *x) { return nb__unary_apply(&nb_op_gelu, x, NULL); }
