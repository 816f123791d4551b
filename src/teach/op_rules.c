/* The table behind op_rules.h: one row per built-in op that has a simple
 * local rule, read by the backward trace (trace.c) and the backward-pass
 * page (html_rules.c).  The rules are the ones the ops' backward formulas
 * implement (src/ops); keep them in step when an op changes.  A rule with
 * %c relies on the op's parameter struct being one double (unary_basic.c's
 * nb_scalar_params, unary_math.c's nb_pow_scalar_params). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "autograd/graph.h"
#include "teach/op_rules.h"

/* The page's derivatives of one-input elementwise ops, from the input x and
 * the output y. */
static double d_tanh(double x, double y) { (void)x; return 1 - y * y; }
static double d_sigmoid(double x, double y) { (void)x; return y * (1 - y); }
static double d_relu(double x, double y) { (void)y; return x > 0 ? 1 : 0; }
static double d_exp(double x, double y) { (void)x; return y; }
static double d_log(double x, double y) { (void)y; return 1 / x; }
static double d_square(double x, double y) { (void)y; return 2 * x; }
static double d_sqrt(double x, double y) { (void)x; return 1 / (2 * y); }
static double d_neg(double x, double y) { (void)x; (void)y; return -1; }
static double d_sin(double x, double y) { (void)y; return cos(x); }
static double d_cos(double x, double y) { (void)y; return -sin(x); }
static double d_abs(double x, double y) { (void)y; return x > 0 ? 1 : x < 0 ? -1 : 0; }
static double d_softplus(double x, double y) { (void)y; return 1 / (1 + exp(-x)); }
static double d_one(double x, double y) { (void)x; (void)y; return 1; }
static double d_ratio(double x, double y) { return x != 0 ? y / x : NAN; }

/* Each row: name; the trace's formula, gradients per input, elementwise;
 * the page's words, numbers and derivative. */
static const nb_op_rule nb_rules[] = {
    {"add", "%o = %1 + %2", {"%g", "%g"}, true,
     "add: ∂(a + b)/∂a = 1 and ∂(a + b)/∂b = 1, so each input gets the arriving gradient as "
     "it is", NB_RULE_WORDS, NULL},
    {"sub", "%o = %1 - %2", {"%g", "-%g"}, true,
     "sub: ∂(a − b)/∂a = 1 and ∂(a − b)/∂b = −1, so a gets the arriving gradient and b its "
     "negative", NB_RULE_WORDS, NULL},
    {"mul", "%o = %1 * %2", {"%g * %2", "%g * %1"}, true,
     "mul: ∂(a·b)/∂a = b and ∂(a·b)/∂b = a, element by element, so a gets G·b and b gets G·a",
     NB_RULE_WORDS, NULL},
    {"div", "%o = %1 / %2", {"%g / %2", "-%g * %1 / %2²"}, true,
     "div: ∂(a/b)/∂a = 1/b and ∂(a/b)/∂b = −a/b², element by element", NB_RULE_WORDS, NULL},
    {"matmul", "%o = %1 @ %2", {"%g @ %2ᵀ", "%1ᵀ @ %g"}, false, NULL, NB_RULE_MATMUL, NULL},
    {"tanh", "%o = tanh(%1)", {"%g * (1 - %o²)"}, true,
     "tanh: ∂t/∂e = 1 − t² (t = tanh e, the output)", NB_RULE_DERIV, d_tanh},
    {"sigmoid", "%o = sigmoid(%1)", {"%g * %o * (1 - %o)"}, true,
     "sigmoid: ∂s/∂x = s (1 − s) (s the output)", NB_RULE_DERIV, d_sigmoid},
    {"relu", "%o = relu(%1)", {"%g * (%1 > 0)"}, true,
     "relu: ∂r/∂x = 1 where x &gt; 0, else 0", NB_RULE_DERIV, d_relu},
    {"leaky_relu", "%o = leaky_relu(%1)", {"%g * (%1 > 0 ? 1 : slope)"}, true,
     NULL, NB_RULE_WORDS, NULL},
    {"softplus", "%o = log(1 + exp(%1))", {"%g * sigmoid(%1)"}, true,
     "softplus: ∂y/∂x = 1 / (1 + e⁻ˣ)", NB_RULE_DERIV, d_softplus},
    {"exp", "%o = exp(%1)", {"%g * %o"}, true,
     "exp: ∂y/∂x = eˣ = y", NB_RULE_DERIV, d_exp},
    {"log", "%o = log(%1)", {"%g / %1"}, true,
     "log: ∂y/∂x = 1 / x", NB_RULE_DERIV, d_log},
    {"sqrt", "%o = sqrt(%1)", {"%g / (2 %o)"}, true,
     "sqrt: ∂y/∂x = 1 / (2√x) = 1 / (2y)", NB_RULE_DERIV, d_sqrt},
    {"square", "%o = %1²", {"%g * 2 %1"}, true,
     "square: ∂(x²)/∂x = 2x", NB_RULE_DERIV, d_square},
    {"neg", "%o = -%1", {"-%g"}, true,
     "neg: ∂(−x)/∂x = −1", NB_RULE_CONST, d_neg},
    {"abs", "%o = |%1|", {"%g * sign(%1)"}, true,
     "abs: ∂|x|/∂x = sign x", NB_RULE_DERIV, d_abs},
    {"sin", "%o = sin(%1)", {"%g * cos(%1)"}, true,
     "sin: ∂y/∂x = cos x", NB_RULE_DERIV, d_sin},
    {"cos", "%o = cos(%1)", {"-%g * sin(%1)"}, true,
     "cos: ∂y/∂x = −sin x", NB_RULE_DERIV, d_cos},
    {"erf", "%o = erf(%1)", {"%g * 2/sqrt(pi) exp(-%1²)"}, true,
     NULL, NB_RULE_WORDS, NULL},
    {"add_scalar", "%o = %1 + %c", {"%g"}, true,
     "add_scalar: ∂(x + c)/∂x = 1", NB_RULE_CONST, d_one},
    {"mul_scalar", "%o = %c * %1", {"%c * %g"}, true,
     "mul_scalar: ∂(c·x)/∂x = c", NB_RULE_RATIO, d_ratio},
    {"pow_scalar", "%o = %1^%c", {"%g * %c %1^(%c - 1)"}, true,
     NULL, NB_RULE_WORDS, NULL},
    {"pow", "%o = %1^%2", {"%g * %2 %1^(%2-1)", "%g * %o log(%1)"}, true,
     NULL, NB_RULE_WORDS, NULL},
    {"maximum", "%o = max(%1, %2)", {"%g * (%1 >= %2)", "%g * (%2 > %1)"}, true,
     NULL, NB_RULE_WORDS, NULL},
    {"minimum", "%o = min(%1, %2)", {"%g * (%1 <= %2)", "%g * (%2 < %1)"}, true,
     NULL, NB_RULE_WORDS, NULL},
    {"sum", "%o = sum(%1)", {"%g, copied to every summed element"}, false,
     "sum: ∂(Σ x)/∂xᵢ = 1, so every element summed gets the arriving gradient", NB_RULE_WORDS,
     NULL},
    {"mean", "%o = mean(%1)", {"%g / n, copied to every averaged element"}, false,
     NULL, NB_RULE_MEAN, NULL},
    {"reshape", "%o = reshape(%1)", {"%g, reshaped back"}, false,
     "reshape: moves values without changing them, so the gradient is moved back the same way",
     NB_RULE_WORDS, NULL},
    {"permute", NULL, {NULL}, false,
     "permute: moves values without changing them, so the gradient is moved back the same way",
     NB_RULE_WORDS, NULL},
};

const nb_op_rule *nb__node_rule(const nb_node *node)
{
    if (!node || nb__is_custom_op(node->op))
        return NULL;
    for (size_t i = 0; i < sizeof nb_rules / sizeof *nb_rules; i++)
        if (strcmp(nb_rules[i].op, node->op->name) == 0)
            return &nb_rules[i];
    return NULL;
}

char *nb__rule_expand(const char *tmpl, const char *const names[4], const char *g, const char *c,
                      char *buf, size_t n)
{
    size_t len = 0;
    if (n == 0)
        return buf;
    for (const char *s = tmpl; *s && len + 1 < n; s++) {
        char k = s[0] == '%' ? s[1] : '\0';
        bool named = k == 'o' || k == 'g' || k == 'c' || (k >= '1' && k <= '3');
        if (!named) {
            buf[len++] = *s;
            continue;
        }
        const char *put = k == 'o' ? names[0] : k == 'g' ? g : k == 'c' ? c : names[k - '0'];
        for (put = put ? put : "?"; *put && len + 1 < n; put++)
            buf[len++] = *put;
        s++; /* the letter after '%' */
    }
    buf[len] = '\0';
    return buf;
}
