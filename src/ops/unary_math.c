/* Elementwise math maps: exp, log, sqrt, abs, x^p, sin, cos.  Each backward
 * is the derivative on paper, written with nabla ops. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "ops/unary_apply.h"

/* d e^x = e^x: reuse the saved output */
static int nb_exp_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = nb_mul(g, node->output);
    return 0;
}

/* d log x = 1/x */
static int nb_log_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = nb_div(g, node->inputs[0]);
    return 0;
}

/* d sqrt x = 1 / (2 sqrt x) */
static int nb_sqrt_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = nb_div(g, nb_mul_scalar(node->output, 2.0));
    return 0;
}

/* d|x| = sign x, a constant almost everywhere (0 at the kink) */
static int nb_abs_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = nb_mul(g, nb_sign(node->inputs[0]));
    return 0;
}

/* d x^p = p x^(p-1).  p == 0 is special: the derivative is exactly 0, and
 * computing 0 * x^-1 would give NaN at x = 0. */
static int nb_pow_scalar_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    double p = node->params.f[0];
    if (p == 0.0)
        gi[0] = nb_mul_scalar(g, 0.0);
    else
        gi[0] = nb_mul(g, nb_mul_scalar(nb_pow_scalar(node->inputs[0], p - 1.0), p));
    return 0;
}

static int nb_sin_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = nb_mul(g, nb_cos(node->inputs[0]));
    return 0;
}

static int nb_cos_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = nb_neg(nb_mul(g, nb_sin(node->inputs[0])));
    return 0;
}

#define NB_FWD nb__unary_map_forward
static const nb_op nb_op_exp = {"exp", NB_FWD, nb_exp_backward, NB_SAVES_OUTPUT, 0};
static const nb_op nb_op_log = {"log", NB_FWD, nb_log_backward, NB_SAVES_INPUT(0), 0};
static const nb_op nb_op_sqrt = {"sqrt", NB_FWD, nb_sqrt_backward, NB_SAVES_OUTPUT, 0};
static const nb_op nb_op_abs = {"abs", NB_FWD, nb_abs_backward, NB_SAVES_INPUT(0), 0};
static const nb_op nb_op_pow_scalar = {"pow_scalar", NB_FWD, nb_pow_scalar_backward,
                                       NB_SAVES_INPUT(0), 0};
static const nb_op nb_op_sin = {"sin", NB_FWD, nb_sin_backward, NB_SAVES_INPUT(0), 0};
static const nb_op nb_op_cos = {"cos", NB_FWD, nb_cos_backward, NB_SAVES_INPUT(0), 0};

nb_tensor *nb_exp(nb_tensor *x) { return nb__unary_map(&nb_op_exp, NB_UN_EXP, x, 0, 0); }
nb_tensor *nb_log(nb_tensor *x) { return nb__unary_map(&nb_op_log, NB_UN_LOG, x, 0, 0); }
nb_tensor *nb_sqrt(nb_tensor *x) { return nb__unary_map(&nb_op_sqrt, NB_UN_SQRT, x, 0, 0); }
nb_tensor *nb_abs(nb_tensor *x) { return nb__unary_map(&nb_op_abs, NB_UN_ABS, x, 0, 0); }
nb_tensor *nb_sin(nb_tensor *x) { return nb__unary_map(&nb_op_sin, NB_UN_SIN, x, 0, 0); }
nb_tensor *nb_cos(nb_tensor *x) { return nb__unary_map(&nb_op_cos, NB_UN_COS, x, 0, 0); }

nb_tensor *nb_pow_scalar(nb_tensor *x, double p)
{
    return nb__unary_map(&nb_op_pow_scalar, NB_UN_POW_SCALAR, x, p, 0);
}
