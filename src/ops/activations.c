/* Activation functions (sigmoid, relu, leaky_relu, softplus, clamp) and the
 * MATLAB toolbox names of the classic BP network.  Kinks use the constant
 * masks of compare.c, which are never recorded: their derivative is zero
 * almost everywhere, so second order stays correct. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "nabla/ops.h"
#include "ops/unary_apply.h"

/* d sigmoid = y (1 - y), from the saved output: stays finite (0) far out */
static int nb_sigmoid_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *y = node->output;
    gi[0] = nb_mul(g, nb_mul(y, nb_add_scalar(nb_neg(y), 1.0)));
    return 0;
}

/* g where x > 0 */
static int nb_relu_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *x = node->inputs[0];
    gi[0] = nb_mul(g, nb_greater(x, nb__scalar_like(x, 0.0)));
    return 0;
}

/* g * (m + slope (1 - m)) with m = [x > 0] */
static int nb_leaky_relu_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *x = node->inputs[0];
    double slope = node->params.f[0];
    nb_tensor *m = nb_greater(x, nb__scalar_like(x, 0.0));
    gi[0] = nb_mul(g, nb_add_scalar(nb_mul_scalar(m, 1.0 - slope), slope));
    return 0;
}

/* d softplus = sigmoid */
static int nb_softplus_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = nb_mul(g, nb_sigmoid(node->inputs[0]));
    return 0;
}

/* g where lo <= x <= hi */
static int nb_clamp_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *x = node->inputs[0];
    nb_tensor *inside = nb_mul(nb_greater_equal(x, nb__scalar_like(x, node->params.f[0])),
                               nb_less_equal(x, nb__scalar_like(x, node->params.f[1])));
    gi[0] = nb_mul(g, inside);
    return 0;
}

#define NB_FWD nb__unary_map_forward
static const nb_op nb_op_sigmoid = {"sigmoid", NB_FWD, nb_sigmoid_backward, NB_SAVES_OUTPUT, 0};
static const nb_op nb_op_relu = {"relu", NB_FWD, nb_relu_backward, NB_SAVES_INPUT(0), 0};
static const nb_op nb_op_leaky_relu = {"leaky_relu", NB_FWD, nb_leaky_relu_backward,
                                       NB_SAVES_INPUT(0), 0};
static const nb_op nb_op_softplus = {"softplus", NB_FWD, nb_softplus_backward, NB_SAVES_INPUT(0), 0};
static const nb_op nb_op_clamp = {"clamp", NB_FWD, nb_clamp_backward, NB_SAVES_INPUT(0), 0};

nb_tensor *nb_sigmoid(nb_tensor *x) { return nb__unary_map(&nb_op_sigmoid, NB_UN_SIGMOID, x, 0, 0); }
nb_tensor *nb_relu(nb_tensor *x) { return nb__unary_map(&nb_op_relu, NB_UN_RELU, x, 0, 0); }
nb_tensor *nb_softplus(nb_tensor *x) { return nb__unary_map(&nb_op_softplus, NB_UN_SOFTPLUS, x, 0, 0); }

nb_tensor *nb_leaky_relu(nb_tensor *x, double slope)
{
    if (nb__check_op_inputs("leaky_relu", &x, 1) < 0)
        return NULL;
    if (!isfinite(slope)) {
        nb__error(NB_ERR_ARG, "leaky_relu: slope must be a finite number (got %g)", slope);
        return NULL;
    }
    return nb__unary_map(&nb_op_leaky_relu, NB_UN_LEAKY_RELU, x, slope, 0);
}

nb_tensor *nb_clamp(nb_tensor *x, double lo, double hi)
{
    if (nb__check_op_inputs("clamp", &x, 1) < 0)
        return NULL;
    if (isnan(lo) || isnan(hi) || lo > hi) {
        nb__error(NB_ERR_ARG, "clamp: need lo <= hi (got lo %g, hi %g); did you swap them?", lo, hi);
        return NULL;
    }
    return nb__unary_map(&nb_op_clamp, NB_UN_CLAMP, x, lo, hi);
}

nb_tensor *nb_tansig(nb_tensor *x) { return nb_tanh(x); }
nb_tensor *nb_logsig(nb_tensor *x) { return nb_sigmoid(x); }
nb_tensor *nb_poslin(nb_tensor *x) { return nb_relu(x); }

nb_tensor *nb_purelin(nb_tensor *x)
{
    if (nb__check_tensor(x, "purelin", "input") < 0)
        return NULL;
    return x;
}
