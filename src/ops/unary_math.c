/* Elementwise math maps: exp, log, sqrt, abs, x^p, sin, cos, erf.  Each op is
 * its loops (one row of NB_MAPS), its backward (the derivative on paper,
 * written with nabla ops) and its descriptor. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/exp.h"
#include "nabla/ops.h"
#include "ops/elementwise_op.h"

/* pow_scalar: x^p */
typedef struct nb_pow_scalar_params {
    double p;
} nb_pow_scalar_params;

/* Expressions in x (and p->...) for T = float and double; exp, log, ... are
 * <tgmath.h>'s, so a float x calls expf, logf, ... */
#define NB_MAPS(X)                                                                           \
    X(sqrt, nb_no_params, sqrt(x))                                                           \
    X(abs, nb_no_params, fabs(x))                                                            \
    X(pow_scalar, nb_pow_scalar_params, p->p == 2.0 ? x * x : pow(x, (T)p->p))               \
    X(sin, nb_no_params, sin(x))                                                             \
    X(cos, nb_no_params, cos(x))                                                             \
    X(erf, nb_no_params, erf(x))
#include "kernels/elementwise_loops.h"

/* exp and log are rows of their own: f32 runs the vectorised kernels of
 * kernels/exp.c (libm's expf and logf are a scalar call per element), f64
 * stays on libm, which gradient checks in f64 rely on. */
static void nb_exp_map_f64(int64_t n, const double *restrict in, double *restrict out,
                           const void *params)
{
    (void)params;
    NB_SIMD
    for (int64_t i = 0; i < n; i++)
        out[i] = exp(in[i]);
}

static void nb_log_map_f64(int64_t n, const double *restrict in, double *restrict out,
                           const void *params)
{
    (void)params;
    NB_SIMD
    for (int64_t i = 0; i < n; i++)
        out[i] = log(in[i]);
}

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
    const nb_pow_scalar_params *p = nb__node_params(node);
    if (p->p == 0.0)
        gi[0] = nb_mul_scalar(g, 0.0);
    else
        gi[0] = nb_mul(g, nb_mul_scalar(nb_pow_scalar(node->inputs[0], p->p - 1.0), p->p));
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

/* d erf x = 2/sqrt(pi) e^(-x²) */
static int nb_erf_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const double two_over_sqrt_pi = 1.12837916709551257390;
    nb_tensor *x = node->inputs[0];
    gi[0] = nb_mul(g, nb_mul_scalar(nb_exp(nb_neg(nb_square(x))), two_over_sqrt_pi));
    return 0;
}

static const nb_op nb_op_exp = {
    .name = "exp",
    .forward = nb__unary_forward,
    .backward = nb_exp_backward,
    .saved = NB_SAVES_OUTPUT,
    .map = {nb_k_exp_f32, nb_exp_map_f64},
};

static const nb_op nb_op_log = {
    .name = "log",
    .forward = nb__unary_forward,
    .backward = nb_log_backward,
    .saved = NB_SAVES_INPUT(0),
    .map = {nb_k_log_f32, nb_log_map_f64},
};

static const nb_op nb_op_sqrt = {
    .name = "sqrt",
    .forward = nb__unary_forward,
    .backward = nb_sqrt_backward,
    .saved = NB_SAVES_OUTPUT,
    .map = {nb_sqrt_map_f32, nb_sqrt_map_f64},
};

static const nb_op nb_op_abs = {
    .name = "abs",
    .forward = nb__unary_forward,
    .backward = nb_abs_backward,
    .saved = NB_SAVES_INPUT(0),
    .map = {nb_abs_map_f32, nb_abs_map_f64},
};

static const nb_op nb_op_pow_scalar = {
    .name = "pow_scalar",
    .forward = nb__unary_forward,
    .backward = nb_pow_scalar_backward,
    .saved = NB_SAVES_INPUT(0),
    .params_size = NB_PARAMS(nb_pow_scalar_params),
    .map = {nb_pow_scalar_map_f32, nb_pow_scalar_map_f64},
};

static const nb_op nb_op_sin = {
    .name = "sin",
    .forward = nb__unary_forward,
    .backward = nb_sin_backward,
    .saved = NB_SAVES_INPUT(0),
    .map = {nb_sin_map_f32, nb_sin_map_f64},
};

static const nb_op nb_op_cos = {
    .name = "cos",
    .forward = nb__unary_forward,
    .backward = nb_cos_backward,
    .saved = NB_SAVES_INPUT(0),
    .map = {nb_cos_map_f32, nb_cos_map_f64},
};

static const nb_op nb_op_erf = {
    .name = "erf",
    .forward = nb__unary_forward,
    .backward = nb_erf_backward,
    .saved = NB_SAVES_INPUT(0),
    .map = {nb_erf_map_f32, nb_erf_map_f64},
};

nb_tensor *nb_exp(nb_tensor *x) { return nb__unary_apply(&nb_op_exp, x, NULL); }
nb_tensor *nb_log(nb_tensor *x) { return nb__unary_apply(&nb_op_log, x, NULL); }
nb_tensor *nb_sqrt(nb_tensor *x) { return nb__unary_apply(&nb_op_sqrt, x, NULL); }
nb_tensor *nb_abs(nb_tensor *x) { return nb__unary_apply(&nb_op_abs, x, NULL); }
nb_tensor *nb_sin(nb_tensor *x) { return nb__unary_apply(&nb_op_sin, x, NULL); }
nb_tensor *nb_cos(nb_tensor *x) { return nb__unary_apply(&nb_op_cos, x, NULL); }
nb_tensor *nb_erf(nb_tensor *x) { return nb__unary_apply(&nb_op_erf, x, NULL); }

nb_tensor *nb_pow_scalar(nb_tensor *x, double p)
{
    return nb__unary_apply(&nb_op_pow_scalar, x, &(nb_pow_scalar_params){.p = p});
}
