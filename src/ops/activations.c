/* Activation functions (sigmoid, relu, leaky_relu, softplus, clamp) and the
 * MATLAB toolbox names of the classic BP network.  Kinks use the constant
 * masks of compare.c, which are never recorded: their derivative is zero
 * almost everywhere, so second order stays correct. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "kernels/exp.h"
#include "nabla/ops.h"
#include "ops/elementwise_op.h"

/* leaky_relu: x for x >= 0, slope * x below */
typedef struct nb_leaky_relu_params {
    double slope;
} nb_leaky_relu_params;

/* clamp: min(max(x, lo), hi) */
typedef struct nb_clamp_params {
    double lo, hi;
} nb_clamp_params;

/* softplus goes through e^-|x| in (0, 1], so nothing overflows:
 * max(x, 0) + log1p(e).  sigmoid's loops are below. */
#define NB_MAPS(X)                                                                           \
    X(relu, nb_no_params, x < 0 ? (T)0 : x)                                                  \
    X(leaky_relu, nb_leaky_relu_params, x < 0 ? (T)p->slope * x : x)                         \
    X(softplus, nb_no_params, (x > 0 ? x : (T)0) + log1p(exp(-fabs(x))))                     \
    X(clamp, nb_clamp_params, x < (T)p->lo ? (T)p->lo : (x > (T)p->hi ? (T)p->hi : x))
#include "kernels/elementwise_loops.h"

/* sigmoid, f32: the vectorised kernel of kernels/exp.c (every LSTM and GRU
 * gate runs it).  f64 keeps libm: through e^-|x| in (0, 1], so nothing
 * overflows, 1/(1+e) for x >= 0 and e/(1+e) below (the same value without
 * the cancellation of 1 - tiny). */
static void nb_sigmoid_map_f64(int64_t n, const double *restrict in, double *restrict out,
                               const void *params)
{
    (void)params;
    NB_SIMD
    for (int64_t i = 0; i < n; i++) {
        double x = in[i];
        out[i] = x >= 0 ? 1 / (1 + exp(-x)) : exp(x) * (1 / (1 + exp(x)));
    }
}

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
    const nb_leaky_relu_params *p = nb__node_params(node);
    nb_tensor *x = node->inputs[0];
    nb_tensor *m = nb_greater(x, nb__scalar_like(x, 0.0));
    gi[0] = nb_mul(g, nb_add_scalar(nb_mul_scalar(m, 1.0 - p->slope), p->slope));
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
    const nb_clamp_params *p = nb__node_params(node);
    nb_tensor *x = node->inputs[0];
    nb_tensor *inside = nb_mul(nb_greater_equal(x, nb__scalar_like(x, p->lo)),
                               nb_less_equal(x, nb__scalar_like(x, p->hi)));
    gi[0] = nb_mul(g, inside);
    return 0;
}

static const nb_op nb_op_sigmoid = {
    .name = "sigmoid",
    .forward = nb__unary_forward,
    .backward = nb_sigmoid_backward,
    .saved = NB_SAVES_OUTPUT,
    .map = {nb_k_sigmoid_f32, nb_sigmoid_map_f64},
};

static const nb_op nb_op_relu = {
    .name = "relu",
    .forward = nb__unary_forward,
    .backward = nb_relu_backward,
    .saved = NB_SAVES_INPUT(0),
    .map = {nb_relu_map_f32, nb_relu_map_f64},
};

static const nb_op nb_op_leaky_relu = {
    .name = "leaky_relu",
    .forward = nb__unary_forward,
    .backward = nb_leaky_relu_backward,
    .saved = NB_SAVES_INPUT(0),
    .params_size = NB_PARAMS(nb_leaky_relu_params),
    .map = {nb_leaky_relu_map_f32, nb_leaky_relu_map_f64},
};

static const nb_op nb_op_softplus = {
    .name = "softplus",
    .forward = nb__unary_forward,
    .backward = nb_softplus_backward,
    .saved = NB_SAVES_INPUT(0),
    .map = {nb_softplus_map_f32, nb_softplus_map_f64},
};

static const nb_op nb_op_clamp = {
    .name = "clamp",
    .forward = nb__unary_forward,
    .backward = nb_clamp_backward,
    .saved = NB_SAVES_INPUT(0),
    .params_size = NB_PARAMS(nb_clamp_params),
    .map = {nb_clamp_map_f32, nb_clamp_map_f64},
};

nb_tensor *nb_sigmoid(nb_tensor *x) { return nb__unary_apply(&nb_op_sigmoid, x, NULL); }
nb_tensor *nb_relu(nb_tensor *x) { return nb__unary_apply(&nb_op_relu, x, NULL); }
nb_tensor *nb_softplus(nb_tensor *x) { return nb__unary_apply(&nb_op_softplus, x, NULL); }

nb_tensor *nb_leaky_relu(nb_tensor *x, double slope)
{
    if (nb__check_op_inputs("leaky_relu", &x, 1) < 0)
        return NULL;
    if (!isfinite(slope)) {
        nb__error(NB_ERR_ARG, "leaky_relu: slope must be a finite number (got %g)", slope);
        return NULL;
    }
    return nb__unary_apply(&nb_op_leaky_relu, x, &(nb_leaky_relu_params){.slope = slope});
}

nb_tensor *nb_clamp(nb_tensor *x, double lo, double hi)
{
    if (nb__check_op_inputs("clamp", &x, 1) < 0)
        return NULL;
    if (isnan(lo) || isnan(hi)) {
        nb__error(NB_ERR_ARG, "clamp: bounds must be numbers (got lo %g, hi %g)", lo, hi);
        return NULL;
    }
    if (lo > hi) {
        nb__error(NB_ERR_ARG, "clamp: need lo <= hi (got lo %g, hi %g); did you swap them?", lo, hi);
        return NULL;
    }
    return nb__unary_apply(&nb_op_clamp, x, &(nb_clamp_params){.lo = lo, .hi = hi});
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
